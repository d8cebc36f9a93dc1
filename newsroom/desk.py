"""The desk: the Django admin as journalists, editors and moderators work in it, in French."""

from django.contrib import admin
from django.contrib.admin.templatetags import admin_list
from django.templatetags.static import static
from django.utils import translation
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from django.views.i18n import JavaScriptCatalog

# Django's own sentences that read badly with the desk's nouns ("Ajouter un objet citation
# supplémentaire"), named here so that the project's catalogue, which takes precedence over
# Django's, words them again.
REWORDED = [
    gettext_noop("Add another %(verbose_name)s"),
    gettext_noop("Add another %(model)s"),
]


class DeskSite(admin.AdminSite):
    site_header = _("Newsroom desk")
    site_title = _("Newsroom desk")
    index_title = _("The desk")
    index_template = "admin/desk_index.html"

    def i18n_javascript(self, request, extra_context=None):
        """Serve the admin's JavaScript catalogue with the rich-text editor's and the desk's."""
        packages = ["django.contrib.admin", "django_prose_editor", "newsroom"]
        return JavaScriptCatalog.as_view(packages=packages)(request)


def person(user):
    """Name a desk member as their colleagues know them, without a link to a page of accounts."""
    return (user.get_full_name() or user.get_username()) if user else "—"


class DeskTitles:
    """Give a model's desk pages titles that read as French sentences, and a history in French.

    Django builds its titles from the model's name ("Ajout de article", "Sélectionnez l'objet
    article à changer"); each desk page says instead what `add_title`, `change_title` and
    `view_title` say, and a list is titled with the model's plural name.
    """

    add_title = change_title = view_title = None

    def changelist_view(self, request, extra_context=None):
        titles = {"title": capfirst(self.opts.verbose_name_plural), "add_title": self.add_title}
        return super().changelist_view(request, titles | (extra_context or {}))

    def add_view(self, request, form_url="", extra_context=None):
        return super().add_view(
            request, form_url, {"title": self.add_title} | (extra_context or {})
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        may_change = obj is None or self.has_change_permission(request, obj)
        title = {"title": self.change_title if may_change else self.view_title}
        return super().change_view(request, object_id, form_url, title | (extra_context or {}))

    def construct_change_message(self, request, form, formsets, add=False):
        """Name the changed fields in the desk's language in the history ("Titre", not "Headline").

        Django stores the labels in English for each reader's language to translate later, but
        translates them as written ("Headline"), while the catalogue knows the verbose names.
        """
        message = super().construct_change_message(request, form, formsets, add)
        labels = {}
        for each_form in [form, *(f for formset in formsets for f in formset.forms)]:
            for field in each_form.fields.values():
                if field.label:
                    with translation.override(None):
                        english = str(field.label)
                    labels[english] = str(field.label)
        for entry in message:
            for detail in entry.values():
                if "fields" in detail:
                    detail["fields"] = [labels.get(name, name) for name in detail["fields"]]
        return message


def boolean_icon(value):
    """Return Django's yes/no icon with its alternative text in the desk's language.

    Django writes alt="True" or "False" in English, whatever the language (readonly fields,
    lists): a screen reader would say so to a French desk. Every caller imports it from
    admin_list when it draws one, so the desk's version is put there.
    """
    name = {True: "yes", False: "no", None: "unknown"}[value]
    label = {True: _("yes"), False: _("no"), None: _("unknown")}[value]
    return format_html('<img src="{}" alt="{}">', static(f"admin/img/icon-{name}.svg"), label)


admin_list._boolean_icon = boolean_icon

"""The journalists' and editors' desk."""

import datetime as dt
import logging

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import actions as admin_actions
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import model_ngettext, unquote
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Count, F, IntegerField, OuterRef, Prefetch, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.html import format_html
from django.utils.text import slugify
from django.utils.translation import gettext, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from reversion.admin import VersionAdmin
from taggit.models import Tag

from articles import charts, history, popularity, publishing, rendering
from articles.images import (
    ORIGINAL,
    crops_refusal_message,
    cut_crops,
    make_photo_renditions,
    refusal_message,
    renditions_of,
    store_lead_image,
    validate_lead_image,
    without_metadata,
)
from articles.models import (
    Article,
    Author,
    Byline,
    EditorialNote,
    HourlyViews,
    Organisation,
    Photo,
    Quote,
    Section,
    Speaker,
    public_comments,
)
from newsroom.desk import DeskTitles, person
from newsroom.formats import moment
from pagecache.invalidation import invalidate

logger = logging.getLogger(__name__)


class TrashFilter(admin.SimpleListFilter):
    """Show what is current, by default, or what is in the trash."""

    title = _("trash")
    parameter_name = "trash"
    IN_TRASH = "1"

    def lookups(self, request, model_admin):
        return [(self.IN_TRASH, _("In the trash"))]

    def choices(self, changelist):
        yield {
            "selected": self.value() != self.IN_TRASH,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": _("Not in the trash"),
        }
        yield {
            "selected": self.value() == self.IN_TRASH,
            "query_string": changelist.get_query_string({self.parameter_name: self.IN_TRASH}),
            "display": _("In the trash"),
        }

    def queryset(self, request, queryset):
        return queryset.filter(deleted_at__isnull=self.value() != self.IN_TRASH)


class MovesToTrash:
    """Make deleting in the desk reversible: to the trash, shown by a filter, restored by an action.

    For a model with `deleted_at`, `deleted_by` and an `all_objects` manager. The admin says how one
    object goes to the trash and comes back (`trash_one`, `restore_one`, each checking who may);
    whoever may delete an object may restore it. `manage.py purge_deleted` empties the trash.
    """

    delete_confirmation_template = "admin/trash_confirmation.html"
    delete_selected_confirmation_template = "admin/trash_selected_confirmation.html"

    def trash_one(self, request, obj):
        raise NotImplementedError

    def restore_one(self, request, obj):
        raise NotImplementedError

    def is_trash(self, request):
        return request.GET.get(TrashFilter.parameter_name) == TrashFilter.IN_TRASH

    def trash_url(self):
        changelist = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
        return f"{changelist}?{TrashFilter.parameter_name}={TrashFilter.IN_TRASH}"

    def get_queryset(self, request):
        # Every row, so that the trash lists and a deleted object's page opens; the filter chooses.
        queryset = self.model.all_objects.get_queryset()
        ordering = self.get_ordering(request)
        return queryset.order_by(*ordering) if ordering else queryset

    def get_list_filter(self, request):
        return [*super().get_list_filter(request), TrashFilter]

    def get_list_display(self, request):
        columns = super().get_list_display(request)
        return [*columns, "deleted_at", "trashed_by"] if self.is_trash(request) else columns

    def get_list_select_related(self, request):
        related = super().get_list_select_related(request)
        if self.is_trash(request) and isinstance(related, list | tuple):
            return [*related, "deleted_by"]
        return related

    def get_actions(self, request):
        # The trash offers restoring and nothing else; the current list anything but.
        actions = super().get_actions(request)
        in_trash = self.is_trash(request)
        return {
            name: action
            for name, action in actions.items()
            if (name == "restore_from_trash") == in_trash
        }

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        if obj is not None and obj.is_in_trash():
            return [*readonly, "deleted_at", "trashed_by"]
        return readonly

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not obj.is_in_trash():
            return fieldsets
        purge_at = obj.deleted_at + dt.timedelta(days=settings.SOFT_DELETE_DAYS)
        notice = gettext(
            "Whoever may delete it can restore it from the trash until %(date)s; after that it "
            "is deleted for good."
        ) % {"date": date_format(timezone.localtime(purge_at), "DATE_FORMAT")}
        trash = (_("In the trash"), {"fields": ["deleted_at", "trashed_by"], "description": notice})
        return [trash, *fieldsets]

    @admin.display(description=_("moved to the trash by"))
    def trashed_by(self, obj):
        return person(obj.deleted_by)

    # Deleting: Django's views and confirmation pages, the trash instead of the deletion.

    def get_deleted_objects(self, objs, request):
        """List what goes to the trash, and only that: nothing related is deleted with it."""
        objs = list(objs)
        refused = [str(obj) for obj in objs if not self.has_delete_permission(request, obj)]
        return [str(obj) for obj in objs], {self.opts.verbose_name_plural: len(objs)}, refused, []

    def delete_view(self, request, object_id, extra_context=None):
        context = {"title": gettext("Move to the trash"), "trash_days": settings.SOFT_DELETE_DAYS}
        return super().delete_view(request, object_id, context | (extra_context or {}))

    def log_deletions(self, request, queryset):
        self._log(request, queryset, gettext("Moved to the trash"))

    def _log(self, request, objects, message):
        LogEntry.objects.log_actions(
            user_id=request.user.pk, queryset=objects, action_flag=CHANGE, change_message=message
        )

    def delete_model(self, request, obj):
        self.trash_one(request, obj)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.trash_one(request, obj)

    def response_delete(self, request, obj_display, obj_id):
        days = settings.SOFT_DELETE_DAYS
        message = ngettext(
            "“%(obj)s” is in the trash: it can be restored for %(days)d day.",
            "“%(obj)s” is in the trash: it can be restored for %(days)d days.",
            days,
        ) % {"obj": obj_display, "days": days}
        self.message_user(request, message, messages.SUCCESS)
        if not self.has_change_permission(request):
            return HttpResponseRedirect(reverse("admin:index", current_app=self.admin_site.name))
        changelist = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
        preserved = {"preserved_filters": self.get_preserved_filters(request), "opts": self.opts}
        return HttpResponseRedirect(add_preserved_filters(preserved, changelist))

    @admin.action(
        description=_("Move selected %(verbose_name_plural)s to the trash"), permissions=["delete"]
    )
    def delete_selected(self, request, queryset):
        """Take the place of Django's action: the same confirmation page, then the trash."""
        if not request.POST.get("post"):
            response = admin_actions.delete_selected(self, request, queryset)
            response.context_data["trash_days"] = settings.SOFT_DELETE_DAYS
            if not response.context_data["perms_lacking"]:
                response.context_data["title"] = gettext("Move to the trash")
            return response
        objects = list(queryset)
        if not all(self.has_delete_permission(request, obj) for obj in objects):
            raise PermissionDenied
        self.log_deletions(request, objects)
        self.delete_queryset(request, queryset)
        count = len(objects)
        message = ngettext(
            "%(count)d %(items)s moved to the trash.",
            "%(count)d %(items)s moved to the trash.",
            count,
        ) % {"count": count, "items": model_ngettext(self.opts, count)}
        self.message_user(request, message, messages.SUCCESS)

    @admin.action(description=_("Restore from the trash"), permissions=["delete"])
    def restore_from_trash(self, request, queryset):
        restored, refused = [], 0
        for obj in queryset.filter(deleted_at__isnull=False):
            try:
                self.restore_one(request, obj)
                restored.append(obj)
            except PermissionDenied:
                refused += 1
        if restored:
            self._log(request, restored, gettext("Restored from the trash"))
            count = len(restored)
            message = ngettext(
                "%(count)d %(items)s restored from the trash.",
                "%(count)d %(items)s restored from the trash.",
                count,
            ) % {"count": count, "items": model_ngettext(self.opts, count)}
            self.message_user(request, message, messages.SUCCESS)
        if refused:
            message = ngettext(
                "%(count)d %(items)s left in the trash: you may not restore it.",
                "%(count)d %(items)s left in the trash: you may not restore them.",
                refused,
            ) % {"count": refused, "items": model_ngettext(self.opts, refused)}
            self.message_user(request, message, messages.WARNING)


@admin.register(Section)
class SectionAdmin(DeskTitles, admin.ModelAdmin):
    add_title, change_title, view_title = _("New section"), _("Edit the section"), _("Section")
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


# The tags' desk page, in place of django-taggit's (English, with the tagged items' ids).
admin.site.unregister(Tag)


@admin.register(Tag)
class TagAdmin(DeskTitles, admin.ModelAdmin):
    add_title, change_title, view_title = _("New tag"), _("Edit the tag"), _("Tag")
    list_display = ["name", "slug", "article_count"]
    search_fields = ["name"]
    ordering = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(articles=Count("taggit_taggeditem_items"))

    # django-taggit's model is not ours to make invalidating (pagecache/invalidation.py): the
    # desk refreshes the pages that show a tag when it changes one.
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        invalidate(references=True)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        invalidate(references=True)

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        invalidate(references=True)

    @admin.display(description=_("articles"), ordering="articles")
    def article_count(self, tag):
        return tag.articles


@admin.register(Author)
class AuthorAdmin(DeskTitles, admin.ModelAdmin):
    add_title, change_title, view_title = _("New author"), _("Edit the author"), _("Author")

    def get_exclude(self, request, obj=None):
        # Read-only, the account would be a link to a page of accounts, which is not theirs.
        return None if self.has_change_permission(request, obj) else ["user"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        """Offer the desk's accounts to choose from, without links to pages of accounts."""
        if db_field.name == "user":  # editors do not manage accounts: those pages are not theirs
            kwargs["queryset"] = get_user_model().objects.filter(is_staff=True, is_active=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "user" and field is not None:
            field.widget.can_add_related = field.widget.can_change_related = False
            field.widget.can_view_related = field.widget.can_delete_related = False
        return field

    list_display = ["name", "user", "is_agency"]
    list_filter = ["is_agency"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class SpeakerOfOrganisationInline(admin.TabularInline):
    model = Speaker
    fields = ["full_name", "role"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj):
        return False


@admin.register(Organisation)
class OrganisationAdmin(DeskTitles, admin.ModelAdmin):
    add_title = _("New organisation")
    change_title, view_title = _("Edit the organisation"), _("Organisation")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["name", "website"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [SpeakerOfOrganisationInline]


class QuoteOfSpeakerInline(admin.TabularInline):
    """The speaker's quotes across articles, read-only: they are edited on each article."""

    model = Quote
    fields = ["article", "role", "text"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["-article__published_at"]

    def has_add_permission(self, request, obj):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("article")


@admin.register(Speaker)
class SpeakerAdmin(DeskTitles, admin.ModelAdmin):
    add_title, change_title, view_title = _("New speaker"), _("Edit the speaker"), _("Speaker")
    list_display = ["full_name", "organisation", "role", "quote_count"]
    list_filter = ["organisation"]
    list_select_related = ["organisation"]
    search_fields = ["full_name", "role", "organisation__name"]
    prepopulated_fields = {"slug": ["full_name"]}
    autocomplete_fields = ["organisation"]
    inlines = [QuoteOfSpeakerInline]

    @admin.display(description=_("quotes"))
    def quote_count(self, speaker):
        return speaker.quotes.count()


class BylineForm(forms.ModelForm):
    def has_changed(self):
        """Save a new byline pre-filled with its journalist as it stands; an empty one is none."""
        if self.instance.pk:
            return super().has_changed()
        return bool(self["author"].value())


class BylineInline(admin.TabularInline):
    model = Byline
    form = BylineForm
    autocomplete_fields = ["author"]
    extra = 1
    verbose_name_plural = _("byline (in order)")


class QuoteForm(forms.ModelForm):
    # What the quote's marker in the body names. A row added in the desk gets a new one in the
    # browser (static/js/desk-quotes.js), so that its marker can be inserted before a first save.
    ref = forms.UUIDField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Quote
        fields = ["speaker", "role", "text", "is_pull_quote", "ref"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3, "cols": 60})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("ref", self.instance.ref)  # a new quote's, made by the model

    def has_changed(self):
        # A ref alone is no change: an extra row left empty is not a quote.
        return any(name != "ref" for name in self.changed_data)

    def clean_ref(self):
        # A saved quote keeps its ref, which the body's marker names.
        if self.instance.pk is not None:
            return self.instance.ref
        return self.cleaned_data.get("ref") or self.instance.ref

    def clean(self):
        cleaned = super().clean()
        # Pre-fill the role from the speaker; once saved it stays as written.
        if cleaned.get("speaker") and not cleaned.get("role"):
            cleaned["role"] = cleaned["speaker"].role
            self.instance.role = cleaned["role"]
        return cleaned


class QuoteFormSet(forms.BaseInlineFormSet):
    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        if self.instance.pk is not None:
            form.instance.article = self.instance  # read by QuoteInline.placement, no query
        return form

    def clean(self):
        refs = set()
        for form in self.forms:
            ref = getattr(form, "cleaned_data", {}).get("ref")
            if ref in refs:  # two rows copied in a browser without JavaScript: one ref each
                ref = form.cleaned_data["ref"] = form.instance.ref = Quote().ref
            refs.add(ref)
        super().clean()
        pulls = [
            form
            for form in self.forms
            if form.cleaned_data.get("is_pull_quote") and not form.cleaned_data.get("DELETE")
        ]
        if len(pulls) > 1:
            raise forms.ValidationError(gettext("An article has at most one pull quote."))


class QuoteInline(admin.StackedInline):
    """Quotes, each placed in the body by its marker, inserted at the editor's cursor."""

    model = Quote
    form = QuoteForm
    formset = QuoteFormSet
    autocomplete_fields = ["speaker"]
    fields = ["ref", "speaker", "role", "text", "is_pull_quote", "placement"]
    readonly_fields = ["placement"]
    extra = 1
    # Django's form heads each quote "<name>: …": the French says "Citation :" (the translation
    # carries the non-breaking space French puts before a colon).
    verbose_name = pgettext_lazy("a label Django follows with a colon", "quote")

    class Media:
        css = {"all": ["css/desk-quotes.css"]}
        js = ["js/desk-quotes.js"]

    @admin.display(description=_("place in the text"))
    def placement(self, quote):
        """Say whether the body places the quote; desk-quotes.js follows the body's changes."""
        placed = quote.pk is not None and str(quote.ref) in rendering.quote_refs(quote.article.body)
        return format_html(
            '<span class="quote-placement" data-placed="{}">'
            '<span class="quote-placed">{}</span><span class="quote-unplaced">{}</span></span> '
            '<button type="button" class="button quote-insert" hidden>{}</button>',
            "true" if placed else "false",
            gettext("Placed in the text"),
            gettext("Not placed in the text: it is shown after the body"),
            gettext("Insert in the text"),
        )


class EditorialNoteInline(admin.TabularInline):
    model = EditorialNote
    extra = 0
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 3})}}


class LeadPhotoInput(admin.widgets.AdminFileWidget):
    """The lead photo's file field, with the photo below it to click where its subject is."""

    # Where the journalist sets the focal point (static/js/desk-focal-point.js): the photo with a
    # marker and the crops cut around it. Without the script, the two fields are typed by hand.
    picker_template = "admin/articles/article/focal_point_picker.html"
    # The model's fields the picker reads and sets, beside the photo's own.
    renditions_field = "lead_image_renditions"
    focal_fields = ("lead_image_focal_x", "lead_image_focal_y")
    photo_label = _("The lead photo: click where its subject is.")

    class Media:
        css = {"all": ["css/desk-focal-point.css"]}
        js = ["js/desk-focal-point.js"]

    def render(self, name, value, attrs=None, renderer=None):
        html = super().render(name, value, attrs, renderer)
        photo = None
        if value and hasattr(value, "instance"):  # a photo stored, not one just sent
            widths = renditions_of(getattr(value.instance, self.renditions_field), ORIGINAL)
            # Large enough to click precisely in the form's column, light to load.
            fitting = [r for r in widths if r["width"] <= 800] or widths
            photo = fitting[-1] if fitting else {"url": value.url}
        input_id = (attrs or {}).get("id") or f"id_{name}"
        # The focal fields' ids, as the form names them (with its prefix, if any).
        across, down = (input_id[: -len(name)] + field for field in self.focal_fields)
        context = {
            "photo": photo,
            "photo_label": self.photo_label,
            "file_id": input_id,
            "focal_x_id": across,
            "focal_y_id": down,
        }
        return html + render_to_string(self.picker_template, context)


class LibraryPhotoInput(LeadPhotoInput):
    """A library photo's file field, with the same focal point picker as lead photos'."""

    renditions_field = "renditions"
    focal_fields = ("focal_x", "focal_y")
    photo_label = _("The photo: click where its subject is.")


FOCAL_POINT = ("lead_image_focal_x", "lead_image_focal_y")


def focal_point_field(name, model=Article):
    """Return a focal point's field: a share of the photo from 0 to 1; empty, it stays put."""
    return model._meta.get_field(name).formfield(required=False, min_value=0, max_value=1)


class FocalPointForm:
    """What a form with a photo and its focal point (the picker's two fields) cleans them with."""

    photo_field, focal_fields = "lead_image", FOCAL_POINT

    def focal_point_moved(self):
        """Tell whether the journalist moved the focal point (a field left empty leaves it)."""
        return any(
            name in self.changed_data and self.data.get(self.add_prefix(name), "") != ""
            for name in self.focal_fields
        )

    def focal_point(self, name):
        # A new photo's subject is not where the previous one's was: its focal point goes back to
        # the centre, unless the journalist set one with it.
        if self.photo_field in self.changed_data and not self.focal_point_moved():
            return 0.5
        value = self.cleaned_data.get(name)
        return getattr(self.instance, name) if value is None else value  # as saved


class ArticleAdminForm(FocalPointForm, forms.ModelForm):
    # The version of the article the form was opened on; a stale one is refused on save.
    opened_token = forms.UUIDField(widget=forms.HiddenInput, required=False)
    lead_image_focal_x = focal_point_field("lead_image_focal_x")
    lead_image_focal_y = focal_point_field("lead_image_focal_y")

    class Meta:
        model = Article
        fields = [
            "kicker",
            "headline",
            "slug",
            "lede",
            "lead_image",
            "lead_image_focal_x",
            "lead_image_focal_y",
            "lead_image_caption",
            "lead_image_credit",
            "lead_image_alt",
            "body",
            "section",
            "tags",
            "published_at",
            "is_embargoed",
            "is_open_for_comments",
            "is_excluded_from_rankings",
            "pinned_position",
            "pinned_until",
            "review_note",
        ]
        # A long headline wraps where the journalist can read it whole (one line when saved).
        widgets = {
            "headline": forms.Textarea(attrs={"rows": 2, "cols": 80, "class": "vTextField"}),
            "lede": forms.Textarea(attrs={"rows": 3, "cols": 80}),
            "lead_image": LeadPhotoInput,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["opened_token"].initial = self.instance.edit_token
        if "body" in self.fields:  # not when the article is read only
            # Where the editor's photo button finds the library (static/js/photo-marker.js).
            self.fields["body"].widget.attrs["data-photo-library"] = reverse(
                "admin:articles_photo_choices"
            )

    def clean_headline(self):
        return " ".join(self.cleaned_data["headline"].split())

    def clean_tags(self):
        tags = self.cleaned_data.get("tags") or []
        unusable = [name for name in tags if not slugify(name, allow_unicode=True)]
        if unusable:
            raise forms.ValidationError(
                gettext("A tag needs at least one letter or digit: %(tags)s")
                % {"tags": ", ".join(unusable)}
            )
        longest = Tag._meta.get_field("name").max_length
        too_long = [name for name in tags if len(name) > longest]
        if too_long:
            raise forms.ValidationError(
                ngettext(
                    "A tag has at most %(max)d characters; this one has more: %(tags)s",
                    "A tag has at most %(max)d characters; these have more: %(tags)s",
                    len(too_long),
                )
                % {"max": longest, "tags": ", ".join(too_long)}
            )
        return tags

    def clean_lead_image(self):
        image = self.cleaned_data.get("lead_image")
        if image and "lead_image" in self.changed_data:
            validate_lead_image(image)
            return without_metadata(image)
        return image

    def clean_lead_image_focal_x(self):
        return self.focal_point("lead_image_focal_x")

    def clean_lead_image_focal_y(self):
        return self.focal_point("lead_image_focal_y")

    def clean_pinned_until(self):
        until = self.cleaned_data.get("pinned_until")
        if until is not None and "pinned_until" in self.changed_data and until <= timezone.now():
            raise forms.ValidationError(gettext("Choose a time to come, or leave it empty."))
        return until

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("pinned_until") and not cleaned.get("pinned_position"):
            self.add_error(
                "pinned_position", gettext("Choose a position, or leave “pinned until” empty.")
            )
        article = self.instance
        token = cleaned.get("opened_token")
        if article.pk and token != article.edit_token:
            raise forms.ValidationError(conflict_message(article, token))
        if article.status == Article.Status.PUBLISHED and not cleaned.get("published_at"):
            self.add_error("published_at", gettext("A published article needs a publication time."))
        return cleaned


def conflict_message(article, token):
    """Explain, in one message, who saved the article meanwhile and what they changed."""
    user, when = history.last_change(article)
    opened = history.version_with_token(article, token) if token else None
    changed = []
    if opened is not None:
        changed = [
            str(c["label"])
            for c in history.diff(history.snapshot_of_version(opened), history.snapshot(article))
        ]
    who = user.get_full_name() or user.get_username() if user else gettext("someone")
    message = gettext(
        "%(who)s saved this article on %(when)s, after you opened it. Your changes were not "
        "saved, so that theirs are not lost: reload the page to see their version."
    ) % {"who": who, "when": moment(when) if when else "?"}
    if changed:
        message += " " + gettext("They changed: %(fields)s.") % {"fields": ", ".join(changed)}
    return message


def labelled(label, value):
    """Return a list cell's value with its column's name, shown where the table is cards (phone)."""
    return format_html('{}<span class="cell-label"> {}</span>', value, label)


def published_message(article):
    """Tell the editor where a just published article stands: online, scheduled or embargoed."""
    if article.state == Article.State.SCHEDULED:
        return gettext("The article is scheduled: readers will see it from %(moment)s.") % {
            "moment": moment(article.published_at)
        }
    if article.state == Article.State.EMBARGOED:
        return gettext(
            "The article is published, but readers will not see it until its embargo is lifted."
        )
    return gettext("The article is online.")


def views_since(moment):
    """Return, as an annotation, the article's views counted since the moment's hour."""
    views = (
        HourlyViews.objects.filter(article=OuterRef("pk"), hour__gte=popularity.hour_of(moment))
        .order_by()
        .values("article")
        .annotate(total=Sum("views"))
        .values("total")
    )
    return Coalesce(Subquery(views), 0, output_field=IntegerField())


def public_comment_count():
    """Return, as an annotation, the number of comments readers see under the article."""
    # A subquery rather than a join on the list's own query: its count stays a plain query, and
    # nothing is grouped by the article's columns.
    count = (
        public_comments()
        .filter(article=OuterRef("pk"))
        .order_by()
        .values("article")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return Coalesce(Subquery(count, output_field=IntegerField()), 0)


class StateFilter(admin.SimpleListFilter):
    """Filter the desk's list by what readers see of each article (Article.State)."""

    title = _("state")
    parameter_name = "etat"

    def lookups(self, request, model_admin):
        return [(state.value, state.label) for state in Article.State if state != "trash"]

    def queryset(self, request, queryset):
        if self.value() in Article.State.values:
            return queryset.in_state(self.value())
        return queryset


class FrontPageFilter(admin.SimpleListFilter):
    """Filter the desk's list to la une: what readers see pinned on the home page now."""

    title = _("front page")
    parameter_name = "une"

    def lookups(self, request, model_admin):
        return [("oui", _("Pinned to the front page"))]

    def queryset(self, request, queryset):
        return queryset.pinned() if self.value() == "oui" else queryset


@admin.register(Article)
class ArticleAdmin(DeskTitles, MovesToTrash, VersionAdmin):
    add_title, change_title, view_title = _("New article"), _("Edit the article"), _("Article")
    form = ArticleAdminForm
    ordering = [F("published_at").desc(nulls_last=True), "-created_at"]  # drafts last
    inlines = [BylineInline, QuoteInline, EditorialNoteInline]
    # What an editor asks of each article, in a 1280 px window with the menu open.
    list_display = ["headline", "state_column", "time", "byline", "views_day", "comment_count"]
    list_filter = [StateFilter, FrontPageFilter, "section", "is_excluded_from_rankings"]
    list_select_related = ["section"]
    search_fields = ["headline", "lede", "body"]
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["section"]
    object_history_template = "admin/articles/article/object_history.html"
    change_form_template = "admin/articles/article/change_form.html"
    change_list_template = None  # Django's: the trash replaces reversion's "recover deleted"

    def reversion_register(self, model, **options):
        if model is Article:  # written from the text: no history of their own
            options["exclude"] = ["search_document", "search_text"]
        super().reversion_register(model, **options)

    actions = [
        "submit_selected",
        "publish_selected",
        "unpublish_selected",
        "delete_selected",
        "restore_from_trash",
    ]
    fieldsets = [
        (None, {"fields": ["kicker", "headline", "slug", "lede", "opened_token"]}),
        (
            _("Lead photo"),
            {
                "fields": [
                    "lead_image",
                    ("lead_image_focal_x", "lead_image_focal_y"),
                    "lead_image_caption",
                    "lead_image_credit",
                    "lead_image_alt",
                ]
            },
        ),
        (_("Body"), {"fields": ["body"]}),
        (_("Classification"), {"fields": ["section", "tags"]}),
        (
            _("Publication"),
            {
                "fields": [
                    "state_column",
                    "published_at",
                    "is_embargoed",
                    "is_open_for_comments",
                    "is_excluded_from_rankings",
                    "review_note",
                ]
            },
        ),
        (
            _("Front page"),
            {
                "fields": ["pinned_position", "pinned_until"],
                "description": _(
                    "Pin the article to la une: position 1 leads the home page, 2 to 5 follow "
                    "it. The latest stories fill the other positions."
                ),
            },
        ),
    ]

    class Media:
        # desk-photos.css: the body editor's photo markers and picker (static/js/photo-marker.js).
        css = {"all": ["css/desk.css", "css/desk-photos.css"]}
        js = ["js/desk.js"]

    def get_queryset(self, request):
        bylines = Byline.objects.select_related("author")
        now = timezone.now()
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("bylines", bylines))
            .annotate(
                views_24h=views_since(now - dt.timedelta(days=1)),
                public_comments=public_comment_count(),
            )
        )

    @admin.display(description=_("byline"))
    def byline(self, article):
        return ", ".join(str(b.author) for b in article.bylines.all())

    @admin.display(description=_("views 24 h"), ordering="views_24h")
    def views_day(self, article):
        return labelled(_("views 24 h"), number_format(article.views_24h, force_grouping=True))

    @admin.display(description=_("state"))
    def state_column(self, article):
        """Say where the article stands for readers; online is the only state they see."""
        return format_html(
            '<span class="article-state state-{}">{}</span>',
            article.state.value,
            article.describe_state(),
        )

    @admin.display(description=_("time"), ordering="published_at")
    def time(self, article):
        """Return when it went or goes online (a draft: its last save), the day above the hour."""
        when = timezone.localtime(article.published_at or article.updated_at)
        return format_html(
            "{} <br>{}", date_format(when, "SHORT_DATE_FORMAT"), date_format(when, "TIME_FORMAT")
        )

    @admin.display(
        description=pgettext_lazy("a narrow column", "comments"), ordering="public_comments"
    )
    def comment_count(self, article):
        count = number_format(article.public_comments, force_grouping=True)
        return labelled(_("comments"), count)

    def get_readonly_fields(self, request, obj=None):
        readonly = [*super().get_readonly_fields(request, obj), "state_column"]
        if not publishing.is_editor(request.user):
            readonly += ["review_note", "pinned_position", "pinned_until"]
        return readonly

    def view_on_site(self, article):
        if article.is_published():
            return article.get_absolute_url()
        return reverse("articles:preview", kwargs={"pk": article.pk})

    # Permissions: the model permissions from the groups, narrowed by the publishing rules.

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return super().has_change_permission(request)
        return publishing.can_edit(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is None:
            return super().has_delete_permission(request)
        return publishing.can_delete(request.user, obj)

    def has_publish_permission(self, request):
        return publishing.is_editor(request.user)

    def has_submit_permission(self, request):
        return self.has_change_permission(request)

    def trash_one(self, request, article):
        publishing.move_to_trash(article, by=request.user)

    def restore_one(self, request, article):
        publishing.restore_from_trash(article, by=request.user)

    # Saving.

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        if change:
            # Claim the version atomically, so that two saves at the same instant cannot both win.
            claimed = publishing.claim_edit(obj, form.cleaned_data.get("opened_token"))
            if not claimed:
                raise PermissionDenied(conflict_message(obj, form.cleaned_data["opened_token"]))
        if "pinned_position" in form.changed_data:  # la une shows the last pinned first
            obj.pinned_at = timezone.now() if obj.pinned_position else None
        if "lead_image" in form.changed_data:
            try:
                store_lead_image(obj)  # the new photo and its widths, all or nothing
            except OSError as error:  # the disk refused: the rest of the article is still saved
                logger.exception("Lead photo not stored for article %s %r", obj.pk, obj.headline)
                self.message_user(request, refusal_message(error), messages.ERROR)
        elif form.focal_point_moved():
            try:
                cut_crops(obj)  # the crops around the new point, the photo's widths kept
            except OSError as error:  # the disk refused: the article keeps its previous crops
                logger.exception("Crops not cut for article %s %r", obj.pk, obj.headline)
                self.message_user(request, crops_refusal_message(error), messages.ERROR)
        super().save_model(request, obj, form, change)

    # State changes, from the change form's buttons and from the list's actions.

    BUTTONS = {
        "_submit": (publishing.submit, _("The article was sent to the editors.")),
        "_publish": (publishing.publish, None),  # it says where the article now stands
        "_unpublish": (publishing.unpublish, _("The article was taken off the site.")),
        "_send_back": (publishing.send_back, _("The article was sent back to its author.")),
    }

    def _apply_button(self, request, obj):
        for name, (transition, done) in self.BUTTONS.items():
            if name in request.POST:
                transition(obj, by=request.user)
                self.message_user(request, done or published_message(obj), messages.SUCCESS)
                return True
        return False

    def response_add(self, request, obj, post_url_continue=None):
        if self._apply_button(request, obj):
            return HttpResponseRedirect(request.path.replace("/add/", f"/{obj.pk}/change/"))
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if self._apply_button(request, obj):
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        user = request.user
        article = obj or Article()
        context["transitions"] = {
            "submit": publishing.can_submit(user, article),
            "publish": publishing.can_publish(user, article),
            "unpublish": obj is not None and publishing.can_unpublish(user, obj),
            "send_back": obj is not None and publishing.can_send_back(user, obj),
        }
        # "Schedule" rather than "Publish" for a time to come (desk.js follows the field).
        context["schedules"] = bool(article.published_at and article.published_at > timezone.now())
        context["state"] = article.describe_state()
        if obj is not None and publishing.can_preview(user, obj):
            context["preview_url"] = reverse("articles:preview", kwargs={"pk": obj.pk})
        # Two save buttons are enough: no "save and add another", no "save as new".
        context["show_save_and_add_another"] = False
        if obj is not None:
            context["views_chart"] = charts.views_chart(
                charts.views_per_day(obj), headline=obj.headline
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_formset_kwargs(self, request, obj, inline, prefix):
        """Sign a new article with the journalist who creates it."""
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        author = getattr(request.user, "author", None)
        if isinstance(inline, BylineInline) and obj.pk is None and author is not None:
            kwargs["initial"] = [{"author": author.pk}]
        return kwargs

    def _bulk(self, request, queryset, transition, done):
        changed = refused = 0
        for article in queryset:
            try:
                transition(article, by=request.user)
                changed += 1
            except PermissionDenied:
                refused += 1
        if changed:
            self.message_user(request, done % {"count": changed}, messages.SUCCESS)
        if refused:
            self.message_user(
                request,
                ngettext(
                    "%(count)d article was left as it was: you may not do that to it.",
                    "%(count)d articles were left as they were: you may not do that to them.",
                    refused,
                )
                % {"count": refused},
                messages.WARNING,
            )

    @admin.action(description=_("Submit for review"), permissions=["submit"])
    def submit_selected(self, request, queryset):
        self._bulk(request, queryset, publishing.submit, gettext("%(count)d sent for review."))

    @admin.action(description=_("Publish (or schedule)"), permissions=["publish"])
    def publish_selected(self, request, queryset):
        self._bulk(request, queryset, publishing.publish, gettext("%(count)d published."))

    @admin.action(description=_("Unpublish"), permissions=["publish"])
    def unpublish_selected(self, request, queryset):
        self._bulk(request, queryset, publishing.unpublish, gettext("%(count)d unpublished."))

    # History with a diff against the current version.

    def get_urls(self):
        compare = self.admin_site.admin_view(self.compare_view)
        return [
            path(
                "<int:pk>/history/<int:version_id>/compare/",
                compare,
                name="articles_article_compare",
            ),
            *super().get_urls(),
        ]

    def compare_view(self, request, pk, version_id):
        article = get_object_or_404(Article.all_objects, pk=pk)
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        version = get_object_or_404(history.versions(article), pk=version_id)
        changes = history.diff(history.snapshot_of_version(version), history.snapshot(article))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "version": version,
            "changes": changes,
            "title": gettext("Changes since the version of %(when)s")
            % {"when": moment(version.revision.date_created)},
        }
        return TemplateResponse(request, "admin/articles/article/compare.html", context)

    # The trash replaces reversion's recovery of deleted articles, and its versions never take
    # an article out of the trash: only `restore_from_trash` does, checking who may.

    def recoverlist_view(self, request, extra_context=None):
        return HttpResponseRedirect(self.trash_url())

    def recover_view(self, request, version_id, extra_context=None):
        return HttpResponseRedirect(self.trash_url())

    def revision_view(self, request, object_id, version_id, extra_context=None):
        """Restore a version's words, never its state: the article stays online or offline."""
        article = self.get_object(request, unquote(object_id))
        if article is None:
            return super().revision_view(request, object_id, version_id, extra_context)
        if article.is_in_trash():
            self.message_user(
                request, gettext("Restore the article from the trash first."), messages.WARNING
            )
            return HttpResponseRedirect(reverse("admin:articles_article_change", args=[article.pk]))
        # Judged on the article as it is, not as the version would make it.
        if not publishing.can_edit(request.user, article):
            raise PermissionDenied
        request.article_state = publishing.state_of(article)  # see get_object
        response = super().revision_view(request, object_id, version_id, extra_context)
        if request.method == "POST" and response.status_code == 302 and article.is_published():
            self.message_user(
                request,
                gettext(
                    "The article is still online, now with the restored version. Unpublish it "
                    "if readers should not see it."
                ),
                messages.WARNING,
            )
        return response

    def get_object(self, request, object_id, from_field=None):
        article = super().get_object(request, object_id, from_field)
        state = getattr(request, "article_state", None)
        if article is not None and state is not None:
            # Reversion has just written the version back; its state goes back to the current.
            publishing.keep_state(article, state)
        return article


# The photo library.

PICKER_COUNT = 24  # the photos the editor's picker lists at once, the latest first


def thumbnail_of(photo):
    """Return the address of a library photo's narrowest width (its file, if it has none)."""
    widths = renditions_of(photo.renditions, ORIGINAL)
    return widths[0]["url"] if widths else photo.image.url


class PhotoAdminForm(FocalPointForm, forms.ModelForm):
    photo_field, focal_fields = "image", ("focal_x", "focal_y")
    focal_x = focal_point_field("focal_x", Photo)
    focal_y = focal_point_field("focal_y", Photo)

    class Meta:
        model = Photo
        fields = ["image", "focal_x", "focal_y", "caption", "credit", "alt"]
        widgets = {"image": LibraryPhotoInput}

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if image and "image" in self.changed_data:
            validate_lead_image(image)  # the same checks as a lead photo's: content, size, pixels
            return without_metadata(image)
        return image

    def clean_focal_x(self):
        return self.focal_point("focal_x")

    def clean_focal_y(self):
        return self.focal_point("focal_y")


@admin.register(Photo)
class PhotoAdmin(DeskTitles, admin.ModelAdmin):
    """The photo library: photos uploaded once, described once, placed in any article's body."""

    add_title, change_title, view_title = _("New photo"), _("Edit the photo"), _("Photo")
    form = PhotoAdminForm
    list_display = ["thumbnail", "caption", "credit", "alt", "uploaded_by", "created_at"]
    list_display_links = ["thumbnail", "caption"]
    search_fields = ["caption", "credit", "alt"]
    list_select_related = ["uploaded_by"]
    list_per_page = 50
    fields = ["image", ("focal_x", "focal_y"), "caption", "credit", "alt"]

    class Media:
        css = {"all": ["css/desk-photos.css"]}

    @admin.display(description=_("photo"))
    def thumbnail(self, photo):
        return format_html(
            '<img src="{}" alt="" width="120" class="library-thumbnail" loading="lazy">',
            thumbnail_of(photo),
        )

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)  # the photo's file written under library/
        new_photo = "image" in form.changed_data
        if new_photo or form.focal_point_moved():
            try:
                obj.renditions = make_photo_renditions(
                    obj.image, obj.focal_point, obj.renditions, crops_only=not new_photo
                )
            except OSError:  # the disk refused: the page shows the photo's file until saved again
                logger.exception("Renditions not made for library photo %s", obj.pk)
                self.message_user(
                    request,
                    gettext(
                        "The photo was saved, but its sizes could not be made; save it again, "
                        "and tell the technical team if it happens again."
                    ),
                    messages.ERROR,
                )
            else:
                obj.save(update_fields=["renditions"])

    def get_urls(self):
        choices = self.admin_site.admin_view(self.choices_view)
        return [path("choices/", choices, name="articles_photo_choices"), *super().get_urls()]

    def choices_view(self, request):
        """List the library's latest photos (or those searched, or named by id) for the editor."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        photos = Photo.objects.all()
        if ids := request.GET.get("ids"):
            wanted = [int(pk) for pk in ids.split(",")[:PICKER_COUNT] if pk.isdigit()]
            photos = photos.filter(pk__in=wanted)
        elif words := request.GET.get("q", "").strip():
            photos, _duplicates = self.get_search_results(request, photos, words)
        return JsonResponse(
            {
                "photos": [
                    {
                        "id": photo.pk,
                        "thumbnail": thumbnail_of(photo),
                        "caption": photo.caption,
                        "credit": photo.credit,
                        "alt": photo.alt,
                    }
                    for photo in photos[:PICKER_COUNT]
                ]
            }
        )

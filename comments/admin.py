"""The moderation desk: queues of comments to decide on in one click, each comment's decision page
with its reports and history, sanctions against commenters, and the banned words."""

from urllib.parse import urlsplit

from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect, QueryDict
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from articles.admin import MovesToTrash
from articles.models import Article
from comments import antispam, moderation
from comments.forms import REFUSAL_CHOICES, DecisionForm, RefusalForm, SanctionForm
from comments.models import BannedWord, Comment, Report, Sanction
from newsroom.desk import DeskTitles, person
from newsroom.formats import moment

State = Comment.State


class QueueFilter(admin.SimpleListFilter):
    """The moderators' four queues, each with the number of comments waiting in it."""

    title = _("queue")
    parameter_name = "queue"
    # The queue's name in the URL, and the CommentQuerySet method that lists it.
    QUEUES = {
        "awaiting": "awaiting_moderation",
        "reported": "reported",
        "suspect": "suspect",
        "hidden": "hidden",
    }

    def lookups(self, request, model_admin):
        labels = {
            "awaiting": _("Awaiting validation"),
            "reported": _("Reported"),
            "suspect": _("Suspect"),
            "hidden": _("Hidden after reports"),
        }
        return [
            (name, f"{labels[name]} ({self.of(name, Comment.objects.all()).count()})")
            for name in self.QUEUES
        ]

    @classmethod
    def of(cls, name, queryset):
        """Return the comments of a queue, or None for an unknown queue's name."""
        method = cls.QUEUES.get(name)
        return getattr(queryset, method)() if method else None

    def queryset(self, request, queryset):
        chosen = self.of(self.value(), queryset)
        return queryset if chosen is None else chosen


class StateFilter(admin.SimpleListFilter):
    """The comment's state as the desk names it: a comment hidden after reports is not published."""

    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return State.choices

    def queryset(self, request, queryset):
        Status = Comment.Status
        return {
            State.PENDING: lambda: queryset.filter(status=Status.PENDING),
            State.PUBLISHED: lambda: queryset.filter(status=Status.APPROVED, hidden_at=None),
            State.HIDDEN: lambda: queryset.filter(status=Status.APPROVED, hidden_at__isnull=False),
            State.REFUSED: lambda: queryset.filter(status=Status.REJECTED),
            State.SPAM: lambda: queryset.filter(status=Status.SPAM),
        }.get(self.value(), lambda: queryset)()


class QueueChangeList(ChangeList):
    """The queue's page of comments, each told what decisions it allows and which comment follows
    it (where the moderator lands after deciding)."""

    def get_results(self, request):
        try:
            super().get_results(request)
        except IncorrectLookupParameters:
            # The last decisions emptied the last page: show the new last page, filters kept.
            paginator = self.model_admin.get_paginator(request, self.queryset, self.list_per_page)
            if self.page_num <= paginator.num_pages:
                raise
            self.page_num = paginator.num_pages
            super().get_results(request)
        comments = list(self.result_list)
        sanctions = self.model_admin.sanctions_against(comments)
        for position, comment in enumerate(comments):
            # After a decision, the moderator lands on the next card (the previous one at the end).
            if position + 1 < len(comments):
                comment.following_pk = comments[position + 1].pk
            else:
                comment.following_pk = comments[position - 1].pk if position else None
            comment.decisions = moderation.decisions_for(
                comment, has_open_reports=bool(comment.open_reports)
            )
            comment.sanction = sanctions.get(comment.pk)
        self.result_list = comments


class RefusalActionForm(ActionForm, RefusalForm):
    """The list's action bar, with the reason given when refusing."""


def open_reports():
    return Prefetch(
        "reports", queryset=Report.objects.filter(resolved_at=None), to_attr="open_reports"
    )


@admin.register(Comment)
class CommentAdmin(DeskTitles, MovesToTrash, admin.ModelAdmin):
    # The queue renders each comment as a card (admin/comments/comment/change_list.html); the
    # columns below only name what the list searches and sorts on.
    change_list_template = "admin/comments/comment/change_list.html"
    list_display = ["display_name", "submitted_at", "state_label"]
    list_filter = [QueueFilter, StateFilter]
    list_select_related = ["article"]
    list_per_page = 25
    search_fields = ["display_name", "email", "text", "article__headline"]
    ordering = ["submitted_at", "pk"]
    action_form = RefusalActionForm
    actions = [
        "approve_selected",
        "reject_selected",
        "spam_selected",
        "restore_selected",
        "delete_selected",
        "restore_from_trash",
    ]

    class Media:
        css = {"all": ["css/desk-moderation.css"]}

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related(open_reports())

    def get_changelist(self, request, **kwargs):
        return QueueChangeList

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/decide/",
                wrap(self.decide_view),
                name="comments_comment_decide",
            ),
            path(
                "<path:object_id>/sanction/",
                wrap(self.sanction_view),
                name="comments_comment_sanction",
            ),
            *super().get_urls(),
        ]

    def has_add_permission(self, request):
        return False

    def has_moderate_permission(self, request):
        return moderation.can_moderate(request.user)

    def has_delete_permission(self, request, obj=None):
        if obj is None:
            return super().has_delete_permission(request)
        return moderation.can_delete(request.user, obj)

    def trash_one(self, request, comment):
        moderation.move_to_trash(comment, moderator=request.user)

    def restore_one(self, request, comment):
        moderation.restore_from_trash(comment, moderator=request.user)

    def sanctions_against(self, comments):
        """Return the strongest sanction in force against each comment's author, in one query."""
        emails = {c.email_hash for c in comments if c.email_hash}
        visitors = {c.visitor_hash for c in comments if c.visitor_hash}
        if not emails and not visitors:
            return {}
        in_force = list(
            Sanction.objects.active().filter(
                Q(email_hash__in=emails) | Q(visitor_hash__in=visitors)
            )
        )
        found = {}
        for comment in comments:
            matching = [
                s
                for s in in_force
                if (s.email_hash and s.email_hash == comment.email_hash)
                or (s.visitor_hash and s.visitor_hash == comment.visitor_hash)
            ]
            if matching:
                found[comment.pk] = min(matching, key=lambda s: s.kind != Sanction.Kind.BAN)
        return found

    # The queue.

    def changelist_view(self, request, extra_context=None):
        queue = request.GET.get(QueueFilter.parameter_name)
        labels = {
            "awaiting": _("Comments awaiting validation"),
            "reported": _("Reported comments"),
            "suspect": _("Suspect comments"),
            "hidden": _("Comments hidden after reports"),
        }
        context = {
            "title": labels.get(queue, _("Reader comments")),
            "refusal_choices": REFUSAL_CHOICES,
            "can_moderate": moderation.can_moderate(request.user),
        }
        return super().changelist_view(request, context | (extra_context or {}))

    # A comment's own page: the decision page, with nothing to save.

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET"])
        comment = self.get_object(request, unquote(object_id))
        if comment is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_or_change_permission(request, comment):
            raise PermissionDenied
        user = request.user
        comment.decisions = moderation.decisions_for(
            comment, has_open_reports=bool(comment.open_reports)
        )
        sanctions = list(
            Sanction.objects.against(
                visitor_hash=comment.visitor_hash,
                email_hash=comment.email_hash or antispam.email_hash(comment.email),
            )
            .select_related("created_by", "revoked_by")
            .active_first()
        )
        comment.sanction = next((s for s in sanctions if s.is_active()), None)
        queue_url, following = self._queue_after(request, comment)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "media": self.media,
            "title": gettext("Comment by %(name)s") % {"name": comment.display_name},
            "subtitle": None,
            "comment": comment,
            "reports": comment.reports.all(),
            "events": comment.events.select_related("actor"),
            "sanctions": sanctions,
            "sanction_form": SanctionForm(),
            "refusal_choices": REFUSAL_CHOICES,
            "queue_url": queue_url,
            "back_url": queue_url or request.get_full_path(),
            "following_pk": following,
            "can_moderate": moderation.can_moderate(user),
            "can_sanction": moderation.can_sanction(user),
            "can_revoke": moderation.can_revoke(user),
            "can_delete": self.has_delete_permission(request, comment),
            "preserved_filters": self.get_preserved_filters(request),
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/comments/comment/decision.html", context)

    def _changelist_url(self):
        return reverse("admin:comments_comment_changelist", current_app=self.admin_site.name)

    def _queue_after(self, request, comment):
        """Return the queue the moderator came from, and the comment after this one in it."""
        filters = request.GET.get("_changelist_filters")
        if not filters:
            return None, None
        queue = QueryDict(filters).get(QueueFilter.parameter_name)
        listed = QueueFilter.of(queue, Comment.objects.all())
        following = None
        if listed is not None:
            after = Q(submitted_at__gt=comment.submitted_at) | Q(
                submitted_at=comment.submitted_at, pk__gt=comment.pk
            )
            following = (
                listed.filter(after).order_by("submitted_at", "pk").values_list("pk", flat=True)
            ).first()
        return f"{self._changelist_url()}?{filters}", following

    # One click on a comment's button.

    def _back(self, request, url, anchor=None):
        """Redirect to the page of the desk the form came from (else the queue), at an anchor."""
        desk = reverse("admin:index", current_app=self.admin_site.name)
        is_safe = url_has_allowed_host_and_scheme(
            url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        if not (url and is_safe and urlsplit(url).path.startswith(desk)):
            url = self._changelist_url()
        url = url.split("#", 1)[0]
        return HttpResponseRedirect(f"{url}#{anchor}" if anchor else url)

    def decide_view(self, request, object_id):
        """Take one decision on one comment, then go back where the moderator was."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not moderation.can_moderate(request.user):
            raise PermissionDenied
        comment = self.get_object(request, unquote(object_id))
        if comment is None:
            raise Http404
        form = DecisionForm(request.POST)
        back = request.POST.get("next", "")
        if not form.is_valid():
            messages.error(request, gettext("This decision could not be taken."))
            return self._back(request, back, f"comment-{comment.pk}")
        decision, data = form.cleaned_data["decision"], form.cleaned_data
        if data["seen"] and data["seen"] != comment.state():
            messages.warning(
                request,
                gettext(
                    "Someone decided on the comment by %(name)s in the meantime: it is now "
                    "“%(state)s”. Nothing was changed."
                )
                % {"name": comment.display_name, "state": comment.state_label()},
            )
            return self._back(request, back, f"comment-{comment.pk}")
        allowed = moderation.decisions_for(comment, has_open_reports=bool(comment.open_reports))
        if decision not in allowed:
            messages.error(
                request,
                gettext("This decision does not apply to a comment that is “%(state)s”.")
                % {"state": comment.state_label()},
            )
            return self._back(request, back, f"comment-{comment.pk}")
        reason = data["refusal_reason"]
        if decision == moderation.REJECT and not reason:
            messages.error(request, gettext("Choose a reason for refusal first."))
            return self._back(request, back, f"comment-{comment.pk}")
        self.decide(request, comment, decision, reason)
        messages.success(request, self.decision_message(request, comment, decision, reason))
        following = data["next_comment"]
        return self._back(request, back, following and f"comment-{following}")

    def decide(self, request, comment, decision, reason):
        moderator = request.user
        if decision == moderation.REJECT:
            moderation.reject(comment, moderator=moderator, reason=reason)
            return
        act = {
            moderation.APPROVE: moderation.approve,
            moderation.SPAM: moderation.mark_spam,
            moderation.KEEP: moderation.keep,
            moderation.HIDE: moderation.hide,
            moderation.RESTORE: moderation.restore,
        }[decision]
        act(comment, moderator=moderator)

    def decision_message(self, request, comment, decision, reason):
        """Say what was done, with the comment's new state and a link to its page."""
        values = {"name": comment.display_name, "state": comment.state_label()}
        if decision == moderation.REJECT:
            values["reason"] = Comment.RefusalReason(reason).label
            done = gettext("Comment by %(name)s: %(state)s (%(reason)s).")
        elif decision == moderation.KEEP:
            done = gettext("Comment by %(name)s: %(state)s, its reports closed.")
        elif decision == moderation.HIDE:
            done = gettext("Comment by %(name)s: %(state)s until a decision.")
        else:
            done = gettext("Comment by %(name)s: %(state)s.")
        url = reverse(
            "admin:comments_comment_change", args=[comment.pk], current_app=self.admin_site.name
        )
        return format_html('{} <a href="{}">{}</a>', done % values, url, gettext("See the comment"))

    def sanction_view(self, request, object_id):
        """Sanction the author of a comment, from its decision page."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not moderation.can_sanction(request.user):
            raise PermissionDenied
        comment = self.get_object(request, unquote(object_id))
        if comment is None:
            raise Http404
        form = SanctionForm(request.POST)
        page = reverse(
            "admin:comments_comment_change", args=[comment.pk], current_app=self.admin_site.name
        )
        back = request.POST.get("next") or page
        if not form.is_valid():
            for field, errors in form.errors.items():
                label = form.fields[field].label if field in form.fields else ""
                for error in errors:
                    messages.error(
                        request, gettext("%(field)s: %(error)s") % {"field": label, "error": error}
                    )
            return self._back(request, back, "sanction")
        decided = moderation.sanction_commenter(
            comment,
            moderator=request.user,
            kind=form.cleaned_data["kind"],
            reason=form.cleaned_data["reason"],
            ends_at=form.ends_at(),
        )
        messages.success(
            request,
            gettext("Sanction against %(name)s: %(sanction)s.")
            % {"name": decided.display_name, "sanction": moderation.describe(decided)},
        )
        return self._back(request, back, "sanctions")

    # Bulk work: the action bar.

    def _apply(self, request, queryset, decide, done):
        for comment in queryset:
            decide(comment)
        count = len(queryset)
        self.message_user(request, done(count) % {"count": count}, messages.SUCCESS)

    @admin.action(description=_("Approve and publish"), permissions=["moderate"])
    def approve_selected(self, request, queryset):
        self._apply(
            request,
            queryset,
            lambda c: moderation.approve(c, moderator=request.user),
            lambda n: ngettext("%(count)d comment published.", "%(count)d comments published.", n),
        )

    @admin.action(description=_("Refuse (with the reason chosen)"), permissions=["moderate"])
    def reject_selected(self, request, queryset):
        reason = request.POST.get("refusal_reason")
        if reason not in dict(REFUSAL_CHOICES):
            self.message_user(
                request, gettext("Choose a reason for refusal first."), messages.ERROR
            )
            return
        self._apply(
            request,
            queryset,
            lambda c: moderation.reject(c, moderator=request.user, reason=reason),
            lambda n: ngettext("%(count)d comment refused.", "%(count)d comments refused.", n),
        )

    @admin.action(description=_("Mark as spam"), permissions=["moderate"])
    def spam_selected(self, request, queryset):
        self._apply(
            request,
            queryset,
            lambda c: moderation.mark_spam(c, moderator=request.user),
            lambda n: ngettext(
                "%(count)d comment marked as spam.", "%(count)d comments marked as spam.", n
            ),
        )

    @admin.action(description=_("Restore and publish"), permissions=["moderate"])
    def restore_selected(self, request, queryset):
        self._apply(
            request,
            queryset,
            lambda c: moderation.restore(c, moderator=request.user),
            lambda n: ngettext(
                "%(count)d comment published again.", "%(count)d comments published again.", n
            ),
        )


@admin.register(Sanction)
class SanctionAdmin(DeskTitles, admin.ModelAdmin):
    """Sanctions in force first; each decided from a comment's page, revoked here or there."""

    view_title = _("Sanction")

    list_display = ["display_name", "kind", "reason", "standing"]
    list_filter = ["kind"]
    list_select_related = ["created_by", "revoked_by", "comment"]
    search_fields = ["display_name", "reason"]
    actions = ["revoke_selected"]
    readonly_fields = [
        "display_name",
        "kind",
        "reason",
        "created_at",
        "decided_by",
        "ends_at",
        "standing",
        "revoked_at",
        "revoked_by_name",
        "comment_link",
    ]
    fields = readonly_fields
    change_form_template = "admin/comments/sanction/change_form.html"

    class Media:
        css = {"all": ["css/desk-moderation.css"]}

    def get_queryset(self, request):
        # Annotated before it is ordered: the list orders on the annotation.
        return Sanction.objects.active_first()

    def get_ordering(self, request):
        return ["is_over", "-created_at", "-pk"]

    def get_urls(self):
        return [
            path(
                "<path:object_id>/revoke/",
                self.admin_site.admin_view(self.revoke_view),
                name="comments_sanction_revoke",
            ),
            *super().get_urls(),
        ]

    def has_add_permission(self, request):
        return False  # a sanction is decided from a comment's page, which gives its hashes

    def has_change_permission(self, request, obj=None):
        if obj is not None:
            return False  # nothing to edit: revoke, and decide anew
        return super().has_change_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False  # kept as the moderation's record

    def has_revoke_permission(self, request):
        return moderation.can_revoke(request.user)

    @admin.display(description=_("decided by"))
    def decided_by(self, sanction):
        return person(sanction.created_by)

    @admin.display(description=_("revoked by"))
    def revoked_by_name(self, sanction):
        return person(sanction.revoked_by) if sanction.revoked_at else "—"

    @admin.display(description=_("standing"))
    def standing(self, sanction):
        """Say whether the sanction is in force, until when, and who decided it when."""
        if sanction.revoked_at:
            now = gettext("Revoked on %(moment)s") % {"moment": moment(sanction.revoked_at)}
        elif not sanction.is_active():
            now = gettext("Ended on %(moment)s") % {"moment": moment(sanction.ends_at)}
        elif sanction.ends_at:
            now = gettext("In force until %(moment)s") % {"moment": moment(sanction.ends_at)}
        else:
            now = gettext("In force, with no end")
        who = sanction.created_by.get_username() if sanction.created_by else "—"
        decided = gettext("decided on %(moment)s by %(name)s") % {
            "moment": moment(sanction.created_at),
            "name": who,
        }
        return format_html('{}<br><span class="mod-quiet">{}</span>', now, decided)

    @admin.display(description=_("comment"))
    def comment_link(self, sanction):
        if sanction.comment_id is None:
            return "—"
        url = reverse("admin:comments_comment_change", args=[sanction.comment_id])
        return format_html('<a href="{}">{}</a>', url, gettext("See the comment"))

    def changelist_view(self, request, extra_context=None):
        title = {"title": capfirst(self.opts.verbose_name_plural)}
        return super().changelist_view(request, title | (extra_context or {}))

    def render_change_form(self, request, context, *args, **kwargs):
        context["can_revoke"] = self.has_revoke_permission(request)
        return super().render_change_form(request, context, *args, **kwargs)

    @admin.action(description=_("Revoke the selected sanctions"), permissions=["revoke"])
    def revoke_selected(self, request, queryset):
        revoked = sum(
            moderation.revoke_sanction(sanction, moderator=request.user) for sanction in queryset
        )
        self.message_user(
            request,
            ngettext("%(count)d sanction revoked.", "%(count)d sanctions revoked.", revoked)
            % {"count": revoked},
            messages.SUCCESS,
        )

    def revoke_view(self, request, object_id):
        """Revoke one sanction, from its page or the decision page of a comment."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_revoke_permission(request):
            raise PermissionDenied
        sanction = self.get_object(request, unquote(object_id))
        if sanction is None:
            raise Http404
        if moderation.revoke_sanction(sanction, moderator=request.user):
            messages.success(
                request,
                gettext("Sanction against %(name)s revoked.") % {"name": sanction.display_name},
            )
        else:
            messages.info(request, gettext("This sanction had already ended."))
        desk = reverse("admin:index", current_app=self.admin_site.name)
        back = request.POST.get("next", "")
        is_safe = url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        if not (back and is_safe and urlsplit(back).path.startswith(desk)):
            back = reverse("admin:comments_sanction_changelist", current_app=self.admin_site.name)
        return HttpResponseRedirect(back)


@admin.register(BannedWord)
class BannedWordAdmin(DeskTitles, admin.ModelAdmin):
    add_title, change_title, view_title = _("New word"), _("Edit the word"), _("Word")
    list_display = ["word", "level"]
    list_filter = ["level"]
    search_fields = ["word"]


class CommentOfArticleInline(admin.TabularInline):
    """The article's comments and their states, on the article's desk page."""

    model = Comment
    fields = ["submitted_at", "display_name", "text", "state_label"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name_plural = _("reader comments")

    def has_add_permission(self, request, obj):
        return False


# The article's desk page lists its comments: this app adds its inline to the article's admin,
# which knows nothing of comments.
article_admin = admin.site.get_model_admin(Article)
article_admin.inlines = [*article_admin.inlines, CommentOfArticleInline]

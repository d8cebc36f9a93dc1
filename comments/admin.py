"""The moderation desk: queues, reports, flags, decisions and their history."""

from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from articles.admin import ArticleAdmin, MovesToTrash
from articles.models import Article
from comments import moderation
from comments.forms import RefusalForm
from comments.models import BannedWord, Comment, ModerationEvent, Report


class QueueFilter(admin.SimpleListFilter):
    title = _("queue")
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [
            ("awaiting", _("Awaiting validation")),
            ("reported", _("Reported")),
            ("suspect", _("Suspect")),
            ("hidden", _("Hidden after reports")),
        ]

    def queryset(self, request, queryset):
        return {
            "awaiting": queryset.awaiting_moderation,
            "reported": queryset.reported,
            "suspect": queryset.suspect,
            "hidden": lambda: queryset.filter(hidden_at__isnull=False),
        }.get(self.value(), lambda: queryset)()


class ReportInline(admin.TabularInline):
    model = Report
    fields = ["reported_at", "reason", "explanation", "resolved_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj):
        return False


class EventInline(admin.TabularInline):
    model = ModerationEvent
    fields = ["created_at", "action", "actor", "reason"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = _("history")

    def has_add_permission(self, request, obj):
        return False


class RefusalActionForm(ActionForm, RefusalForm):
    """The list's action bar, with the reason given when refusing."""


@admin.register(Comment)
class CommentAdmin(MovesToTrash, admin.ModelAdmin):
    list_display = [
        "submitted_at",
        "article_link",
        "display_name",
        "email",
        "excerpt",
        "status",
        "flag_list",
        "report_count",
    ]
    list_filter = [QueueFilter, "status"]
    list_select_related = ["article"]
    search_fields = ["display_name", "email", "text", "article__headline"]
    ordering = ["submitted_at", "pk"]
    date_hierarchy = "submitted_at"
    action_form = RefusalActionForm
    actions = [
        "approve_selected",
        "reject_selected",
        "spam_selected",
        "restore_selected",
        "delete_selected",
        "restore_from_trash",
    ]
    inlines = [ReportInline, EventInline]
    fields = [
        "article",
        "display_name",
        "email",
        "text",
        "status",
        "refusal_reason",
        "flags",
        "hidden_at",
        "submitted_at",
        "moderated_at",
        "moderated_by",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        open_reports = Count("reports", filter=Q(reports__resolved_at__isnull=True))
        return super().get_queryset(request).annotate(open_reports=open_reports)

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

    @admin.display(description=_("article"), ordering="article__headline")
    def article_link(self, comment):
        url = reverse("admin:articles_article_change", args=[comment.article_id])
        return format_html('<a href="{}">{}</a>', url, comment.article.headline)

    @admin.display(description=_("comment"))
    def excerpt(self, comment):
        return Truncator(comment.text).chars(160)

    @admin.display(description=_("automatic flags"))
    def flag_list(self, comment):
        return format_html_join(", ", "{}", ((flag,) for flag in comment.flags)) or "—"

    @admin.display(description=_("open reports"), ordering="open_reports")
    def report_count(self, comment):
        return comment.open_reports

    def _apply(self, request, queryset, decide, done):
        for comment in queryset:
            decide(comment)
        self.message_user(request, done % {"count": len(queryset)}, messages.SUCCESS)

    @admin.action(description=_("Approve and publish"), permissions=["moderate"])
    def approve_selected(self, request, queryset):
        self._apply(
            request,
            queryset,
            lambda c: moderation.approve(c, moderator=request.user),
            gettext("%(count)d comment(s) published."),
        )

    @admin.action(description=_("Refuse (with the reason chosen)"), permissions=["moderate"])
    def reject_selected(self, request, queryset):
        reason = request.POST.get("refusal_reason")
        if reason not in Comment.RefusalReason.values:
            self.message_user(
                request, gettext("Choose a reason for refusal first."), messages.ERROR
            )
            return
        self._apply(
            request,
            queryset,
            lambda c: moderation.reject(c, moderator=request.user, reason=reason),
            gettext("%(count)d comment(s) refused."),
        )

    @admin.action(description=_("Mark as spam"), permissions=["moderate"])
    def spam_selected(self, request, queryset):
        self._apply(
            request,
            queryset,
            lambda c: moderation.mark_spam(c, moderator=request.user),
            gettext("%(count)d comment(s) marked as spam."),
        )

    @admin.action(description=_("Restore and publish"), permissions=["moderate"])
    def restore_selected(self, request, queryset):
        self._apply(
            request,
            queryset,
            lambda c: moderation.restore(c, moderator=request.user),
            gettext("%(count)d comment(s) restored."),
        )

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and not moderation.can_moderate(request.user):
            raise PermissionDenied
        return super().changeform_view(request, object_id, form_url, extra_context)


@admin.register(BannedWord)
class BannedWordAdmin(admin.ModelAdmin):
    list_display = ["word", "level"]
    list_filter = ["level"]
    search_fields = ["word"]


class CommentOfArticleInline(admin.TabularInline):
    """The article's comments and their states, on the article's desk page."""

    model = Comment
    fields = ["submitted_at", "display_name", "text", "status", "hidden_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name_plural = _("reader comments")

    def has_add_permission(self, request, obj):
        return False


admin.site.unregister(Article)


@admin.register(Article)
class ArticleWithCommentsAdmin(ArticleAdmin):
    inlines = [*ArticleAdmin.inlines, CommentOfArticleInline]

"""What readers write: comments, their reports, the moderation trail, and the words we refuse."""

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from articles.models import Article, CurrentManager, Trashable, TrashQuerySet


class CommentQuerySet(TrashQuerySet):
    def public(self):
        """Return what readers see: approved, not hidden by reports, not in the trash."""
        return self.filter(
            status=Comment.Status.APPROVED, hidden_at__isnull=True, deleted_at__isnull=True
        )

    def awaiting_moderation(self):
        return self.filter(status=Comment.Status.PENDING).order_by("submitted_at", "pk")

    def suspect(self):
        return self.awaiting_moderation().exclude(flags=[])

    def reported(self):
        """Return approved comments with a report no moderator has dealt with yet."""
        open_reports = Report.objects.filter(comment=OuterRef("pk"), resolved_at__isnull=True)
        return self.filter(Exists(open_reports), status=Comment.Status.APPROVED)


class Comment(Trashable):
    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting validation")
        APPROVED = "approved", _("Published")
        REJECTED = "rejected", _("Refused")
        SPAM = "spam", _("Spam")

    class RefusalReason(models.TextChoices):
        OFF_TOPIC = "off_topic", _("Off topic")
        ABUSE = "abuse", _("Insulting, abusive or harassing")
        ILLEGAL = "illegal", _("Unlawful content")
        PERSONAL = "personal", _("Personal information about someone")
        ADVERTISING = "advertising", _("Advertising")
        DUPLICATE = "duplicate", _("Already said in another comment")
        OTHER = "other", _("Does not follow the comment charter")

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="comments"
    )
    display_name = models.CharField(_("name"), max_length=60)
    # Never rendered on a public page, feed or status page; only moderators see it.
    email = models.EmailField(_("email"), max_length=254)
    text = models.TextField(_("comment"), max_length=3000)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    flags = models.JSONField(
        _("automatic flags"),
        default=list,
        blank=True,
        help_text=_("Why the automatic checks held this comment for a closer look."),
    )
    hidden_at = models.DateTimeField(
        _("hidden after reports"), null=True, blank=True, editable=False
    )
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True, db_index=True)
    moderated_at = models.DateTimeField(_("moderated"), null=True, blank=True, editable=False)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderator"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    refusal_reason = models.CharField(
        _("reason for refusal"), max_length=20, choices=RefusalReason.choices, blank=True
    )
    # Against abuse: a salted hash of the address (never the address) and the browser's name;
    # purged after COMMENTS_METADATA_DAYS by `manage.py purge_comment_metadata`.
    visitor_hash = models.CharField(max_length=64, blank=True, editable=False)
    user_agent = models.CharField(max_length=300, blank=True, editable=False)
    # Same article, same words: stored once.
    text_hash = models.CharField(max_length=64, editable=False)

    objects = CurrentManager.from_queryset(CommentQuerySet)()  # article.comments uses it too
    all_objects = CommentQuerySet.as_manager()  # the trash included: the desk and the purge

    class Meta:
        ordering = ["submitted_at", "pk"]
        get_latest_by = "submitted_at"
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        permissions = [("moderate_comment", _("Can approve, refuse and restore comments"))]
        indexes = [
            # The article page: its public comments in order of submission.
            models.Index(fields=["article", "status", "submitted_at"], name="comment_article_idx"),
            # The moderation queue "awaiting validation", oldest first.
            models.Index(fields=["status", "submitted_at"], name="comment_queue_idx"),
            # The metadata purge.
            models.Index(
                fields=["submitted_at"],
                condition=~Q(visitor_hash=""),
                name="comment_metadata_idx",
            ),
            # The desk's trash and the purge. Partial: it holds the trash only.
            models.Index(
                fields=["deleted_at"],
                condition=Q(deleted_at__isnull=False),
                name="comment_trash_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["article", "text_hash"], name="comment_once_per_text"),
        ]

    def __str__(self):
        return f"{self.display_name}: {self.text[:50]}"

    def get_absolute_url(self):
        return f"{self.article.get_absolute_url()}#commentaire-{self.pk}"

    def is_public(self):
        return (
            self.status == self.Status.APPROVED
            and self.hidden_at is None
            and self.deleted_at is None
        )


class Report(models.Model):
    """A reader's flag on a published comment, for the moderators."""

    class Reason(models.TextChoices):
        SPAM = "spam", _("Spam or advertising")
        ABUSE = "abuse", _("Abuse or harassment")
        ILLEGAL = "illegal", _("Illegal content")
        OFF_TOPIC = "off_topic", _("Off topic")
        OTHER = "other", _("Other")

    comment = models.ForeignKey(
        Comment, verbose_name=_("comment"), on_delete=models.CASCADE, related_name="reports"
    )
    reason = models.CharField(_("reason"), max_length=12, choices=Reason.choices)
    explanation = models.TextField(_("explanation"), max_length=1000, blank=True)
    reporter_hash = models.CharField(max_length=64, editable=False)
    reported_at = models.DateTimeField(_("reported"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("dealt with"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["reported_at", "pk"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "reporter_hash"], name="one_report_per_visitor"
            ),
        ]

    def __str__(self):
        return f"{self.get_reason_display()} ({self.comment_id})"


class ModerationEvent(models.Model):
    """One entry of a comment's history: who did what, when and why."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")
        AUTO_APPROVED = "auto_approved", _("Approved automatically (trusted commenter)")
        REJECTED = "rejected", _("Refused")
        SPAM = "spam", _("Marked as spam")
        RESTORED = "restored", _("Restored")
        REPORTED = "reported", _("Reported by a reader")
        HIDDEN = "hidden", _("Hidden after reports")
        TRASHED = "trashed", _("Moved to the trash")
        UNTRASHED = "untrashed", _("Restored from the trash")

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.CharField(_("why"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("moderation event")
        verbose_name_plural = _("moderation history")

    def __str__(self):
        return self.get_action_display()


class BannedWord(models.Model):
    """A word the comment checks look for; moderators keep the list in the desk."""

    class Level(models.TextChoices):
        BANNED = "banned", _("Banned: the comment is refused as spam")
        SUSPECT = "suspect", _("Suspect: the comment is flagged in the queue")

    word = models.CharField(_("word or phrase"), max_length=100, unique=True)
    level = models.CharField(_("level"), max_length=8, choices=Level.choices)

    class Meta:
        ordering = ["word"]
        verbose_name = _("banned or suspect word")
        verbose_name_plural = _("banned and suspect words")

    def __str__(self):
        return self.word


class Throttle(models.Model):
    """Hits of one visitor on one limited action in one time window, when Redis is absent."""

    key = models.CharField(max_length=120)
    window_start = models.DateTimeField()
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "window_start"], name="one_throttle_per_window")
        ]

    def __str__(self):
        return f"{self.key} @ {self.window_start}: {self.hits}"

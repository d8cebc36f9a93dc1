"""What readers write: comments, their reports, the moderation trail, sanctions against
commenters, and the words we refuse."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, Exists, F, OuterRef, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from articles.models import Article, CurrentManager, Trashable, TrashQuerySet
from pagecache.writes import InvalidatingModel, InvalidatingQuerySet


class CommentQuerySet(InvalidatingQuerySet, TrashQuerySet):
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
        """Return published comments, still shown, with a report no moderator has dealt with."""
        open_reports = Report.objects.filter(comment=OuterRef("pk"), resolved_at__isnull=True)
        return self.filter(Exists(open_reports), status=Comment.Status.APPROVED, hidden_at=None)

    def hidden(self):
        """Return comments hidden from readers after reports, until a moderator decides."""
        return self.filter(status=Comment.Status.APPROVED, hidden_at__isnull=False)


class Comment(InvalidatingModel, Trashable):
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
        # Set by a ban (see Sanction), never chosen by hand: the commenter's status page says it.
        BANNED = "banned", _("The author may no longer comment")

    class State(models.TextChoices):
        """What the desk calls a comment: its status, and whether reports have hidden it."""

        PENDING = "pending", _("Pending")
        PUBLISHED = "published", _("Published")
        HIDDEN = "hidden", _("Hidden")
        REFUSED = "refused", _("Refused")
        SPAM = "spam", _("Spam")

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
    # A keyed hash of the casefolded email (comments/antispam.py), which sanctions match against,
    # so that a sanction never holds the email itself.
    email_hash = models.CharField(max_length=64, blank=True, editable=False)

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

    def state(self):
        """Return what the desk calls the comment: a published comment hidden after reports is
        "hidden", not "published"."""
        if self.status == self.Status.APPROVED:
            return self.State.HIDDEN if self.hidden_at else self.State.PUBLISHED
        return {
            self.Status.PENDING: self.State.PENDING,
            self.Status.REJECTED: self.State.REFUSED,
            self.Status.SPAM: self.State.SPAM,
        }[self.status]

    def state_label(self):
        return self.state().label

    state_label.short_description = _("state")


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
        # "Hidden after reports" also names the desk's queue, a plural in French.
        HIDDEN = "hidden", pgettext_lazy("moderation history", "Hidden after reports")
        KEPT = "kept", _("Kept published, reports closed")
        AUTO_REJECTED = "auto_rejected", _("Refused automatically (banned commenter)")
        HELD = "held", _("Held for a moderator (commenter under pre-moderation)")
        SANCTIONED = "sanctioned", _("Sanction against the commenter")
        SANCTION_REVOKED = "sanction_ended", _("Sanction against the commenter revoked")
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


class SanctionQuerySet(models.QuerySet):
    def active(self):
        """Return the sanctions in force now: not revoked, not ended."""
        now = timezone.now()
        return self.filter(revoked_at=None).filter(Q(ends_at=None) | Q(ends_at__gt=now))

    def against(self, *, visitor_hash="", email_hash=""):
        """Return the sanctions matching a commenter by either hash; an empty hash matches none."""
        matches = Q(pk__in=[])
        if visitor_hash:
            matches |= Q(visitor_hash=visitor_hash)
        if email_hash:
            matches |= Q(email_hash=email_hash)
        return self.filter(matches)

    def active_first(self):
        """Order the sanctions in force first, then the newest: the desk's list."""
        now = timezone.now()
        in_force = Q(revoked_at=None) & (Q(ends_at=None) | Q(ends_at__gt=now))
        return self.annotate(
            is_over=Case(When(in_force, then=Value(False)), default=Value(True))
        ).order_by("is_over", "-created_at", "-pk")


class Sanction(models.Model):
    """A moderator's measure against a commenter, recognised by hashes, never by a clear email."""

    class Kind(models.TextChoices):
        PREMODERATE = "premoderate", _("Always pre-moderate")
        BAN = "ban", _("Banned")

    kind = models.CharField(
        _("sanction"),
        max_length=12,
        choices=Kind.choices,
        help_text=_(
            "Pre-moderated: every comment waits for a moderator, even from a trusted commenter. "
            "Banned: every comment is refused at once and never shown."
        ),
    )
    reason = models.CharField(
        _("reason"),
        max_length=300,
        help_text=_("Why, for the other moderators; the commenter does not see it."),
    )
    display_name = models.CharField(
        _("commenter"),
        max_length=60,
        help_text=_("The name signed on the comment the sanction was decided on."),
    )
    # The commenter, as comments/antispam.py hashes them: the address and the email (casefolded).
    visitor_hash = models.CharField(max_length=64, blank=True, editable=False)
    email_hash = models.CharField(max_length=64, blank=True, editable=False)
    comment = models.ForeignKey(
        Comment,
        verbose_name=_("decided on the comment"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sanctions",
    )
    created_at = models.DateTimeField(_("decided"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    ends_at = models.DateTimeField(
        _("ends"),
        null=True,
        blank=True,
        help_text=_("Leave empty for a sanction with no end; a moderator can revoke it."),
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    objects = SanctionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        get_latest_by = "created_at"
        verbose_name = _("sanction")
        verbose_name_plural = _("sanctions")
        indexes = [
            # Each new comment looks its commenter up by both hashes.
            models.Index(fields=["email_hash"], name="sanction_email_idx"),
            models.Index(fields=["visitor_hash"], name="sanction_visitor_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(visitor_hash="") | ~Q(email_hash=""),
                name="sanction_names_a_commenter",
            ),
            models.CheckConstraint(
                condition=Q(ends_at=None) | Q(ends_at__gt=F("created_at")),
                name="sanction_ends_after_it_starts",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.display_name}"

    def clean(self):
        if self.ends_at is not None and self.ends_at <= (self.created_at or timezone.now()):
            raise ValidationError({"ends_at": _("The end must come after the decision.")})

    def is_active(self):
        return self.revoked_at is None and (self.ends_at is None or self.ends_at > timezone.now())

    is_active.boolean = True
    is_active.short_description = _("in force")


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

"""Every change of a comment's state, for the desk, the reader's views and any other caller.

Each function checks who may act, changes the comment, and writes an entry in its history.
Sanctions against a commenter (pre-moderation, ban) are decided and revoked here too.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from comments import antispam
from comments.models import Comment, ModerationEvent, Report, Sanction
from newsroom import formats

Status = Comment.Status
State = Comment.State
Action = ModerationEvent.Action

# The decisions a moderator can take on one comment (the desk's buttons).
APPROVE, REJECT, SPAM, KEEP, HIDE, RESTORE = "approve", "reject", "spam", "keep", "hide", "restore"


def can_moderate(user):
    return user.is_active and user.has_perm("comments.moderate_comment")


def _require_moderator(user):
    if not can_moderate(user):
        raise PermissionDenied(_("Only moderators and editors can moderate comments."))


def _may_delete(user):
    """Tell whether the user may delete comments, hence take them out of the trash."""
    return user.is_active and user.has_perm("comments.delete_comment")


def can_delete(user, comment):
    return not comment.is_in_trash() and _may_delete(user)


def can_restore(user, comment):
    return comment.is_in_trash() and _may_delete(user)


def can_sanction(user):
    return can_moderate(user) and user.has_perm("comments.add_sanction")


def can_revoke(user):
    return can_moderate(user) and user.has_perm("comments.change_sanction")


def decisions_for(comment, *, has_open_reports):
    """Return the decisions that apply to the comment in its state, in the desk's order."""
    if comment.is_in_trash():
        return []
    return {
        State.PENDING: [APPROVE, REJECT, SPAM],
        State.PUBLISHED: [KEEP, HIDE, REJECT, SPAM] if has_open_reports else [REJECT, SPAM],
        State.HIDDEN: [KEEP, REJECT, SPAM],
        State.REFUSED: [RESTORE, SPAM],
        State.SPAM: [RESTORE, REJECT],
    }[comment.state()]


def _record(comment, action, *, actor=None, reason=""):
    reason = Truncator(reason).chars(300)
    ModerationEvent.objects.create(comment=comment, action=action, actor=actor, reason=reason)


def _decide(comment, status, action, *, moderator, refusal_reason="", note=""):
    """Set the moderator's decision and close the comment's open reports."""
    now = timezone.now()
    comment.status = status
    comment.refusal_reason = refusal_reason
    comment.hidden_at = None
    comment.moderated_at = now
    comment.moderated_by = moderator
    comment.save(
        update_fields=["status", "refusal_reason", "hidden_at", "moderated_at", "moderated_by"]
    )
    comment.reports.filter(resolved_at__isnull=True).update(resolved_at=now)
    _record(comment, action, actor=moderator, reason=note)


def is_trusted(email):
    """Tell whether an email has earned automatic approval (when the setting turns it on)."""
    needed = settings.COMMENTS_TRUSTED_AFTER
    if not needed:
        return False
    past = Comment.objects.filter(email__iexact=email)
    refused = past.filter(status__in=[Status.REJECTED, Status.SPAM]).exists()
    return not refused and past.filter(status=Status.APPROVED).count() >= needed


def sanction_in_force(*, visitor_hash, email_hash):
    """Return the strongest sanction in force against a commenter (a ban first), or None."""
    sanctions = Sanction.objects.active().against(visitor_hash=visitor_hash, email_hash=email_hash)
    return min(
        sanctions,
        key=lambda s: (s.kind != Sanction.Kind.BAN, -s.created_at.timestamp()),
        default=None,
    )


def submit(article, *, display_name, email, text, request, flags=(), is_spam=False):
    """Store a reader's comment as pending (or as spam); return it and whether it is new.

    The same words posted twice to the same article are stored once. Sent again by the reader who
    wrote them, the comment stored is returned; by anybody else, None: it is not theirs to follow.
    A banned commenter's comment is stored refused, and never shown; the caller thanks them as
    usual. A commenter under pre-moderation is never approved automatically.
    """
    fingerprint = antispam.text_hash(text)
    visitor = antispam.visitor_hash(request)
    email_key = antispam.email_hash(email)
    sanction = sanction_in_force(visitor_hash=visitor, email_hash=email_key)
    is_banned = not is_spam and sanction is not None and sanction.kind == Sanction.Kind.BAN
    status = Status.SPAM if is_spam else Status.REJECTED if is_banned else Status.PENDING
    try:
        with transaction.atomic():
            comment = Comment.objects.create(
                article=article,
                display_name=display_name,
                email=email,
                text=text,
                flags=list(flags),
                status=status,
                refusal_reason=Comment.RefusalReason.BANNED if is_banned else "",
                moderated_at=timezone.now() if is_banned else None,
                text_hash=fingerprint,
                email_hash=email_key,
                visitor_hash=visitor,
                user_agent=request.headers.get("User-Agent", "")[:300],
            )
            _record(comment, Action.SUBMITTED, reason="; ".join(comment.flags))
            if is_banned:
                _record(comment, Action.AUTO_REJECTED, reason=sanction.reason)
    except IntegrityError:  # the same words, already posted to this article (or deleted)
        stored = Comment.all_objects.get(article=article, text_hash=fingerprint)
        is_theirs = stored.visitor_hash == visitor and stored.email.casefold() == email.casefold()
        return (stored if is_theirs else None), False
    if status != Status.PENDING:
        return comment, True
    if sanction is not None:  # pre-moderation: a moderator reads it, trusted or not
        _record(comment, Action.HELD, reason=sanction.reason)
    elif not flags and is_trusted(email):
        comment.status = Status.APPROVED
        comment.moderated_at = timezone.now()
        comment.save(update_fields=["status", "moderated_at"])
        _record(comment, Action.AUTO_APPROVED)
    return comment, True


@transaction.atomic
def approve(comment, *, moderator, note=""):
    """Publish the comment."""
    _require_moderator(moderator)
    _decide(comment, Status.APPROVED, Action.APPROVED, moderator=moderator, note=note)


@transaction.atomic
def reject(comment, *, moderator, reason, note=""):
    """Refuse the comment, with a reason the commenter sees on the status page."""
    _require_moderator(moderator)
    if reason not in Comment.RefusalReason.values:
        raise ValueError(f"unknown refusal reason {reason!r}")
    _decide(
        comment,
        Status.REJECTED,
        Action.REJECTED,
        moderator=moderator,
        refusal_reason=reason,
        note=note or Comment.RefusalReason(reason).label,
    )


@transaction.atomic
def mark_spam(comment, *, moderator, note=""):
    """File the comment as spam: never shown, and counted against its sender."""
    _require_moderator(moderator)
    _decide(comment, Status.SPAM, Action.SPAM, moderator=moderator, note=note)


@transaction.atomic
def restore(comment, *, moderator, note=""):
    """Publish again a comment that was hidden after reports, refused or filed as spam."""
    _require_moderator(moderator)
    _decide(comment, Status.APPROVED, Action.RESTORED, moderator=moderator, note=note)


@transaction.atomic
def keep(comment, *, moderator, note=""):
    """Keep a reported comment published, or show again one hidden after reports; close reports."""
    _require_moderator(moderator)
    if comment.status != Status.APPROVED:
        raise ValueError("only a published comment can be kept")
    _decide(comment, Status.APPROVED, Action.KEPT, moderator=moderator, note=note)


@transaction.atomic
def hide(comment, *, moderator, note=""):
    """Hide a published comment from readers until a decision; its reports stay open."""
    _require_moderator(moderator)
    if not comment.is_public():
        raise ValueError("only a comment readers see can be hidden")
    comment.hidden_at = timezone.now()
    comment.save(update_fields=["hidden_at"])
    _record(comment, Action.HIDDEN, actor=moderator, reason=note)


def describe(sanction):
    """Return a sanction in a line of the moderation history: what, until when, why."""
    if sanction.ends_at is None:
        return _("%(kind)s, with no end: %(reason)s") % {
            "kind": sanction.get_kind_display(),
            "reason": sanction.reason,
        }
    return _("%(kind)s until %(end)s: %(reason)s") % {
        "kind": sanction.get_kind_display(),
        "end": formats.moment(sanction.ends_at, with_year=True),
        "reason": sanction.reason,
    }


@transaction.atomic
def sanction_commenter(comment, *, moderator, kind, reason, ends_at=None):
    """Pre-moderate or ban the comment's author, recognised by its address and email hashes."""
    if not can_sanction(moderator):
        raise PermissionDenied(_("Only moderators can sanction a commenter."))
    if kind not in Sanction.Kind.values:
        raise ValueError(f"unknown sanction {kind!r}")
    if not reason.strip():
        raise ValueError("a sanction needs a reason")
    now = timezone.now()
    if ends_at is not None and ends_at <= now:
        raise ValueError("a sanction ends in the future")
    decided = Sanction.objects.create(
        kind=kind,
        reason=reason.strip(),
        display_name=comment.display_name,
        visitor_hash=comment.visitor_hash,
        email_hash=comment.email_hash or antispam.email_hash(comment.email),
        comment=comment,
        created_at=now,
        created_by=moderator,
        ends_at=ends_at,
    )
    _record(comment, Action.SANCTIONED, actor=moderator, reason=describe(decided))
    return decided


@transaction.atomic
def revoke_sanction(sanction, *, moderator, note=""):
    """End a sanction in force now; return False when it had already ended."""
    if not can_revoke(moderator):
        raise PermissionDenied(_("Only moderators can revoke a sanction."))
    sanction = Sanction.objects.select_for_update().get(pk=sanction.pk)
    if not sanction.is_active():
        return False
    sanction.revoked_at = timezone.now()
    sanction.revoked_by = moderator
    sanction.save(update_fields=["revoked_at", "revoked_by"])
    if sanction.comment_id is not None:
        why = note or describe(sanction)
        _record(sanction.comment, Action.SANCTION_REVOKED, actor=moderator, reason=why)
    return True


@transaction.atomic
def move_to_trash(comment, *, moderator, note=""):
    """Take the comment off the site and the queues; it can be restored for a while."""
    if not can_delete(moderator, comment):
        raise PermissionDenied(_("You cannot delete this comment."))
    comment.deleted_at = timezone.now()
    comment.deleted_by = moderator
    comment.save(update_fields=["deleted_at", "deleted_by"])
    _record(comment, Action.TRASHED, actor=moderator, reason=note)


@transaction.atomic
def restore_from_trash(comment, *, moderator, note=""):
    """Bring the comment back in the state it was deleted in: published, pending or refused."""
    if not can_restore(moderator, comment):
        raise PermissionDenied(_("You cannot restore this comment."))
    comment.deleted_at = None
    comment.deleted_by = None
    comment.save(update_fields=["deleted_at", "deleted_by"])
    _record(comment, Action.UNTRASHED, actor=moderator, reason=note)


@transaction.atomic
def report(comment, *, reporter_hash, reason, explanation=""):
    """Record a reader's report; enough distinct reports hide the comment until a decision.

    Return False when this visitor had already reported this comment.
    """
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if not comment.is_public():
        raise PermissionDenied(_("This comment is not published."))
    _report, created = Report.objects.get_or_create(
        comment=comment,
        reporter_hash=reporter_hash,
        defaults={"reason": reason, "explanation": explanation},
    )
    if not created:
        return False
    _record(comment, Action.REPORTED, reason=Report.Reason(reason).label)
    open_reports = comment.reports.filter(resolved_at__isnull=True).count()
    if open_reports >= settings.COMMENTS_REPORTS_TO_HIDE:
        comment.hidden_at = timezone.now()
        comment.save(update_fields=["hidden_at"])
        _record(comment, Action.HIDDEN, reason=str(open_reports))
    return True

"""Who may do what to an article, and the state changes themselves.

The admin's buttons and actions, the demo loader and any other caller go through these functions,
so the rules live in one place: journalists write and submit their own articles; editors also
publish, schedule, unpublish and send back; moderators have no say on articles. Deleting moves an
article to the trash, whence whoever could delete it may restore it; an article in the trash is
left as it is until then.
"""

import uuid

import reversion
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from articles.models import Article

Status = Article.Status


def is_editor(user):
    return user.is_active and user.has_perm("articles.publish_article")


def is_own(user, article):
    """Tell whether the user created the article or signs it."""
    if article.pk is None or article.created_by_id == user.pk:
        return True
    return article.bylines.filter(author__user=user).exists()


def can_edit(user, article):
    if article.is_in_trash() or not (user.is_active and user.has_perm("articles.change_article")):
        return False
    if is_editor(user):
        return True
    return article.status != Status.PUBLISHED and is_own(user, article)


def _may_delete(user, article):
    """Tell whether the user may delete the article, hence take it out of the trash."""
    if not (user.is_active and user.has_perm("articles.delete_article")):
        return False
    if is_editor(user):
        return True
    return article.status != Status.PUBLISHED and is_own(user, article)


def can_delete(user, article):
    return not article.is_in_trash() and _may_delete(user, article)


def can_restore(user, article):
    return article.is_in_trash() and _may_delete(user, article)


def can_submit(user, article):
    return article.status in (Status.DRAFT, Status.UNPUBLISHED) and can_edit(user, article)


def can_publish(user, article):
    return is_editor(user) and article.status != Status.PUBLISHED and not article.is_in_trash()


def can_unpublish(user, article):
    return is_editor(user) and article.status == Status.PUBLISHED and not article.is_in_trash()


def can_send_back(user, article):
    return is_editor(user) and article.status == Status.READY and not article.is_in_trash()


def can_preview(user, article):
    return user.is_active and user.has_perm("articles.preview_article")


def _require(allowed, message):
    if not allowed:
        raise PermissionDenied(message)


def _save(article, *fields, by, comment):
    """Save a state change as a revision of its own, so the history says who did it."""
    with reversion.create_revision():
        reversion.set_user(by)
        reversion.set_comment(comment)
        article.edit_token = uuid.uuid4()
        article.save(update_fields=[*fields, "edit_token", "updated_at"])


def claim_edit(article, token):
    """Take the article's edit token if it is still the one the form was opened on."""
    new_token = uuid.uuid4()
    claimed = Article.objects.filter(pk=article.pk, edit_token=token).update(edit_token=new_token)
    article.edit_token = new_token
    return claimed == 1


def submit(article, *, by):
    """Send the article to the editors for review."""
    _require(can_submit(by, article), _("You cannot submit this article."))
    article.status = Status.READY
    _save(article, "status", by=by, comment=_("Submitted for review"))


def has_been_public(article):
    """Tell whether readers have already seen the article (it may be offline now)."""
    first = article.first_published_at
    return first is not None and first <= timezone.now()


def publish(article, *, by, at=None):
    """Publish now, or at the article's future publication time (scheduling).

    An article readers have already seen keeps its first publication time when it is published
    again, and shows as updated now.
    """
    _require(can_publish(by, article), _("Only an editor can publish an article."))
    now = timezone.now()
    if at is None:
        if article.published_at and article.published_at > now:
            at = article.published_at
        elif has_been_public(article):
            at = article.first_published_at
        else:
            at = now
    if has_been_public(article):
        article.republished_at = max(at, now)
    else:
        article.first_published_at = at
    article.status = Status.PUBLISHED
    article.published_at = at
    article.review_note = ""
    _save(
        article,
        "status",
        "published_at",
        "first_published_at",
        "republished_at",
        "review_note",
        by=by,
        comment=_("Published"),
    )


def unpublish(article, *, by):
    """Take the article off the site; it keeps its content and history."""
    _require(can_unpublish(by, article), _("Only an editor can unpublish an article."))
    article.status = Status.UNPUBLISHED
    if not has_been_public(article):  # a schedule called off: readers never saw it
        article.first_published_at = None
    _save(article, "status", "first_published_at", by=by, comment=_("Unpublished"))


def send_back(article, *, by, note=None):
    """Return an article under review to its author, with the editor's note."""
    _require(can_send_back(by, article), _("Only an editor can send an article back."))
    article.status = Status.DRAFT
    if note is not None:
        article.review_note = note
    _save(article, "status", "review_note", by=by, comment=_("Sent back to its author"))


def move_to_trash(article, *, by):
    """Take the article off every page; whoever could delete it may restore it for a while."""
    _require(can_delete(by, article), _("You cannot delete this article."))
    article.deleted_at = timezone.now()
    article.deleted_by = by
    # A plain update, not a revision: no saved version is ever in the trash, so restoring a
    # version from the history never sends an article there behind the desk's back.
    Article.all_objects.filter(pk=article.pk).update(
        deleted_at=article.deleted_at, deleted_by=article.deleted_by
    )


def restore_from_trash(article, *, by):
    """Bring the article back as it was: a published one is on the site again at once."""
    _require(can_restore(by, article), _("You cannot restore this article."))
    deleted_by, deleted_at = article.deleted_by, article.deleted_at
    article.deleted_at = None
    article.deleted_by = None
    comment = _("Restored from the trash (deleted by %(who)s on %(when)s)") % {
        "who": deleted_by.get_username() if deleted_by else "?",
        "when": date_format(timezone.localtime(deleted_at), "SHORT_DATETIME_FORMAT"),
    }
    _save(article, "deleted_at", "deleted_by", by=by, comment=comment)


# What a version restored from the history never brings back: the article's place in the
# workflow, which only the functions above change, each checking who may.
STATE_FIELDS = [
    "status",
    "published_at",
    "first_published_at",
    "republished_at",
    "is_embargoed",
    "review_note",
    "deleted_at",
    "deleted_by_id",
    "created_by_id",
    "edit_token",
]


def state_of(article):
    return {name: getattr(article, name) for name in STATE_FIELDS}


def keep_state(article, state):
    """Give a just-reverted article back its state, in the database and on the instance."""
    Article.all_objects.filter(pk=article.pk).update(**state)
    for name, value in state.items():
        setattr(article, name, value)

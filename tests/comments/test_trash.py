"""Deleting a comment in the desk moves it to the trash: off the page and the counts, restorable."""

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.test import Client

from articles import popularity
from comments import antispam, moderation
from comments.models import Comment, ModerationEvent
from comments.templatetags.comments import moderation_counts
from tests.comments.conftest import post_comment, report
from tests.conftest import make_staff

pytestmark = pytest.mark.django_db
CHANGELIST = "/desk/comments/comment/"
TRASH = f"{CHANGELIST}?trash=1"
Action = ModerationEvent.Action


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 300  # readers' pages are cached: deleting must refresh them


@pytest.fixture
def chief_moderator(db):
    """A moderator also allowed to delete comments (by default only administrators are)."""
    chief = make_staff("chef", "Moderators")
    chief.user_permissions.add(
        Permission.objects.get(content_type__app_label="comments", codename="delete_comment")
    )
    return chief


def approved(article, text, moderator):
    comment = Comment.objects.create(
        article=article,
        display_name="Jeanne R.",
        email="jeanne@example.org",
        text=text,
        text_hash=antispam.text_hash(text),
    )
    moderation.approve(comment, moderator=moderator)
    return comment


@pytest.fixture
def two_comments(open_article, moderator):
    return (
        approved(open_article, "Enfin une bonne nouvelle.", moderator),
        approved(open_article, "Les quais seront-ils accessibles ?", moderator),
    )


def desk_comment_count(client, article):
    """Return the "comments" column of the desk's article list for this article."""
    listed = client.get("/desk/articles/article/").context["cl"].result_list
    return next(a.public_comments for a in listed if a.pk == article.pk)


def test_deleting_a_comment_moves_it_to_the_trash_off_the_page_and_every_count(
    client, chief_moderator, editor, open_article, two_comments
):
    kept, deleted = two_comments
    reader = Client()
    assert deleted.text in reader.get(open_article.get_absolute_url()).text  # now cached
    assert popularity.most_commented(1) == [(open_article, 2)]
    client.force_login(chief_moderator)

    response = client.post(f"{CHANGELIST}{deleted.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    deleted = Comment.all_objects.get(pk=deleted.pk)  # still in the database
    assert deleted.is_in_trash()
    assert deleted.deleted_by == chief_moderator
    assert deleted.status == Comment.Status.APPROVED  # as it was: a restore brings it back so
    event = deleted.events.last()
    assert (event.action, event.actor) == (Action.TRASHED, chief_moderator)
    page = reader.get(open_article.get_absolute_url()).text
    assert deleted.text not in page
    assert kept.text in page
    assert list(open_article.comments.all()) == [kept]
    assert popularity.most_commented(1) == [(open_article, 1)]
    assert Client().get("/classements/").text.count("1 commentaire") == 1
    client.force_login(editor)
    assert desk_comment_count(client, open_article) == 1


def test_restoring_a_comment_brings_it_back_as_it_was_and_leaves_a_trace(
    client, chief_moderator, open_article, two_comments
):
    _, deleted = two_comments
    moderation.move_to_trash(deleted, moderator=chief_moderator)
    reader = Client()
    assert deleted.text not in reader.get(open_article.get_absolute_url()).text
    client.force_login(chief_moderator)
    listed = client.get(TRASH).context["cl"].result_list
    assert [c.pk for c in listed] == [deleted.pk]

    client.post(TRASH, {"action": "restore_from_trash", "_selected_action": [deleted.pk]})

    deleted.refresh_from_db()
    assert not deleted.is_in_trash()
    assert deleted.is_public()
    assert deleted.text in reader.get(open_article.get_absolute_url()).text
    assert [e.action for e in deleted.events.all()][-2:] == [Action.TRASHED, Action.UNTRASHED]
    assert deleted.events.last().actor == chief_moderator
    assert popularity.most_commented(1) == [(open_article, 2)]


def test_deleting_selected_comments_moves_them_to_the_trash(
    client, chief_moderator, open_article, two_comments
):
    client.force_login(chief_moderator)
    data = {"action": "delete_selected", "_selected_action": [c.pk for c in two_comments]}
    confirmation = client.post(CHANGELIST, data)
    assert confirmation.templates[0].name == "admin/trash_selected_confirmation.html"
    assert Comment.objects.count() == 2

    client.post(CHANGELIST, data | {"post": "yes"})

    assert Comment.objects.count() == 0
    assert Comment.all_objects.in_trash().count() == 2
    assert ModerationEvent.objects.filter(action=Action.TRASHED).count() == 2
    assert "Enfin une bonne nouvelle." not in Client().get(open_article.get_absolute_url()).text


def test_deleted_pending_comment_leaves_the_queues(client, chief_moderator, open_article):
    post_comment(client, open_article)
    pending = Comment.objects.get()
    assert moderation_counts()["awaiting"] == 1
    moderation.move_to_trash(pending, moderator=chief_moderator)
    assert moderation_counts()["awaiting"] == 0
    client.force_login(chief_moderator)
    assert list(client.get(CHANGELIST, {"queue": "awaiting"}).context["cl"].result_list) == []
    assert client.get(f"{CHANGELIST}{pending.pk}/change/").status_code == 200  # from the trash


def test_moderator_without_the_delete_permission_can_neither_delete_nor_restore(
    client, moderator, chief_moderator, two_comments
):
    kept, deleted = two_comments
    moderation.move_to_trash(deleted, moderator=chief_moderator)
    client.force_login(moderator)

    assert client.post(f"{CHANGELIST}{kept.pk}/delete/", {"post": "yes"}).status_code == 403
    client.post(
        CHANGELIST, {"action": "delete_selected", "_selected_action": [kept.pk], "post": "yes"}
    )
    client.post(TRASH, {"action": "restore_from_trash", "_selected_action": [deleted.pk]})

    kept.refresh_from_db()
    deleted.refresh_from_db()
    assert not kept.is_in_trash()
    assert deleted.is_in_trash()
    with pytest.raises(PermissionDenied):
        moderation.move_to_trash(kept, moderator=moderator)
    with pytest.raises(PermissionDenied):
        moderation.restore_from_trash(deleted, moderator=moderator)


def test_a_deleted_comment_can_be_neither_reported_nor_posted_again(
    client, chief_moderator, open_article, two_comments
):
    _, deleted = two_comments
    moderation.move_to_trash(deleted, moderator=chief_moderator)

    assert report(client, deleted, "198.51.100.4").status_code == 404
    response = post_comment(client, open_article, text=deleted.text)  # the same words again

    assert response.status_code == 302
    assert Comment.all_objects.filter(text=deleted.text).count() == 1

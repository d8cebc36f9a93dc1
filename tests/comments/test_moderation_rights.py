"""Only moderators and editors moderate; a journalist neither sees nor uses the actions."""

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import PermissionDenied
from django.utils import translation

from comments import moderation
from comments.models import BannedWord, Comment
from tests.comments.conftest import post_comment

pytestmark = pytest.mark.django_db
CHANGELIST = "/desk/comments/comment/"


@pytest.fixture
def pending(client, open_article):
    post_comment(client, open_article)
    return Comment.objects.get()


@pytest.mark.parametrize("action", ["approve_selected", "spam_selected", "restore_selected"])
def test_journalist_cannot_see_or_use_moderation(client, journalist, pending, action):
    client.force_login(journalist)
    assert client.get(CHANGELIST).status_code == 403
    assert client.get(f"{CHANGELIST}{pending.pk}/change/").status_code == 403
    response = client.post(CHANGELIST, {"action": action, "_selected_action": [pending.pk]})
    assert response.status_code == 403
    pending.refresh_from_db()
    assert pending.status == Comment.Status.PENDING
    with pytest.raises(PermissionDenied):
        moderation.approve(pending, moderator=journalist)
    assert "Commentaires des lecteurs" not in client.get("/desk/").content.decode()


@pytest.mark.parametrize("role", ["moderator", "editor"])
def test_moderators_and_editors_see_the_queues_and_actions(client, request, pending, role):
    client.force_login(request.getfixturevalue(role))
    response = client.get(CHANGELIST, {"queue": "awaiting"})
    assert [c.pk for c in response.context["cl"].result_list] == [pending.pk]
    actions = dict(response.context["action_form"].fields["action"].choices)
    assert {"approve_selected", "reject_selected", "spam_selected", "restore_selected"} <= set(
        actions
    )
    assert "jeanne@example.org" in response.content.decode()  # staff see the email
    desk = client.get("/desk/").content.decode()
    assert "En attente de validation" in desk


def test_refusing_needs_a_reason_which_the_commenter_then_sees(client, moderator, pending):
    client.force_login(moderator)
    client.post(
        CHANGELIST,
        {"action": "reject_selected", "_selected_action": [pending.pk], "refusal_reason": ""},
    )
    pending.refresh_from_db()
    assert pending.status == Comment.Status.PENDING
    client.post(
        CHANGELIST,
        {
            "action": "reject_selected",
            "_selected_action": [pending.pk],
            "refusal_reason": "off_topic",
        },
    )
    pending.refresh_from_db()
    assert pending.status == Comment.Status.REJECTED
    assert pending.refusal_reason == "off_topic"
    event = pending.events.last()
    assert (event.action, event.actor, event.reason) == ("rejected", moderator, "Hors sujet")


def test_moderator_manages_banned_words_but_not_articles(client, moderator):
    client.force_login(moderator)
    response = client.post(
        "/desk/comments/bannedword/add/", {"word": "arnaque", "level": "suspect"}
    )
    assert response.status_code == 302
    assert BannedWord.objects.get().word == "arnaque"
    assert client.get("/desk/articles/article/").status_code == 403


@pytest.mark.parametrize("path", ["comment/", "bannedword/", "bannedword/add/"])
def test_comment_admins_list_search_and_add(client, editor, pending, path):
    client.force_login(editor)
    url = f"/desk/comments/{path}"
    assert client.get(url).status_code == 200
    if not path.endswith("add/"):
        assert client.get(url, {"q": "Jeanne"}).status_code == 200


def test_article_desk_page_lists_its_comments_and_their_states(client, editor, pending):
    client.force_login(editor)
    html = client.get(f"/desk/articles/article/{pending.article_id}/change/").content.decode()
    assert "Enfin une bonne nouvelle" in html
    cell = BeautifulSoup(html, "html.parser").select_one("td.field-state_label")
    with translation.override("fr"):
        assert cell.get_text(strip=True) == pending.state_label()

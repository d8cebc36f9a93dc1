"""The reference flow: post, thank-you, moderation, publication, reports, hiding, restoring."""

import pytest
from bs4 import BeautifulSoup
from django.contrib.messages import get_messages

from comments.models import Comment, ModerationEvent
from tests.comments.conftest import post_comment, report

pytestmark = pytest.mark.django_db


def comments_on(client, article):
    page = BeautifulSoup(client.get(article.get_absolute_url()).content, "html.parser")
    return page.select("ol.comment-list li.comment"), page


def test_reader_posts_moderator_approves_readers_report_moderator_restores(
    client, open_article, moderator
):
    # A reader posts, and is thanked: the comment awaits validation.
    response = post_comment(client, open_article)
    assert response.status_code == 302
    # The thank-you shows beside the comment form, where the address points.
    assert response["Location"] == f"{open_article.get_absolute_url()}#votre-commentaire"
    page = client.get(response["Location"])
    thanks = [str(m) for m in page.context["messages"]]
    assert thanks and "une fois validé" in thanks[0]
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    assert comment.text == "Enfin une bonne nouvelle pour les start-up de la région.\nBravo."

    # It is not on the page yet.
    listed, page = comments_on(client, open_article)
    assert listed == []
    assert "Enfin une bonne nouvelle" not in page.get_text()

    # A moderator approves it in the desk.
    client.force_login(moderator)
    response = client.post(
        "/desk/comments/comment/",
        {"action": "approve_selected", "_selected_action": [comment.pk], "refusal_reason": ""},
    )
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED
    assert comment.moderated_by == moderator
    client.logout()

    # It appears as "Commentaire 1", with the French date line and its line break.
    listed, page = comments_on(client, open_article)
    assert len(listed) == 1
    assert listed[0].select_one("h3").get_text() == "Commentaire 1"
    when = comment.submitted_at.astimezone().strftime("%d/%m/%Y à %H:%M")
    meta = " ".join(listed[0].select_one(".comment-meta").get_text().split())
    assert meta == f"Jeanne R. a écrit le {when}"
    assert listed[0].select_one(".comment-text br") is not None
    # Its "Report" leads to its report page; the page's one report form posts (the script
    # brings it into the comment opened).
    report_url = f"/commentaires/{comment.pk}/signaler/"
    assert listed[0].select_one("details.report .no-js a")["href"] == report_url
    assert page.select_one("form.report-form")["method"] == "post"
    assert len(page.select("form.report-form")) == 1
    assert page.select_one("#comments-title").get_text() == "1 commentaire"

    # Three readers report it: it is hidden and in the "reported" queue.
    for n, address in enumerate(["198.51.100.1", "198.51.100.2", "198.51.100.3"]):
        response = report(client, comment, address, explanation=f"Lecteur {n}")
        assert response.status_code == 302
        acknowledged = [str(m) for m in get_messages(response.wsgi_request)]
        assert acknowledged and "modérateurs" in acknowledged[0]
    comment.refresh_from_db()
    assert comment.hidden_at is not None
    assert comments_on(client, open_article)[0] == []
    client.force_login(moderator)
    queue = client.get("/desk/comments/comment/", {"queue": "hidden"})
    assert [c.pk for c in queue.context["cl"].result_list] == [comment.pk]
    assert (
        "Lecteur 0" in client.get(f"/desk/comments/comment/{comment.pk}/change/").content.decode()
    )

    # The moderator restores it: it is back, and the history tells the whole story.
    client.post(
        "/desk/comments/comment/",
        {"action": "restore_selected", "_selected_action": [comment.pk], "refusal_reason": ""},
    )
    client.logout()
    listed, _ = comments_on(client, open_article)
    assert [item.select_one("h3").get_text() for item in listed] == ["Commentaire 1"]
    actions = list(comment.events.values_list("action", flat=True))
    Action = ModerationEvent.Action
    assert actions == [
        Action.SUBMITTED, Action.APPROVED,
        Action.REPORTED, Action.REPORTED, Action.REPORTED, Action.HIDDEN,
        Action.RESTORED,
    ]  # fmt: skip
    assert comment.reports.filter(resolved_at__isnull=True).count() == 0


def test_a_single_report_sends_a_comment_to_the_reported_queue_but_keeps_it_public(
    client, open_article, moderator
):
    post_comment(client, open_article)
    comment = Comment.objects.get()
    from comments import moderation

    moderation.approve(comment, moderator=moderator)
    report(client, comment, "198.51.100.9", reason="off_topic")
    assert list(Comment.objects.reported()) == [comment]
    assert len(comments_on(client, open_article)[0]) == 1
    assert report(client, comment, "198.51.100.9").status_code == 302  # the same reader again
    assert comment.reports.count() == 1

"""One click per decision: each comment's buttons post to a decision view, which acts through
comments/moderation.py and goes back to the same queue page, at the next comment."""

from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from django.contrib.messages import get_messages
from django.test import Client
from django.utils import translation

from comments import moderation
from comments.models import Comment, ModerationEvent
from tests.comments.desk import QUEUE, decide_url, make_comment, page_url, reported

pytestmark = pytest.mark.django_db
Action = ModerationEvent.Action
State = Comment.State


@pytest.fixture
def three_pending(open_article):
    return [
        make_comment(open_article, "Premier avis, argumenté.", name="Ana"),
        make_comment(open_article, "Deuxième avis, nuancé.", name="Bruno"),
        make_comment(open_article, "Troisième avis, bref.", name="Chloé"),
    ]


@pytest.fixture
def reported_comment(open_article, moderator):
    comment = make_comment(open_article, "Un avis qui dérange.", name="Denis")
    moderation.approve(comment, moderator=moderator)
    return reported(comment, "abuse", "off_topic", explanation="Hors de propos.")


def french(text):
    with translation.override("fr"):
        return str(text)


def decide(client, comment, decision, *, next=f"{QUEUE}?queue=awaiting", following=None, **data):
    data = {"decision": decision, "next": next, "seen": comment.state(), **data}
    if following is not None:
        data["next_comment"] = following.pk
    return client.post(decide_url(comment), data)


def said(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_approve_publishes_records_who_and_goes_back_to_the_next_comment(
    client, moderator, three_pending
):
    first, second, _third = three_pending
    client.force_login(moderator)
    queue = f"{QUEUE}?queue=awaiting&q=avis&p=1"
    response = decide(client, first, "approve", next=queue, following=second)
    assert response.status_code == 302
    assert response["Location"] == f"{queue}#comment-{second.pk}"
    first.refresh_from_db()
    assert first.is_public() and first.moderated_by == moderator
    event = first.events.last()
    assert (event.action, event.actor) == (Action.APPROVED, moderator)
    message = said(response)[-1]
    assert first.display_name in message and french(State.PUBLISHED.label) in message
    assert page_url(first) in message  # a link to the comment, to look again


def test_refuse_needs_the_reason_chosen_next_to_the_button(client, moderator, three_pending):
    first, second, _third = three_pending
    client.force_login(moderator)
    response = decide(client, first, "reject", following=second)
    first.refresh_from_db()
    assert first.status == Comment.Status.PENDING  # nothing refused without a reason
    assert response["Location"].endswith(f"#comment-{first.pk}")  # back at the same comment
    assert said(response) == ["Choisissez d’abord un motif de refus."]

    response = decide(client, first, "reject", following=second, refusal_reason="off_topic")
    first.refresh_from_db()
    assert (first.status, first.refusal_reason) == (Comment.Status.REJECTED, "off_topic")
    event = first.events.last()
    assert (event.action, event.actor, event.reason) == (Action.REJECTED, moderator, "Hors sujet")
    assert response["Location"].endswith(f"#comment-{second.pk}")
    assert "Hors sujet" in said(response)[-1]


def test_a_moderator_cannot_pick_the_banned_reason_by_hand(client, moderator, three_pending):
    first = three_pending[0]
    client.force_login(moderator)
    decide(client, first, "reject", refusal_reason="banned")
    first.refresh_from_db()
    assert first.status == Comment.Status.PENDING


def test_spam_files_the_comment_and_closes_nothing_else(client, moderator, three_pending):
    first, second, third = three_pending
    client.force_login(moderator)
    response = decide(client, second, "spam", following=third)
    second.refresh_from_db()
    assert second.status == Comment.Status.SPAM
    assert second.events.last().action == Action.SPAM
    assert response["Location"].endswith(f"#comment-{third.pk}")
    first.refresh_from_db()
    assert first.status == Comment.Status.PENDING


def test_keep_leaves_a_reported_comment_published_and_closes_its_reports(
    client, moderator, reported_comment
):
    client.force_login(moderator)
    response = decide(client, reported_comment, "keep", next=f"{QUEUE}?queue=reported")
    reported_comment.refresh_from_db()
    assert reported_comment.is_public()
    assert not reported_comment.reports.filter(resolved_at=None).exists()
    assert reported_comment.events.last().action == Action.KEPT
    assert list(Comment.objects.reported()) == []
    assert response["Location"] == f"{QUEUE}?queue=reported"


def test_hide_takes_a_reported_comment_off_the_page_until_a_decision(
    client, moderator, reported_comment
):
    client.force_login(moderator)
    decide(client, reported_comment, "hide", next=f"{QUEUE}?queue=reported")
    reported_comment.refresh_from_db()
    assert not reported_comment.is_public()
    assert reported_comment.state() == State.HIDDEN
    assert reported_comment.reports.filter(resolved_at=None).count() == 2  # still to decide
    event = reported_comment.events.last()
    assert (event.action, event.actor) == (Action.HIDDEN, moderator)
    assert list(Comment.objects.hidden()) == [reported_comment]
    assert list(Comment.objects.reported()) == []  # its queue is now "hidden"
    page = client.get(reported_comment.article.get_absolute_url()).content.decode()
    assert "Un avis qui dérange." not in page

    # From the hidden queue, "publish again" brings it back and closes the reports.
    decide(client, reported_comment, "keep", next=f"{QUEUE}?queue=hidden")
    reported_comment.refresh_from_db()
    assert reported_comment.is_public()
    assert not reported_comment.reports.filter(resolved_at=None).exists()


def test_hide_and_keep_do_not_apply_to_a_pending_comment(client, moderator, three_pending):
    first = three_pending[0]
    client.force_login(moderator)
    for decision in ("hide", "keep", "restore"):
        response = decide(client, first, decision)
        assert response["Location"].endswith(f"#comment-{first.pk}")
        first.refresh_from_db()
        assert first.status == Comment.Status.PENDING and first.hidden_at is None
    assert first.events.count() == 0


def test_restore_publishes_a_refused_comment_again(client, moderator, three_pending):
    first = three_pending[0]
    moderation.reject(first, moderator=moderator, reason="abuse")
    client.force_login(moderator)
    decide(client, first, "restore", next=f"{QUEUE}?state=refused")
    first.refresh_from_db()
    assert first.is_public() and first.events.last().action == Action.RESTORED


def test_a_decision_taken_meanwhile_by_someone_else_is_not_overridden(
    client, moderator, editor, three_pending
):
    first = three_pending[0]
    client.force_login(moderator)
    seen = first.state()
    moderation.approve(first, moderator=editor)  # another moderator, a second earlier
    response = client.post(
        decide_url(first), {"decision": "spam", "seen": seen, "next": f"{QUEUE}?queue=awaiting"}
    )
    first.refresh_from_db()
    assert first.status == Comment.Status.APPROVED and first.moderated_by == editor
    assert response["Location"].endswith(f"#comment-{first.pk}")
    assert first.display_name in said(response)[-1]


@pytest.mark.parametrize("decision", ["approve", "reject", "spam", "keep", "hide", "restore"])
def test_a_journalist_gets_403_and_nothing_changes(
    client, journalist, reported_comment, three_pending, decision
):
    client.force_login(journalist)
    for comment in [three_pending[0], reported_comment]:
        before = (comment.status, comment.hidden_at, comment.events.count())
        response = decide(client, comment, decision, refusal_reason="abuse")
        assert response.status_code == 403
        comment.refresh_from_db()
        assert (comment.status, comment.hidden_at, comment.events.count()) == before


def test_decisions_are_posts_with_a_csrf_token(client, moderator, three_pending):
    first = three_pending[0]
    client.force_login(moderator)
    assert client.get(decide_url(first)).status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(moderator)
    assert strict.post(decide_url(first), {"decision": "approve"}).status_code == 403
    first.refresh_from_db()
    assert first.status == Comment.Status.PENDING


@pytest.mark.parametrize(
    "unsafe", ["https://evil.example/desk/", "//evil.example/x", "/articles/", "javascript:x"]
)
def test_the_way_back_stays_in_the_desk(client, moderator, three_pending, unsafe):
    first, second, _ = three_pending
    client.force_login(moderator)
    response = decide(client, first, "approve", next=unsafe, following=second)
    assert response["Location"] == f"{QUEUE}#comment-{second.pk}"


def test_each_card_of_the_queue_names_the_comment_after_it_and_keeps_the_query(
    client, moderator, three_pending
):
    first, second, third = three_pending
    client.force_login(moderator)
    url = f"{QUEUE}?queue=awaiting&q=avis"
    page = BeautifulSoup(client.get(url).content, "html.parser")
    for comment, following in [(first, second), (second, third), (third, second)]:
        form = page.select_one(f"form#decide-{comment.pk}")
        assert form["action"] == decide_url(comment)
        assert form.select_one("[name=csrfmiddlewaretoken]")["value"]
        assert form.select_one("[name=next]")["value"] == url
        assert form.select_one("[name=next_comment]")["value"] == str(following.pk)
        buttons = page.select(f'button[form="decide-{comment.pk}"]')
        assert [b["value"] for b in buttons] == ["approve", "spam", "reject"]
        select = page.select_one(f'select[form="decide-{comment.pk}"][name=refusal_reason]')
        assert select.has_attr("required") and page.select_one(f"label[for={select['id']}]")
    # The forms are outside the list's form (the bulk actions'): HTML forms do not nest.
    assert not page.select("#changelist-form form")


def test_the_last_comment_decided_on_the_last_page_lands_on_the_new_last_page(
    client, moderator, open_article
):
    comments = [make_comment(open_article, f"Avis numéro {n}.") for n in range(51)]
    client.force_login(moderator)
    third_page = f"{QUEUE}?queue=awaiting&p=3"
    assert [c.pk for c in client.get(third_page).context["cl"].result_list] == [comments[-1].pk]
    response = decide(client, comments[-1], "approve", next=third_page)
    assert response["Location"] == third_page
    page = client.get(third_page)
    assert page.status_code == 200  # not Django's "?e=1", which forgets the queue
    assert page.context["cl"].page_num == 2
    assert [c.pk for c in page.context["cl"].result_list] == [c.pk for c in comments[25:50]]


def test_the_decision_page_shows_everything_and_offers_the_same_buttons(
    client, moderator, reported_comment
):
    client.force_login(moderator)
    response = client.get(page_url(reported_comment))
    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    text = " ".join(page.get_text().split())
    assert "Un avis qui dérange." in text
    assert reported_comment.email in text  # moderators see it: this is the desk
    assert "Hors de propos." in text  # the reports' explanations
    history = [" ".join(li.get_text().split()) for li in page.select("#history li")]
    assert len(history) == reported_comment.events.count() == 1  # approved (made directly)
    assert moderator.username in history[0]
    buttons = [b["value"] for b in page.select(f'button[form="decide-{reported_comment.pk}"]')]
    assert buttons == ["keep", "hide", "spam", "reject"]
    assert page.select_one(f"form#decide-{reported_comment.pk}")
    # Nothing to save: no inert "Save" buttons.
    assert not page.select("input[name=_save], input[name=_continue], .submit-row")
    assert client.post(page_url(reported_comment), {}).status_code == 405


def test_deciding_from_the_decision_page_goes_back_to_the_queue_at_the_next_comment(
    client, moderator, three_pending
):
    first, second, _ = three_pending
    client.force_login(moderator)
    url = f"{page_url(first)}?_changelist_filters=queue%3Dawaiting%26q%3Davis"
    page = BeautifulSoup(client.get(url).content, "html.parser")
    form = page.select_one(f"form#decide-{first.pk}")
    assert form.select_one("[name=next]")["value"] == f"{QUEUE}?queue=awaiting&q=avis"
    assert form.select_one("[name=next_comment]")["value"] == str(second.pk)
    data = {i["name"]: i.get("value", "") for i in form.select("input")} | {"decision": "spam"}
    response = client.post(form["action"], data)
    assert response["Location"] == f"{QUEUE}?queue=awaiting&q=avis#comment-{second.pk}"


def test_the_decision_page_without_a_queue_comes_back_to_itself(client, moderator, three_pending):
    first = three_pending[0]
    client.force_login(moderator)
    page = BeautifulSoup(client.get(page_url(first)).content, "html.parser")
    form = page.select_one(f"form#decide-{first.pk}")
    data = {i["name"]: i.get("value", "") for i in form.select("input")} | {"decision": "approve"}
    response = client.post(form["action"], data)
    assert urlsplit(response["Location"]).path == page_url(first)


def test_a_journalist_cannot_open_the_decision_page(client, journalist, three_pending):
    client.force_login(journalist)
    assert client.get(page_url(three_pending[0])).status_code == 403

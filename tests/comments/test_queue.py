"""The moderation queues show each comment whole, with what a moderator needs to decide, in a
fixed number of queries whatever the number of comments."""

import pytest
from bs4 import BeautifulSoup
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article
from comments import moderation
from comments.models import Comment
from tests.comments.desk import QUEUE, make_comment, reported
from tests.conftest import make_article

pytestmark = pytest.mark.django_db
LONG = ("Un avis long et détaillé sur la fusion des pôles, " * 40).strip()


def cards(client, **query):
    page = BeautifulSoup(client.get(QUEUE, query).content, "html.parser")
    return {card["id"]: card for card in page.select("article.mod-card")}, page


def test_a_card_shows_the_comment_whole_with_all_a_moderator_needs(client, moderator, open_article):
    comment = make_comment(
        open_article,
        LONG + "\nDeuxième ligne.",
        name="Hélène B.",
        email="helene@example.org",
        flags=["3 liens"],
    )
    client.force_login(moderator)
    found, _ = cards(client, queue="awaiting")
    card = found[f"comment-{comment.pk}"]
    text = " ".join(card.get_text().split())
    assert " ".join(LONG.split()) in text  # whole: never cut mid-word
    assert card.select_one(".mod-text br") or len(card.select(".mod-text p")) == 2
    assert "Hélène B." in text and "helene@example.org" in text
    assert card.select_one("time")["datetime"].startswith(str(comment.submitted_at.year))
    assert "3 liens" in card.select_one(".mod-flags").get_text()
    assert card.select_one(".mod-state").get_text(strip=True)
    link = card.select_one(".mod-article a")
    assert link["href"] == open_article.get_absolute_url()  # the public page readers see
    assert link.get_text() == open_article.headline


def test_open_reports_are_listed_with_their_reasons_and_explanations(
    client, moderator, open_article
):
    comment = make_comment(open_article, "Un avis signalé.")
    moderation.approve(comment, moderator=moderator)
    reported(comment, "abuse", explanation="Il insulte un autre lecteur.")
    client.force_login(moderator)
    found, _ = cards(client, queue="reported")
    card = found[f"comment-{comment.pk}"]
    reports = card.select_one(".mod-reports").get_text()
    assert "Il insulte un autre lecteur." in reports
    assert "Abus ou harcèlement" in reports or "abuse" not in reports
    link = card.select_one(".mod-article a")
    assert link["href"] == comment.get_absolute_url()  # straight to the comment on the page


@pytest.mark.parametrize(
    "hidden_from_readers",
    [
        {"status": Article.Status.DRAFT, "published_at": None},
        {"is_embargoed": True},
    ],
    ids=["draft", "embargoed"],
)
def test_an_article_readers_cannot_see_is_named_without_a_link(
    client, moderator, section, hidden_from_readers
):
    article = make_article(section, slug="cachee", headline="Article hors ligne")
    Article.objects.filter(pk=article.pk).update(**hidden_from_readers)
    comment = make_comment(Article.all_objects.get(pk=article.pk), "Sur un article retiré.")
    client.force_login(moderator)
    found, page = cards(client, queue="awaiting")
    card = found[f"comment-{comment.pk}"]
    assert "Article hors ligne" in card.select_one(".mod-article").get_text()
    assert card.select_one(".mod-article a") is None
    # No link in any card sends a moderator to a desk page they may not open.
    assert not page.select(".mod-card a[href*='/desk/articles/']")


def test_queues_count_their_comments_and_hidden_ones_have_their_own(
    client, moderator, open_article
):
    waiting = make_comment(open_article, "En attente.")
    shown = make_comment(open_article, "Publié et signalé.")
    masked = make_comment(open_article, "Masqué après signalements.")
    for comment in (shown, masked):
        moderation.approve(comment, moderator=moderator)
        reported(comment, "abuse")
    moderation.hide(masked, moderator=moderator)
    client.force_login(moderator)
    for queue, expected in [
        ("awaiting", [waiting]),
        ("reported", [shown]),
        ("hidden", [masked]),
        ("suspect", []),
    ]:
        found, page = cards(client, queue=queue)
        assert list(found) == [f"comment-{c.pk}" for c in expected]
    queue_filter = " ".join(page.select_one("#changelist-filter").get_text().split())
    assert "(1)" in queue_filter and "(0)" in queue_filter


def test_bulk_actions_stay_for_bulk_work_with_real_plurals(client, moderator, open_article):
    comments = [make_comment(open_article, f"Avis {n}.") for n in range(3)]
    client.force_login(moderator)
    client.cookies["django_language"] = "en"  # the source strings: the plural forms are ours
    response = client.post(
        QUEUE, {"action": "approve_selected", "_selected_action": [comments[0].pk]}
    )
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["1 comment published."]
    response = client.post(
        QUEUE,
        {
            "action": "reject_selected",
            "_selected_action": [c.pk for c in comments[1:]],
            "refusal_reason": "off_topic",
        },
    )
    assert [str(m) for m in get_messages(response.wsgi_request)][-1] == "2 comments refused."
    assert Comment.objects.filter(status=Comment.Status.REJECTED).count() == 2


def queue_queries(client, article, moderator, count):
    Comment.all_objects.all().delete()
    for n in range(count):
        comment = make_comment(article, f"Avis numéro {n}.", email=f"lecteur{n % 7}@example.org")
        if n % 3 == 0:
            moderation.approve(comment, moderator=moderator)
            reported(comment, "abuse", "spam", explanation="Encore lui.")
        if n % 5 == 0:
            Comment.objects.filter(pk=comment.pk).update(flags=["3 liens"])
        if n % 4 == 0:
            moderation.sanction_commenter(
                comment, moderator=moderator, kind="premoderate", reason="Vu."
            )
    client.get(QUEUE)  # the session, the permissions: as on any desk page
    with CaptureQueriesContext(connection) as queries:
        response = client.get(QUEUE)
    assert response.status_code == 200
    shown = len(BeautifulSoup(response.content, "html.parser").select("article.mod-card"))
    assert shown == min(count, 25)
    return len(queries)


def test_the_queue_runs_a_fixed_number_of_queries_whatever_the_number_of_comments(
    client, moderator, open_article, figures
):
    client.force_login(moderator)
    with_five = queue_queries(client, open_article, moderator, 5)
    with_thirty = queue_queries(client, open_article, moderator, 30)
    figures.append(f"queue: {with_five} queries with 5 comments, {with_thirty} with 30")
    assert with_five == with_thirty
    assert with_thirty <= 20

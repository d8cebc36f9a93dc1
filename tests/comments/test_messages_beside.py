"""The thank-you after a comment or a report shows beside it, where the redirect points."""

import pytest
from bs4 import BeautifulSoup
from django.contrib.messages import constants
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext

from comments import moderation
from comments.models import BannedWord, Comment
from tests.comments.conftest import post_comment, report

pytestmark = pytest.mark.django_db


@pytest.fixture
def published_comment(open_article, moderator):
    comment = Comment.objects.create(
        article=open_article,
        display_name="Paul V.",
        email="paul@example.org",
        text="Une fusion de plus.",
        text_hash="paul",
    )
    moderation.approve(comment, moderator=moderator)
    return comment


def page_at(client, location):
    """Follow a redirect; return the page and the element its address points at."""
    path, _, fragment = location.partition("#")
    page = BeautifulSoup(client.get(path).content, "html.parser")
    return page, page.find(id=fragment)


def test_the_thank_you_for_a_comment_shows_after_the_comment_form_not_at_the_top(
    client, open_article
):
    response = post_comment(client, open_article)
    assert response["Location"] == f"{open_article.get_absolute_url()}#votre-commentaire"
    page, thanks = page_at(client, response["Location"])
    assert thanks["role"] == "status"
    assert thanks["tabindex"] == "-1"  # the script gives it the focus, for screen readers
    assert thanks.get_text().startswith("Merci\u00a0! Votre commentaire apparaîtra une fois validé")
    assert thanks.select_one(".message-success a").get_text() == "Suivre son état"
    # Right after the article, whose comments end with the form.
    assert thanks.find_previous_sibling().name == "article"
    assert thanks.find_previous("form")["class"] == ["comment-form", "needs-js"]
    assert page.select(".messages") == [thanks]
    assert page_at(client, response["Location"])[1] is None  # said once


def test_a_comment_refused_as_spam_or_on_a_closed_article_is_said_beside_the_form(
    client, open_article
):
    BannedWord.objects.create(word="casino", level=BannedWord.Level.BANNED)
    spam = post_comment(client, open_article, text="Gagnez au Casino en ligne !")
    assert spam["Location"] == f"{open_article.get_absolute_url()}#votre-commentaire"
    _, said = page_at(client, spam["Location"])
    assert "ne sera pas publié" in said.select_one(".message-error").get_text()

    open_article.is_open_for_comments = False
    open_article.save(update_fields=["is_open_for_comments"])
    closed = post_comment(client, open_article, address="198.51.100.4")
    assert closed["Location"] == f"{open_article.get_absolute_url()}#votre-commentaire"
    _, said = page_at(client, closed["Location"])
    assert said.get_text() == "Les commentaires sont fermés sur cet article."


def test_a_reports_acknowledgement_points_at_the_comment_reported(
    client, open_article, published_comment
):
    response = report(client, published_comment, "198.51.100.1", reason="off_topic")
    pk = published_comment.pk
    assert response["Location"] == f"{open_article.get_absolute_url()}#signalement-{pk}"
    page, thanks = page_at(client, response["Location"])
    assert thanks["role"] == "status"
    assert thanks["data-beside"] == f"commentaire-{pk}"  # the script moves it there
    assert thanks.get_text() == "Merci\u00a0: les modérateurs vont examiner ce commentaire."
    assert page.select_one(f"#commentaire-{pk}") is not None
    assert page.select(".messages") == [thanks]

    again = report(client, published_comment, "198.51.100.1")
    assert page_at(client, again["Location"])[1].select_one(".message-info").get_text() == (
        "Vous avez déjà signalé ce commentaire\u00a0; merci."
    )


def test_a_report_without_a_reason_says_so_beside_the_comment(client, published_comment):
    response = report(client, published_comment, "198.51.100.2", reason="")
    assert response["Location"].endswith(f"#signalement-{published_comment.pk}")
    _, said = page_at(client, response["Location"])
    assert said.get_text() == "Choisissez le motif de votre signalement."
    assert not published_comment.reports.exists()


def test_other_messages_stay_at_the_top_of_the_page(client, open_article, rf):
    storage = CookieStorage(rf.get("/"))
    storage.add(constants.INFO, "Une annonce pour toute la page.")
    carrier = HttpResponse()
    storage.update(carrier)  # as a redirect would set it
    client.cookies.update(carrier.cookies)
    page = BeautifulSoup(client.get(open_article.get_absolute_url()).content, "html.parser")
    top = page.select_one("body > .wrap.messages")
    assert top["role"] == "status"
    assert top.get_text() == "Une annonce pour toute la page."


def test_the_page_with_a_thank_you_is_made_of_the_kept_parts_and_never_kept_itself(
    client, open_article, settings
):
    settings.PAGE_CACHE_SECONDS = 300
    settings.FRAGMENT_CACHE_SECONDS = 86400
    url = open_article.get_absolute_url()
    response = post_comment(client, open_article)
    Client().get(url)  # another reader: the page and its parts are made and kept
    with CaptureQueriesContext(connection) as captured:
        thanked = client.get(url)
    assert [query["sql"] for query in captured] == []  # the reader's message needs none
    assert "X-Page-Cache" not in thanked  # a reader with a message is never served the cache…
    assert "Merci\u00a0!" in thanked.content.decode()
    other = Client().get(url)
    assert other["X-Page-Cache"] == "hit"  # …nor is their page kept for others
    assert "Merci\u00a0!" not in other.content.decode()
    assert response.status_code == 302

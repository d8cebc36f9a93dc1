"""Rankings: most read and most commented over a window, published articles only."""

import datetime as dt
import re

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import popularity
from articles.models import Section
from comments import moderation
from comments.models import Comment
from tests.conftest import clear_cache, make_article

pytestmark = pytest.mark.django_db


def views(article, count, hours_ago=1):
    hour = popularity.hour_of(timezone.now() - dt.timedelta(hours=hours_ago))
    popularity.add_views({(article.pk, hour): count})


def comment(article, n, status=Comment.Status.APPROVED, hours_ago=1):
    return Comment.objects.create(
        article=article,
        display_name="L",
        email="l@example.org",
        text=f"Avis {n}",
        text_hash=f"{article.pk}-{n}",
        status=status,
    )


@pytest.fixture
def three(section):
    now = timezone.now()
    return [
        make_article(
            section,
            headline=f"Article {i}",
            slug=f"a{i}",
            published_at=now - dt.timedelta(hours=10 - i),
        )
        for i in range(3)
    ]


def headlines(pairs):
    return [article.headline for article, _ in pairs]


def test_most_read_orders_by_views_in_the_window_ties_to_the_newest(three):
    old, middle, new = three
    views(old, 50, hours_ago=30)  # outside 24 hours
    views(old, 5)
    views(middle, 10)
    views(new, 10)
    assert popularity.most_read(1) == [(new, 10), (middle, 10), (old, 5)]
    assert headlines(popularity.most_read(7)) == ["Article 0", "Article 2", "Article 1"]


def test_rankings_leave_out_hidden_excluded_and_too_old_articles(three, section, settings):
    old, middle, new = three
    for article in three:
        views(article, 10)
        comment(article, 1)
    middle.is_excluded_from_rankings = True
    middle.save()
    new.is_embargoed = True
    new.save()
    assert headlines(popularity.most_read(1)) == ["Article 0"]
    assert headlines(popularity.most_commented(1)) == ["Article 0"]
    settings.RANKINGS_MAX_AGE_DAYS = 0
    old.published_at = timezone.now() - dt.timedelta(days=400)
    old.save()
    assert headlines(popularity.most_read(1)) == ["Article 0"]
    settings.RANKINGS_MAX_AGE_DAYS = 30
    assert popularity.most_read(1) == []


def test_rankings_per_section(three):
    other = Section.objects.create(name="Économie", slug="economie")
    elsewhere = make_article(other, headline="Ailleurs", slug="ailleurs")
    views(elsewhere, 100)
    views(three[0], 1)
    assert headlines(popularity.most_read(1, section=other)) == ["Ailleurs"]
    assert headlines(popularity.most_read(1, section=three[0].section)) == ["Article 0"]


def test_most_commented_moves_when_a_comment_is_approved_and_when_it_is_refused(three, editor):
    first, second, _ = three
    comment(first, 1)
    comment(first, 2)
    comment(second, 1)
    pending = [comment(second, n, status=Comment.Status.PENDING) for n in (2, 3)]
    assert headlines(popularity.most_commented(1)) == ["Article 0", "Article 1"]
    for c in pending:
        moderation.approve(c, moderator=editor)
    assert headlines(popularity.most_commented(1)) == ["Article 1", "Article 0"]
    moderation.reject(pending[0], moderator=editor, reason="off_topic")
    moderation.reject(pending[1], moderator=editor, reason="off_topic")
    assert headlines(popularity.most_commented(1)) == ["Article 0", "Article 1"]


def test_the_rankings_box_shows_both_tabs_and_is_one_cached_fragment(client, three):
    views(three[1], 3)
    comment(three[2], 1)
    with CaptureQueriesContext(connection) as cold:
        html = client.get("/").content.decode()
    assert "Sujets les + lus" in html and "Sujets les + commentés" in html
    assert 'id="plus-lus"' in html and 'id="plus-commentes"' in html
    with CaptureQueriesContext(connection) as warm:
        assert client.get("/").content.decode() == html
    assert len(cold) - len(warm) == 3  # the box's queries, saved by its cached fragment
    clear_cache()
    with CaptureQueriesContext(connection) as again:
        client.get("/")
    assert len(again) == len(cold)


def test_rankings_page_switches_windows_and_sections(client, three):
    views(three[0], 3, hours_ago=72)
    day = client.get("/classements/")
    assert "Article 0" not in day.content.decode()
    week = client.get("/classements/", {"fenetre": "7j"})
    assert "Article 0" in week.content.decode()
    assert 'aria-current="page">7 derniers jours' in week.content.decode()
    assert client.get("/classements/", {"fenetre": "nimporte"}).status_code == 200
    assert client.get("/classements/", {"rubrique": "inconnue"}).status_code == 404


def test_ranking_queries_are_bounded_whatever_the_data(client, section, django_assert_num_queries):
    articles = [make_article(section, headline=f"A{i}", slug=f"s{i}") for i in range(40)]
    for i, article in enumerate(articles):
        for hours_ago in range(1, 48, 6):
            views(article, i + 1, hours_ago=hours_ago)
        comment(article, i)
    with django_assert_num_queries(3):
        assert len(popularity.most_read(7, limit=20)) == 20
        assert len(popularity.most_commented(7, limit=20)) == 20


def test_counts_are_grouped_the_french_way(client, three, settings):
    views(three[0], 2246)
    views(three[1], 1)
    html = client.get("/classements/").content.decode()
    assert "2\u00a0246 vues" in html  # a non-breaking space, as French typography has it
    assert "1 vue<" in html
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "2,246 views" in client.get("/classements/").content.decode()


def rankings_box(html):
    return BeautifulSoup(html, "html.parser").select_one("aside.rankings")


def lines(items):
    """Return each element's text as a reader sees it (non-breaking spaces kept)."""
    return [re.sub(r"[ \t\n]+", " ", item.get_text()).strip() for item in items]


def test_without_script_the_article_page_shows_both_rankings_one_under_the_other(client, three):
    first, second, third = three
    views(first, 2246)
    views(second, 3)
    comment(third, 1)
    box = rankings_box(client.get(third.get_absolute_url()).content.decode())
    # The tabs are made by script; the page itself has both lists, each under its heading.
    assert box.select_one("[role=tab], [hidden]") is None
    most_read, most_commented = box.select(".ranking")
    assert most_read.select_one("h3").get_text() == "Sujets les + lus"
    assert lines(most_read.select("ol > li")) == [
        "Article 0 2\u00a0246 vues",  # grouped the French way
        "Article 1 3 vues",
    ]
    assert most_read.select_one("li a")["href"] == first.get_absolute_url()
    assert most_commented.select_one("h3").get_text() == "Sujets les + commentés"
    assert lines(most_commented.select("ol > li")) == ["Article 2 1 commentaire"]
    assert box.select_one(".rankings-more a")["href"] == "/classements/"


def test_an_empty_ranking_says_so_instead_of_an_empty_list(client, three):
    box = rankings_box(client.get(three[0].get_absolute_url()).content.decode())
    assert box.select(".ranking ol") == []
    assert [p.get_text() for p in box.select(".ranking-empty")] == [
        "Pas encore assez de lecteurs.",
        "Pas encore de commentaire.",
    ]


def test_a_section_page_shows_the_sections_own_rankings_with_a_link_to_them(
    client, three, django_assert_num_queries
):
    other = Section.objects.create(name="Économie", slug="economie")
    elsewhere = make_article(other, headline="Ailleurs", slug="ailleurs")
    views(elsewhere, 1000)
    views(three[0], 2)
    comment(elsewhere, 1)
    comment(three[1], 1)
    url = three[0].section.get_absolute_url()
    # The section, its articles' count and page, the menu; then the box's three queries (most
    # read, its articles, most commented), kept RANKINGS_CACHE_SECONDS once made.
    with django_assert_num_queries(7):
        html = client.get(url).content.decode()
    box = rankings_box(html)
    assert [a.get_text() for a in box.select("#plus-lus li a")] == ["Article 0"]
    assert [a.get_text() for a in box.select("#plus-commentes li a")] == ["Article 1"]
    assert "Ailleurs" not in box.get_text()
    more = box.select_one(".rankings-more a")
    assert (more["href"], more.get_text()) == (
        "/classements/?rubrique=numerique",
        "Tous les classements de la rubrique Numérique",
    )
    with django_assert_num_queries(4):  # the box kept: the page's queries before it had one
        assert client.get(url).content.decode() == html
    economy = rankings_box(client.get(other.get_absolute_url()).content.decode())
    assert [a.get_text() for a in economy.select(".ranking li a")] == ["Ailleurs", "Ailleurs"]
    # The full rankings of the section, which the box links to, list the section's alone.
    full = client.get(more["href"]).content.decode()
    assert "Article 0" in full and "Ailleurs" not in full

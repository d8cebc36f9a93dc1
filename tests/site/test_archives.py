"""The archives cover the months from the first publication to this one, with an index of them."""

import datetime as dt

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse

from articles.models import Article
from tests.conftest import make_article

pytestmark = pytest.mark.django_db

PARIS = dt.timezone(dt.timedelta(hours=1))  # winter time, as all the dates below
# Today, for every test here: the archives end with January 2016.
TODAY = dt.datetime(2016, 1, 20, 12, 0, tzinfo=PARIS)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY):  # ticking: the page cache's versions are times
        yield


@pytest.fixture
def archives(section):
    """Articles from March 2014 to January 2016, one of them late on a 31 December in Paris."""
    made = {}
    for slug, when in [
        ("mars-2014", dt.datetime(2014, 3, 10, 9, 0, tzinfo=PARIS)),
        ("mai-2015-a", dt.datetime(2015, 5, 25, 19, 26, tzinfo=PARIS)),
        ("mai-2015-b", dt.datetime(2015, 5, 27, 8, 0, tzinfo=PARIS)),
        # Already 2016 in Paris, still 2015 in UTC (23:30).
        ("nouvel-an", dt.datetime(2016, 1, 1, 0, 30, tzinfo=PARIS)),
        ("janvier-2016", dt.datetime(2016, 1, 15, 10, 0, tzinfo=PARIS)),
    ]:
        made[slug] = make_article(section, headline=f"Article {slug}", slug=slug, published_at=when)
    # Never counted: a draft, a scheduled article, one in the trash.
    make_article(section, slug="brouillon", status=Article.Status.DRAFT)
    make_article(section, slug="demain", published_at=TODAY + dt.timedelta(days=15))
    make_article(section, slug="jete", published_at=TODAY, deleted_at=TODAY)
    return made


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return BeautifulSoup(response.content, "html.parser")


@pytest.mark.parametrize(
    "url",
    [
        "/archives/2013/",  # before the first publication
        "/archives/2017/",  # after this year
        "/archives/3000/",
        "/archives/0/",
        "/archives/2014/2/",  # the month before the first publication
        "/archives/2013/12/",
        "/archives/2016/2/",  # after this month
        "/archives/2016/13/",
        "/archives/2015/0/",
        "/archives/99999/1/",
    ],
)
def test_a_period_outside_the_archives_is_not_found(client, archives, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "url", ["/archives/2014/", "/archives/2016/", "/archives/2014/3/", "/archives/2016/1/"]
)
def test_the_first_and_the_current_periods_are_in_the_archives(client, archives, url):
    assert client.get(url).status_code == 200


def test_a_month_without_article_within_the_archives_is_a_page_all_the_same(client, archives):
    html = page(client, "/archives/2014/8/").get_text()
    assert "Aucun article pour l’instant." in html


def test_without_any_published_article_there_is_no_archive_but_the_index(client, section):
    make_article(section, slug="brouillon", status=Article.Status.DRAFT)
    assert client.get("/archives/2016/").status_code == 404
    assert client.get("/archives/2016/1/").status_code == 404
    assert "Aucun article pour l’instant." in page(client, "/archives/").get_text()


def test_links_to_other_periods_never_lead_outside_the_archives(client, archives):
    first_year = page(client, "/archives/2014/")
    assert [a["href"] for a in first_year.select(".archive-nav a")] == ["/archives/2015/"]
    first_month = page(client, "/archives/2014/3/")
    assert [a["href"] for a in first_month.select(".archive-nav a")] == ["/archives/2014/4/"]
    this_month = page(client, "/archives/2016/1/")
    assert [a["href"] for a in this_month.select(".archive-nav a")] == ["/archives/2015/12/"]


def test_the_index_lists_years_and_months_with_their_counts_in_paris_time(client, archives):
    index = page(client, reverse("articles:archives"))
    assert index.h1.get_text() == "Archives"
    years = [
        " ".join(section.h2.get_text().split()) for section in index.select("section.archive-year")
    ]
    assert years == ["2016 (2 articles)", "2015 (2 articles)", "2014 (1 article)"]
    months = [
        (link["href"], " ".join(link.parent.get_text().split()))
        for link in index.select(".archive-months a")
    ]
    assert months == [
        ("/archives/2016/1/", "Janvier (2 articles)"),  # the one at 00:30 on New Year's Day
        ("/archives/2015/5/", "Mai (2 articles)"),
        ("/archives/2014/3/", "Mars (1 article)"),
    ]
    assert [a["href"] for a in index.select("h2 a")] == [
        "/archives/2016/",
        "/archives/2015/",
        "/archives/2014/",
    ]


def test_the_index_is_one_query_besides_the_menu(client, archives, django_assert_num_queries):
    with django_assert_num_queries(2):  # the months and their counts, the menu's sections
        page(client, "/archives/")


def test_the_index_kept_as_a_part_needs_no_query(
    client, archives, settings, django_assert_num_queries
):
    settings.FRAGMENT_CACHE_SECONDS = 86400
    page(client, "/archives/")
    with django_assert_num_queries(0):
        page(client, "/archives/")


def test_year_and_month_pages_keep_their_number_of_queries(
    client, archives, django_assert_num_queries
):
    # The archives' first month, the months of the year, the count, the page of articles, and
    # the menu's sections.
    with django_assert_num_queries(5):
        page(client, "/archives/2015/")
    with django_assert_num_queries(4):  # no list of months on a month's page
        page(client, "/archives/2015/5/")


def test_the_footer_and_every_period_link_to_the_index(client, archives):
    assert page(client, "/").select_one('footer a[href="/archives/"]').get_text() == "Archives"
    year = page(client, "/archives/2015/")
    assert [a["href"] for a in year.select("nav.breadcrumb a")] == ["/archives/"]
    month = page(client, "/archives/2015/5/")
    assert [a["href"] for a in month.select("nav.breadcrumb a")] == [
        "/archives/",
        "/archives/2015/",
    ]


def test_the_index_is_kept_by_the_page_cache_until_an_article_is_published(
    archives, section, settings
):
    settings.PAGE_CACHE_SECONDS = 300
    settings.FRAGMENT_CACHE_SECONDS = 86400
    first, second = Client().get("/archives/"), Client().get("/archives/")
    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    make_article(section, slug="nouveau", published_at=TODAY - dt.timedelta(hours=1))
    fresh = Client().get("/archives/")
    assert fresh["X-Page-Cache"] == "miss"
    january = BeautifulSoup(fresh.content, "html.parser").select_one(".archive-months li")
    assert " ".join(january.get_text().split()) == "Janvier (3 articles)"

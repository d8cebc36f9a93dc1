"""The desk says what readers read: counts in the list, a chart per article, today's top."""

import datetime as dt
import hashlib
import xml.etree.ElementTree as ET
import zoneinfo

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from articles import charts, popularity
from articles.models import Article, Author, Byline, DailyViews, HourlyViews
from comments.models import Comment
from tests.articles.conftest import change_url, resubmit
from tests.conftest import make_article

pytestmark = pytest.mark.django_db

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
# A Sunday morning in Paris, a fortnight before the clocks go forward (29 March 2026).
NOW = dt.datetime(2026, 3, 15, 10, 30, tzinfo=PARIS)
MIDNIGHT = dt.datetime(2026, 3, 15, tzinfo=PARIS)
LIST_URL = "/desk/articles/article/"
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def english(client):
    """Read the chart's words in the source language, whatever the catalogue holds."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def read(article, views, *, hours_ago=0, at=None):
    """Record views of an article in the hour some hours ago (or at a given time)."""
    moment = at or NOW - dt.timedelta(hours=hours_ago)
    return HourlyViews.objects.create(article=article, hour=popularity.hour_of(moment), views=views)


def comment(article, status, *, hidden=False, text=None):
    text = text or f"Un avis {status} {Comment.objects.count()}"
    return Comment.objects.create(
        article=article,
        display_name="Jeanne R.",
        email="jeanne@example.org",
        text=text,
        status=status,
        hidden_at=NOW if hidden else None,
        text_hash=hashlib.sha256(text.encode()).hexdigest(),
    )


def cells(response, column):
    """Return the list's cells of a column, top to bottom, as text."""
    soup = BeautifulSoup(response.content, "html.parser")
    for label in soup.select(".cell-label"):  # the column's name, for phones
        label.decompose()
    return [cell.get_text(strip=True) for cell in soup.select(f"#result_list td.field-{column}")]


def chart_of(markup):
    """Parse the chart as XML, which also proves it is well formed."""
    return ET.fromstring(str(markup))


def bar_heights(svg):
    return [float(rect.get("height")) for rect in svg.iter(f"{SVG}rect")]


# The article list.


def test_the_list_counts_views_over_24_hours(client, editor, section, frozen):
    article = make_article(section, headline="Lu cette semaine")
    read(article, 10, hours_ago=1)
    read(article, 5, hours_ago=23)
    read(article, 7, hours_ago=3 * 24)  # outside the window: the article's chart shows it
    make_article(section, headline="Jamais lu", slug="jamais-lu")
    client.force_login(editor)
    response = client.get(LIST_URL)
    rows = {a.headline: a for a in response.context["cl"].result_list}
    assert (rows["Lu cette semaine"].views_24h, rows["Jamais lu"].views_24h) == (15, 0)
    assert sorted(cells(response, "views_day")) == ["0", "15"]


def test_the_list_counts_only_the_comments_readers_see(client, editor, section, frozen):
    article = make_article(section)
    comment(article, Comment.Status.APPROVED)
    comment(article, Comment.Status.APPROVED)
    comment(article, Comment.Status.APPROVED, hidden=True)  # hidden after reports
    comment(article, Comment.Status.PENDING)
    comment(article, Comment.Status.REJECTED)
    comment(article, Comment.Status.SPAM)
    client.force_login(editor)
    response = client.get(LIST_URL)
    assert cells(response, "comment_count") == ["2"]


def test_the_list_sorts_by_views_and_by_comments(client, editor, section, frozen):
    quiet = make_article(section, headline="Discret", slug="discret")
    popular = make_article(section, headline="Populaire", slug="populaire")
    middling = make_article(section, headline="Moyen", slug="moyen")
    read(popular, 300, hours_ago=2)
    read(middling, 40, hours_ago=2)
    read(quiet, 900, hours_ago=5 * 24)  # read a lot, but not lately
    comment(middling, Comment.Status.APPROVED)
    client.force_login(editor)
    columns = client.get(LIST_URL).context["cl"].list_display

    def order(column, descending=True):
        sign = "-" if descending else ""
        response = client.get(LIST_URL, {"o": f"{sign}{columns.index(column)}"})
        return [a.headline for a in response.context["cl"].result_list]

    assert order("views_day") == ["Populaire", "Moyen", "Discret"]
    assert order("views_day", descending=False) == ["Discret", "Moyen", "Populaire"]
    assert order("comment_count")[0] == "Moyen"


def add_read_articles(section, count):
    """Add articles with a byline, views and comments, as the list shows them every day."""
    author = Author.objects.get_or_create(name="Agence", slug="agence", is_agency=True)[0]
    start = Article.objects.count()
    for index in range(start, start + count):
        article = make_article(section, headline=f"Article {index}", slug=f"article-{index}")
        Byline.objects.create(article=article, author=author)
        read(article, index + 1, hours_ago=index % 48)
        read(article, 2, hours_ago=100)
        comment(article, Comment.Status.APPROVED)
        comment(article, Comment.Status.PENDING)


def list_queries(client):
    """Return the SQL statements of the article list, checking it lists every article."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST_URL)
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == Article.objects.count()
    return queries.captured_queries


def test_the_list_runs_the_same_queries_for_1_or_30_articles(client, editor, section, frozen):
    client.force_login(editor)
    add_read_articles(section, 1)
    one = list_queries(client)
    add_read_articles(section, 29)
    thirty = list_queries(client)
    assert len(thirty) == len(one), "\n".join(q["sql"] for q in thirty)


# The article's chart.


def test_views_per_day_add_local_days_and_rolled_up_days(section, frozen):
    article = make_article(section)
    today = NOW.date()
    read(article, 4, at=dt.datetime(2026, 3, 15, 0, 30, tzinfo=PARIS))  # 23:30 UTC the day before
    read(article, 6, at=dt.datetime(2026, 3, 14, 23, 30, tzinfo=PARIS))
    read(article, 1, at=dt.datetime(2026, 2, 14, 0, 30, tzinfo=PARIS))  # the first day
    read(article, 2, at=dt.datetime(2026, 2, 13, 23, 30, tzinfo=PARIS))  # the day before: too old
    DailyViews.objects.create(article=article, day=dt.date(2026, 2, 20), views=50)
    DailyViews.objects.create(article=article, day=dt.date(2026, 2, 13), views=99)  # too old
    read(article, 3, at=dt.datetime(2026, 2, 20, 22, 0, tzinfo=PARIS))  # not rolled up yet

    series = charts.views_per_day(article)

    assert len(series) == 30
    assert series[0] == (today - dt.timedelta(days=29), 1)
    assert series[-1] == (today, 4)
    per_day = dict(series)
    assert per_day[dt.date(2026, 3, 14)] == 6
    assert per_day[dt.date(2026, 2, 20)] == 53
    assert sum(per_day.values()) == 64


def test_views_per_day_follow_paris_days_across_the_clock_change(section):
    article = make_article(section)
    with time_machine.travel(dt.datetime(2026, 4, 5, 12, 0, tzinfo=PARIS), tick=False):
        read(article, 2, at=dt.datetime(2026, 3, 29, 0, 30, tzinfo=PARIS))  # UTC+1: 23:30 UTC
        read(article, 3, at=dt.datetime(2026, 3, 30, 0, 30, tzinfo=PARIS))  # UTC+2: 22:30 UTC
        read(article, 5, at=dt.datetime(2026, 3, 29, 23, 30, tzinfo=PARIS))
        per_day = dict(charts.views_per_day(article))
    assert per_day[dt.date(2026, 3, 28)] == 0
    assert per_day[dt.date(2026, 3, 29)] == 7
    assert per_day[dt.date(2026, 3, 30)] == 3


def test_the_chart_draws_30_bars_in_proportion(section, frozen):
    first = dt.date(2026, 2, 14)
    series = [(first + dt.timedelta(days=n), n * 10) for n in range(30)]
    svg = chart_of(charts.views_chart(series, headline="Un titre"))
    heights = bar_heights(svg)
    assert len(heights) == 30
    assert heights[0] == 0
    tallest = heights[-1]
    assert tallest == charts.PLOT_HEIGHT
    for (_, views), height in zip(series, heights, strict=True):
        assert height == pytest.approx(tallest * views / 290, abs=0.01)
    bottoms = {float(r.get("y")) + float(r.get("height")) for r in svg.iter(f"{SVG}rect")}
    assert bottoms == {charts.PLOT_BOTTOM}


def test_the_chart_says_what_it_shows_to_screen_readers(section, frozen, english):
    first = dt.date(2026, 2, 14)
    series = [(first + dt.timedelta(days=n), 0) for n in range(30)]
    series[10] = (series[10][0], 1234)
    series[20] = (series[20][0], 66)
    svg = chart_of(charts.views_chart(series, headline="Un titre"))
    assert svg.get("role") == "img"
    title_id, desc_id = svg.get("aria-labelledby").split()
    title = svg.find(f"{SVG}title")
    desc = svg.find(f"{SVG}desc")
    assert (title.get("id"), desc.get("id")) == (title_id, desc_id)
    assert title.text == "1,300 views over 30 days"
    assert desc.text == (
        "Views per day of “Un titre”, from February 14 to March 15. "
        "Busiest day: February 24, 1,234 views."
    )
    labels = [text.text for text in svg.iter(f"{SVG}text")]
    assert labels[0] == title.text  # the visible title
    assert {"February 14", "March 15", "1,234"} <= set(labels)  # first and last day, most views


def test_the_chart_speaks_french_with_french_dates_and_numbers(section, frozen):
    first = dt.date(2026, 2, 14)
    series = [(first + dt.timedelta(days=n), 0) for n in range(30)]
    series[10] = (series[10][0], 1234)
    with translation.override("fr"):
        svg = chart_of(charts.views_chart(series, headline="Un titre"))
    labels = [text.text for text in svg.iter(f"{SVG}text")]
    assert {"14\u00a0février", "15\u00a0mars", "1\u00a0234"} <= set(labels)


def test_a_chart_without_views_draws_flat_bars(section, frozen, english):
    first = dt.date(2026, 2, 14)
    series = [(first + dt.timedelta(days=n), 0) for n in range(30)]
    svg = chart_of(charts.views_chart(series, headline="Personne"))
    assert bar_heights(svg) == [0] * 30
    assert svg.find(f"{SVG}title").text == "0 views over 30 days"


def test_the_chart_escapes_the_headline(section, frozen):
    first = dt.date(2026, 2, 14)
    series = [(first + dt.timedelta(days=n), n) for n in range(30)]
    headline = '</desc><script>alert("x")</script><foreignObject onload="alert(1)"> & co'
    markup = str(charts.views_chart(series, headline=headline))
    assert "<script" not in markup
    assert "<foreignObject" not in markup
    svg = chart_of(markup)
    assert headline in svg.find(f"{SVG}desc").text
    assert [element.tag for element in svg.iter() if "script" in element.tag.lower()] == []


def test_the_change_page_shows_the_article_chart(client, editor, section, frozen, english):
    article = make_article(section, headline="Lu <b>très</b> lu")
    read(article, 8, hours_ago=2)
    read(article, 2, hours_ago=3 * 24)
    client.force_login(editor)
    response = client.get(change_url(article))
    soup = BeautifulSoup(response.content, "html.parser")
    svg = soup.select_one(".views-module svg")
    assert len(svg.find_all("rect")) == 30
    heights = [float(rect["height"]) for rect in svg.find_all("rect")]
    assert heights[-1] == charts.PLOT_HEIGHT
    assert heights[-4] == pytest.approx(charts.PLOT_HEIGHT / 4, abs=0.01)
    assert svg.find("title").get_text() == "10 views over 30 days"
    assert svg.find("b") is None  # the headline stays text
    assert "css/desk.css" in response.content.decode()


def test_the_add_page_has_no_chart(client, journalist):
    client.force_login(journalist)
    response = client.get("/desk/articles/article/add/")
    assert response.status_code == 200
    assert BeautifulSoup(response.content, "html.parser").select_one(".views-module") is None


# Keeping an article out of the rankings.


def test_an_editor_keeps_an_article_out_of_the_rankings_and_back(client, editor, article):
    client.force_login(editor)
    form = client.get(change_url(article))
    assert 'name="is_excluded_from_rankings"' in form.content.decode()
    response = client.post(change_url(article), resubmit(form, is_excluded_from_rankings="on"))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.is_excluded_from_rankings

    form = client.get(change_url(article))
    data = resubmit(form)
    del data["is_excluded_from_rankings"]
    assert client.post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    assert not article.is_excluded_from_rankings


def test_an_article_kept_out_leaves_the_cached_rankings_at_once(client, editor, article, settings):
    settings.PAGE_CACHE_SECONDS = 300
    read(article, 30, at=dt.datetime.now(dt.UTC))
    reader = Client()
    assert article.headline in reader.get("/classements/").content.decode()
    assert reader.get("/classements/")["X-Page-Cache"] == "hit"
    client.force_login(editor)
    form = client.get(change_url(article))
    client.post(change_url(article), resubmit(form, is_excluded_from_rankings="on"))
    assert article.headline not in reader.get("/classements/").content.decode()


# Today's top on the desk's front page.


@pytest.fixture
def todays_reading(section, frozen):
    """Articles read this morning, last night, or not publicly."""
    morning = make_article(section, headline="Lu ce matin", slug="matin")
    read(morning, 12, at=NOW.replace(hour=8))
    read(morning, 3, at=MIDNIGHT + dt.timedelta(minutes=5))
    read(morning, 500, at=MIDNIGHT - dt.timedelta(minutes=5))
    night = make_article(section, headline="Lu hier soir", slug="soir")
    read(night, 900, at=MIDNIGHT - dt.timedelta(hours=2))
    obituary = make_article(
        section, headline="Disparition d’un maire", slug="maire", is_excluded_from_rankings=True
    )
    read(obituary, 7, hours_ago=1)
    withdrawn = make_article(
        section, headline="Retiré du site", slug="retire", status=Article.Status.UNPUBLISHED
    )
    read(withdrawn, 80, hours_ago=1)
    for index in range(6):
        other = make_article(section, headline=f"Brève {index}", slug=f"breve-{index}")
        read(other, 1, hours_ago=1)
    return morning, obituary


def todays_top(response):
    soup = BeautifulSoup(response.content, "html.parser")
    section = soup.select_one("#todays-top")
    if section is None:
        return None
    return [
        (item.a.get_text(), item.span.get_text(" ", strip=True))
        for item in section.select("li")
        if item.a
    ]


def test_the_editor_desk_lists_todays_most_read_articles(client, editor, todays_reading):
    client.force_login(editor)
    top = todays_top(client.get("/desk/"))
    assert len(top) == 5
    assert top[0] == ("Lu ce matin", "15 vues · Numérique")
    assert top[1] == ("Disparition d’un maire", "7 vues · Numérique · exclu des classements")
    assert [headline for headline, _ in top[2:]] == ["Brève 5", "Brève 4", "Brève 3"]


def test_the_journalist_desk_has_no_top(client, journalist, todays_reading):
    client.force_login(journalist)
    response = client.get("/desk/")
    assert response.status_code == 200
    assert todays_top(response) is None


def test_a_quiet_morning_says_nothing_was_read(client, editor, section, frozen):
    article = make_article(section)
    read(article, 40, at=MIDNIGHT - dt.timedelta(minutes=1))
    client.force_login(editor)
    assert todays_top(client.get("/desk/")) == []  # the box is there, with its empty line

"""La une: editors choose what leads the home page and in which order; pins expire on time."""

import datetime as dt
import re
import time

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Section
from tests.articles.conftest import resubmit
from tests.conftest import make_article

pytestmark = pytest.mark.django_db

HOME = "/"


def headlines(html):
    """Return the headlines of the home page's stories, in the order a reader meets them."""
    return re.findall(r'<h[23][^>]*>\s*<a href="/articles/[^"]+">([^<]+)</a>', html)


def pin(article, position, until=None):
    article.pinned_position, article.pinned_until = position, until
    article.pinned_at = timezone.now()
    article.save()


@pytest.fixture
def stories(section):
    """Ten published stories, the newest first: "Story 0" is the latest."""
    now = timezone.now()
    return [
        make_article(
            section,
            headline=f"Story {i}",
            slug=f"story-{i}",
            published_at=now - dt.timedelta(hours=i + 1),
        )
        for i in range(10)
    ]


def test_with_nothing_pinned_the_latest_story_leads(client, stories):
    html = client.get(HOME).content.decode()
    assert headlines(html)[:3] == ["Story 0", "Story 1", "Story 2"]
    assert re.search(r'class="lead-story">.*?Story 0', html, re.S)


def test_pinned_stories_lead_in_their_positions_then_the_latest_follow(client, stories):
    pin(stories[7], 1)
    pin(stories[4], 2)
    html = client.get(HOME).content.decode()
    assert headlines(html)[:4] == ["Story 7", "Story 4", "Story 0", "Story 1"]
    assert re.search(r'class="lead-story">.*?Story 7', html, re.S)


def test_of_two_stories_pinned_at_one_position_the_last_pinned_comes_first(client, stories):
    pin(stories[5], 1)
    pin(stories[6], 1)
    assert headlines(client.get(HOME).content.decode())[:3] == ["Story 6", "Story 5", "Story 0"]


def test_no_story_appears_twice_on_the_home_page(client, section):
    other = Section.objects.create(name="Économie", slug="economie", position=1)
    for i in range(15):
        make_article(section, headline=f"Numérique {i}", slug=f"n-{i}")
        make_article(other, headline=f"Économie {i}", slug=f"e-{i}")
    pin(Article.objects.get(slug="e-14"), 1)  # an old story pinned
    found = headlines(client.get(HOME).content.decode())
    assert len(found) == len(set(found)) == 1 + 4 + 8 + 2 * 4
    assert found[0] == "Économie 14"


def test_an_unpublished_or_trashed_pinned_story_never_leads(client, stories):
    pin(stories[3], 1)
    Article.objects.filter(pk=stories[3].pk).update(status=Article.Status.UNPUBLISHED)
    assert headlines(client.get(HOME).content.decode())[0] == "Story 0"


def test_a_pin_expires_at_its_time_and_the_cached_front_page_changes_then(
    client, stories, settings
):
    settings.PAGE_CACHE_SECONDS, settings.FRAGMENT_CACHE_SECONDS = 300, 86400
    pin(stories[8], 1, until=timezone.now() + dt.timedelta(seconds=2))
    assert headlines(client.get(HOME).content.decode())[0] == "Story 8"
    assert client.get(HOME)["X-Page-Cache"] == "hit"
    time.sleep(2.5)  # real time: Redis expires keys on its own clock
    response = client.get(HOME)
    assert response["X-Page-Cache"] == "miss"
    assert headlines(response.content.decode())[0] == "Story 0"
    assert Article.objects.pinned().count() == 0


def test_a_pin_counts_until_its_time_and_no_longer(stories):
    now = timezone.now()
    pin(stories[8], 1, until=now + dt.timedelta(minutes=30))
    with time_machine.travel(now + dt.timedelta(minutes=29, seconds=59), tick=False):
        assert list(Article.objects.pinned()) == [stories[8]]
    with time_machine.travel(now + dt.timedelta(minutes=30), tick=False):
        assert list(Article.objects.pinned()) == []


def test_a_pin_made_in_the_desk_changes_the_cached_front_page_at_once(
    client, editor, stories, settings
):
    settings.PAGE_CACHE_SECONDS, settings.FRAGMENT_CACHE_SECONDS = 300, 86400
    assert headlines(client.get(HOME).content.decode())[0] == "Story 0"
    desk = type(client)()
    desk.force_login(editor)
    article = stories[9]
    page = desk.get(reverse("admin:articles_article_change", args=[article.pk]))
    data = resubmit(page, pinned_position="1")
    response = desk.post(reverse("admin:articles_article_change", args=[article.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    article.refresh_from_db()
    assert article.pinned_position == 1 and article.pinned_at is not None
    assert headlines(client.get(HOME).content.decode())[0] == "Story 9"


def test_a_journalist_cannot_pin_a_story(client, journalist, section):
    article = make_article(section, status=Article.Status.DRAFT, created_by=journalist)
    client.force_login(journalist)
    url = reverse("admin:articles_article_change", args=[article.pk])
    page = client.get(url)
    assert 'name="pinned_position"' not in page.content.decode()
    client.post(url, resubmit(page, pinned_position="1"))
    article.refresh_from_db()
    assert article.pinned_position is None


def test_a_pin_until_a_past_time_is_refused_with_a_clear_error(client, editor, stories):
    client.force_login(editor)
    url = reverse("admin:articles_article_change", args=[stories[0].pk])
    past = timezone.localtime() - dt.timedelta(hours=1)
    data = resubmit(
        client.get(url),
        pinned_position="1",
        pinned_until_0=past.strftime("%d/%m/%Y"),
        pinned_until_1=past.strftime("%H:%M"),
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Choisissez une heure à venir" in response.content.decode()
    stories[0].refresh_from_db()
    assert stories[0].pinned_position is None


def test_the_desk_previews_the_front_page_at_a_time_to_come(client, editor, stories, section):
    now = timezone.now()
    pin(stories[5], 1, until=now + dt.timedelta(hours=2))
    make_article(
        section, headline="Demain matin", slug="demain", published_at=now + dt.timedelta(hours=3)
    )
    client.force_login(editor)
    url = reverse("articles:front_page_preview")
    assert headlines(client.get(url).content.decode())[0] == "Story 5"
    later = timezone.localtime(now + dt.timedelta(hours=4)).strftime("%Y-%m-%dT%H:%M")
    response = client.get(url, {"at": later})
    html = response.content.decode()
    assert headlines(html)[0] == "Demain matin"  # scheduled by then; the pin expired
    assert "Aperçu\u00a0: la une telle que les lecteurs la verront le" in html
    assert response["Cache-Control"] == "private, no-store"
    assert '<meta name="robots" content="noindex">' in html


def test_the_preview_refuses_a_past_time_and_readers(client, editor, stories):
    url = reverse("articles:front_page_preview")
    assert client.get(url).status_code == 302  # to the desk's login
    client.force_login(editor)
    response = client.get(url, {"at": "2001-01-01T08:00"})
    assert "Choisissez une heure à venir" in response.content.decode()
    assert headlines(response.content.decode())[0] == "Story 0"


def test_the_desk_index_lists_la_une_in_order(client, editor, stories):
    pin(stories[2], 2)
    pin(stories[6], 1, until=timezone.now() + dt.timedelta(days=1))
    client.force_login(editor)
    html = client.get(reverse("admin:index")).content.decode()
    box = html[html.index('id="front-page"') :]
    assert box.index("1. Story 6") < box.index("2. Story 2")
    assert "épinglé jusqu’au" in box or "épinglé jusqu'au" in box
    assert "jusqu’à nouvel ordre" in box


def test_a_story_pinned_in_second_place_keeps_it_while_the_latest_leads(client, stories):
    pin(stories[6], 2)
    pin(stories[8], 4)
    order = headlines(client.get(HOME).content.decode())[:5]
    assert order == ["Story 0", "Story 6", "Story 1", "Story 8", "Story 2"]

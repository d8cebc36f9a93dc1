"""An article says when it was published, then, only if it changed since, when it was updated."""

import datetime as dt

import pytest
import time_machine
from bs4 import BeautifulSoup

from articles import publishing
from articles.models import Article, EditorialNote
from tests.conftest import make_article

pytestmark = pytest.mark.django_db

PUBLISHED = dt.datetime(2015, 5, 25, 17, 26, tzinfo=dt.UTC)  # 19:26 in Paris
NEXT_MORNING = dt.datetime(2015, 5, 26, 7, 40, tzinfo=dt.UTC)  # 09:40 in Paris


@pytest.fixture
def story(section):
    return make_article(section, published_at=PUBLISHED, first_published_at=PUBLISHED)


def dates_of(client, article):
    """Return the texts of the article's dates, in the order the page shows them, and its head."""
    page = BeautifulSoup(client.get(article.get_absolute_url()).content, "html.parser")
    times = [" ".join(time.get_text().split()) for time in page.select("p.dates time")]
    return times, page.head


def note(article, kind, at):
    return EditorialNote.objects.create(
        article=article, kind=kind, text="Précision.", created_at=at
    )


@pytest.mark.parametrize(
    "kind",
    [
        EditorialNote.Kind.CORRECTION,
        EditorialNote.Kind.CLARIFICATION,
        EditorialNote.Kind.UPDATE,
    ],
)
def test_a_correction_after_publication_shows_the_update_after_the_publication(client, story, kind):
    note(story, kind, NEXT_MORNING)
    times, head = dates_of(client, story)
    assert times == ["Publié le 25/05/2015 à 19:26", "Mis à jour le 26/05/2015 à 09:40"]
    modified = head.select_one('meta[property="article:modified_time"]')
    assert modified["content"] == "2015-05-26T09:40:00+02:00"


def test_a_plain_editors_note_does_not_make_the_article_updated(client, story):
    note(story, EditorialNote.Kind.NOTE, NEXT_MORNING)
    times, head = dates_of(client, story)
    assert times == ["Publié le 25/05/2015 à 19:26"]
    assert head.select_one('meta[property="article:modified_time"]') is None
    assert story.revised_at is None


def test_a_correction_written_before_the_publication_is_no_update(client, section):
    """A scheduled article corrected before it went out was never seen otherwise."""
    article = make_article(section, published_at=PUBLISHED)
    note(article, EditorialNote.Kind.CORRECTION, PUBLISHED - dt.timedelta(hours=2))
    times, _ = dates_of(client, article)
    assert times == ["Publié le 25/05/2015 à 19:26"]


def test_the_latest_real_update_is_shown_not_a_later_plain_note(client, story):
    note(story, EditorialNote.Kind.CORRECTION, NEXT_MORNING)
    note(story, EditorialNote.Kind.NOTE, NEXT_MORNING + dt.timedelta(days=2))
    times, _ = dates_of(client, story)
    assert times == ["Publié le 25/05/2015 à 19:26", "Mis à jour le 26/05/2015 à 09:40"]


def test_a_republication_shows_the_first_publication_then_the_update(client, editor, story):
    publishing.unpublish(story, by=editor)
    with time_machine.travel(NEXT_MORNING, tick=False):
        publishing.publish(story, by=editor)
    story.refresh_from_db()
    assert story.status == Article.Status.PUBLISHED
    times, _ = dates_of(client, story)
    assert times == ["Publié le 25/05/2015 à 19:26", "Mis à jour le 26/05/2015 à 09:40"]


def test_an_article_never_changed_shows_its_publication_alone(client, story):
    times, head = dates_of(client, story)
    assert times == ["Publié le 25/05/2015 à 19:26"]
    assert head.select_one('meta[property="article:published_time"]')["content"] == (
        "2015-05-25T19:26:00+02:00"
    )

"""Whatever writes a change, the next reader sees it: no cached page or part outlives it.

Each case changes the newsroom straight through the ORM, as the shell, a script or another app
would (no desk, no `invalidate` call), with both the whole-page cache and the parts of pages
kept as in production; the next anonymous request must show the change.
"""

import pytest
from django.test import Client
from django.utils import timezone

from articles.models import Article, Author, Byline, EditorialNote, Quote, Section, Speaker
from comments.models import Comment
from tests.conftest import make_article

pytestmark = pytest.mark.django_db
Status = Article.Status


@pytest.fixture(autouse=True)
def _caches_as_in_production(settings):
    settings.PAGE_CACHE_SECONDS = 300
    settings.FRAGMENT_CACHE_SECONDS = 86400


@pytest.fixture
def story(section):
    article = make_article(section, headline="Le tramway arrive", slug="tramway")
    author = Author.objects.create(name="Léa Journaliste", slug="lea")
    Byline.objects.create(article=article, author=author)
    speaker = Speaker.objects.create(full_name="Claire Fontanel", slug="claire")
    Quote.objects.create(article=article, speaker=speaker, text="Nous y sommes.")
    return article


def page(url):
    """Return the page an anonymous reader gets: (status, text)."""
    response = Client().get(url)
    return response.status_code, response.content.decode()


def seen(story):
    """Read the pages the change must show on, so that they are cached before it."""
    for url in (story.get_absolute_url(), "/", story.section.get_absolute_url()):
        assert page(url)[0] == 200
        assert Client().get(url)["X-Page-Cache"] == "hit"


def shows(url, text):
    status, html = page(url)
    return status == 200 and text in html


ARTICLE_CHANGES = {
    "save": lambda a: (setattr(a, "headline", "Le tramway repart"), a.save()),
    "update": lambda a: Article.objects.filter(pk=a.pk).update(headline="Le tramway repart"),
    "bulk_update": lambda a: (
        setattr(a, "headline", "Le tramway repart"),
        Article.objects.bulk_update([a], ["headline"]),
    ),
}


@pytest.mark.parametrize("path", ARTICLE_CHANGES)
def test_an_article_changed_from_the_orm_shows_changed_at_once(story, path):
    seen(story)
    ARTICLE_CHANGES[path](story)
    for url in (story.get_absolute_url(), "/", story.section.get_absolute_url()):
        assert shows(url, "Le tramway repart"), (path, url)


ARTICLE_REMOVALS = {
    "unpublished by update": lambda a: Article.objects.filter(pk=a.pk).update(
        status=Status.UNPUBLISHED
    ),
    "embargoed by save": lambda a: (setattr(a, "is_embargoed", True), a.save()),
    "trashed by update": lambda a: Article.objects.filter(pk=a.pk).update(
        deleted_at=timezone.now()
    ),
    "deleted": lambda a: a.delete(),
    "deleted by queryset": lambda a: Article.all_objects.filter(pk=a.pk).delete(),
}


@pytest.mark.parametrize("path", ARTICLE_REMOVALS)
def test_an_article_taken_down_from_the_orm_is_gone_at_once(story, path):
    seen(story)
    url = story.get_absolute_url()
    ARTICLE_REMOVALS[path](story)
    assert page(url)[0] == 404, path
    assert "Le tramway arrive" not in page("/")[1], path


def test_an_article_created_in_bulk_shows_on_the_listings_at_once(story, section):
    seen(story)
    fresh = make_article(section, headline="Déjà lu", slug="deja").__dict__  # a template row
    Article.objects.bulk_create(
        [
            Article(
                section=section,
                headline="Le marché couvert rouvre",
                slug="marche",
                lede="Chapô.",
                status=Status.PUBLISHED,
                published_at=fresh["published_at"],
            )
        ]
    )
    assert shows("/", "Le marché couvert rouvre")
    assert shows(section.get_absolute_url(), "Le marché couvert rouvre")


RELATED_CHANGES = {
    "quote updated": (
        lambda a: Quote.objects.filter(article=a).update(text="Nous y voilà."),
        "Nous y voilà.",
    ),
    "quote saved": (
        lambda a: [setattr(q, "text", "Nous y voilà.") or q.save() for q in a.quotes.all()],
        "Nous y voilà.",
    ),
    "note created": (
        lambda a: EditorialNote.objects.create(article=a, text="Une date corrigée."),
        "Une date corrigée.",
    ),
    "notes created in bulk": (
        lambda a: EditorialNote.objects.bulk_create(
            [EditorialNote(article=a, text="Une date corrigée.")]
        ),
        "Une date corrigée.",
    ),
    "byline deleted": (lambda a: Byline.objects.filter(article=a).delete(), None),
}


@pytest.mark.parametrize("path", RELATED_CHANGES)
def test_a_quote_a_note_or_a_byline_changed_from_the_orm_shows_at_once(story, path):
    seen(story)
    change, text = RELATED_CHANGES[path]
    change(story)
    html = page(story.get_absolute_url())[1]
    if text:
        assert text in html, path
    else:
        assert "Léa Journaliste" not in html, path


REFERENCE_CHANGES = {
    "section": lambda a: Section.objects.filter(pk=a.section_id).update(name="Transports"),
    "author": lambda a: Author.objects.filter(slug="lea").update(name="Transports"),
    "speaker": lambda a: [
        setattr(s, "full_name", "Transports") or s.save() for s in Speaker.objects.all()
    ],
}


@pytest.mark.parametrize("path", REFERENCE_CHANGES)
def test_a_name_every_article_shows_changed_from_the_orm_shows_at_once(story, path):
    seen(story)
    REFERENCE_CHANGES[path](story)
    assert shows(story.get_absolute_url(), "Transports"), path


COMMENT_CHANGES = {
    "approved by update": lambda c: Comment.objects.filter(pk=c.pk).update(
        status=Comment.Status.APPROVED
    ),
    "approved by save": lambda c: (setattr(c, "status", Comment.Status.APPROVED), c.save()),
    "approved in bulk": lambda c: (
        setattr(c, "status", Comment.Status.APPROVED),
        Comment.objects.bulk_update([c], ["status"]),
    ),
}


@pytest.mark.parametrize("path", COMMENT_CHANGES)
def test_a_comment_approved_from_the_orm_shows_at_once(story, path):
    comment = Comment.objects.create(
        article=story, display_name="Lina", email="l@example.org", text="Enfin !", text_hash="x"
    )
    seen(story)
    COMMENT_CHANGES[path](comment)
    assert shows(story.get_absolute_url(), "Enfin !"), path
    Comment.objects.filter(pk=comment.pk).update(hidden_at=timezone.now())  # hidden after reports
    assert "Enfin !" not in page(story.get_absolute_url())[1], path

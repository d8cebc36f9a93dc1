"""A scheduled article stays out of every public query until its time, with no job to run."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from articles.models import Article, Author, Byline, Quote
from tests.conftest import make_article

pytestmark = pytest.mark.django_db
PUBLICATION = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)


def public_pages(client, article):
    """Return every public page the article could appear on."""
    text = {
        "home": "/",
        "section": article.section.get_absolute_url(),
        "tag": "/mots-cles/toulouse/",
        "author": "/auteurs/lea-journaliste/",
        "speaker": "/intervenants/claire-fontanel/",
    }
    pages = {name: client.get(url).content.decode() for name, url in text.items()}
    pages["detail"] = client.get(f"/articles/{article.slug}-{article.pk}/").status_code
    return pages


def link_everywhere(article, journalist, speaker):
    """Tag, sign and quote the article, so that it would show on every kind of public page."""
    article.tags.add("Toulouse")
    Byline.objects.create(article=article, author=Author.objects.get(user=journalist))
    Quote.objects.create(article=article, speaker=speaker, text="Annonce à venir")


def test_scheduled_article_appears_at_its_time(client, section, editor, journalist, speaker):
    from articles import publishing

    with time_machine.travel(PUBLICATION - dt.timedelta(days=1), tick=False):
        article = make_article(section, status=Article.Status.READY, headline="Annonce à venir")
        link_everywhere(article, journalist, speaker)
        article.published_at = PUBLICATION
        publishing.publish(article, by=editor)
        article.refresh_from_db()
        assert article.status == Article.Status.PUBLISHED
        assert article.published_at == PUBLICATION
        assert article.state == Article.State.SCHEDULED

    with time_machine.travel(PUBLICATION - dt.timedelta(seconds=1), tick=False):
        assert not Article.objects.published().exists()
        assert list(Article.objects.scheduled()) == [article]
        pages = public_pages(client, article)
        assert pages.pop("detail") == 404
        assert [name for name, html in pages.items() if "Annonce à venir" in html] == []

    with time_machine.travel(PUBLICATION, tick=False):
        assert list(Article.objects.published()) == [article]
        pages = public_pages(client, article)
        assert pages.pop("detail") == 200
        assert [name for name, html in pages.items() if "Annonce à venir" in html] == list(pages)


def test_embargoed_article_stays_off_the_site_even_when_due(client, section, journalist, speaker):
    article = make_article(section, is_embargoed=True, headline="Annonce à venir")
    link_everywhere(article, journalist, speaker)
    assert article.published_at < timezone.now()
    assert not Article.objects.published().exists()
    pages = public_pages(client, article)
    assert pages.pop("detail") == 404
    assert [name for name, html in pages.items() if "Annonce à venir" in html] == []


@pytest.mark.parametrize(
    "status", [Article.Status.DRAFT, Article.Status.READY, Article.Status.UNPUBLISHED]
)
def test_unpublished_states_are_not_public(client, section, status):
    article = make_article(section, status=status, headline="Pas encore")
    assert not Article.objects.published().exists()
    assert public_pages(client, article)["detail"] == 404


def test_publishing_now_sets_the_time_to_now(section, editor):
    from articles import publishing

    article = make_article(section, status=Article.Status.READY)
    with time_machine.travel(PUBLICATION, tick=False):
        publishing.publish(article, by=editor)
    assert article.published_at == PUBLICATION

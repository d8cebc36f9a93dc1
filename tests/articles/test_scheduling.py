"""A scheduled article stays out of every public query until its time, with no job to run."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from articles.models import Article
from tests.conftest import make_article

pytestmark = pytest.mark.django_db
PUBLICATION = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)


def public_pages(client, article):
    return {
        "home": client.get("/").content.decode(),
        "section": client.get(article.section.get_absolute_url()).content.decode(),
        "detail": client.get(f"/articles/{article.slug}-{article.pk}/").status_code,
    }


def test_scheduled_article_appears_at_its_time(client, section, editor):
    from articles import publishing

    with time_machine.travel(PUBLICATION - dt.timedelta(days=1), tick=False):
        article = make_article(section, status=Article.Status.READY, headline="Annonce à venir")
        article.published_at = PUBLICATION
        publishing.publish(article, by=editor)
        article.refresh_from_db()
        assert article.status == Article.Status.PUBLISHED
        assert article.published_at == PUBLICATION
        assert article.is_scheduled()

    with time_machine.travel(PUBLICATION - dt.timedelta(seconds=1), tick=False):
        assert not Article.objects.published().exists()
        assert list(Article.objects.scheduled()) == [article]
        pages = public_pages(client, article)
        assert "Annonce à venir" not in pages["home"]
        assert "Annonce à venir" not in pages["section"]
        assert pages["detail"] == 404

    with time_machine.travel(PUBLICATION, tick=False):
        assert list(Article.objects.published()) == [article]
        pages = public_pages(client, article)
        assert "Annonce à venir" in pages["home"]
        assert "Annonce à venir" in pages["section"]
        assert pages["detail"] == 200


def test_embargoed_article_stays_off_the_site_even_when_due(client, section):
    article = make_article(section, is_embargoed=True, headline="Sous embargo")
    assert article.published_at < timezone.now()
    assert not Article.objects.published().exists()
    pages = public_pages(client, article)
    assert "Sous embargo" not in pages["home"]
    assert pages["detail"] == 404


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

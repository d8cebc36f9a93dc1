"""A small newsroom whose articles each show on every kind of public page."""

import datetime as dt

import pytest
from django.utils import timezone
from django.utils.text import slugify

from articles.markers import marker
from articles.models import Article, Author, Byline, Quote, Speaker
from comments.models import Comment
from tests.conftest import make_article


def linked_article(section, author, speaker, headline, n=1, **fields):
    """Create an article tagged, signed and quoting, with n of each."""
    slug = slugify(headline)
    article = make_article(section, headline=headline, slug=slug, **fields)
    article.tags.set(["Toulouse", *(f"Mot {i}" for i in range(n - 1))])
    Byline.objects.create(article=article, author=author)
    markers = []
    for i in range(n):
        quote = Quote.objects.create(article=article, speaker=speaker, text=f"{headline} dit {i}.")
        markers.append(marker(quote.ref))
        Comment.objects.create(
            article=article,
            display_name=f"Lecteur {i}",
            email="lecteur@example.org",
            text=f"Avis numéro {i}",
            status=Comment.Status.APPROVED,
            text_hash=f"{article.pk}-{i}",
        )
    article.body += "".join(markers)  # the quotes placed at the end of the body
    article.save(update_fields=["body"])
    return article


@pytest.fixture
def newsroom(section):
    """Return a visible article and the hidden ones: draft, ready, scheduled, embargoed, …"""
    author = Author.objects.create(name="Léa Journaliste", slug="lea")
    speaker = Speaker.objects.create(full_name="Claire Fontanel", slug="claire")
    visible = linked_article(
        section, author, speaker, "Visible des lecteurs", body="<p>Le numérique régional.</p>"
    )
    hidden = {
        "draft": linked_article(
            section, author, speaker, "Brouillon caché", status=Article.Status.DRAFT
        ),
        "ready": linked_article(
            section, author, speaker, "Relecture cachée", status=Article.Status.READY
        ),
        "scheduled": linked_article(
            section,
            author,
            speaker,
            "Programmé caché",
            published_at=timezone.now() + dt.timedelta(hours=2),
        ),
        "embargoed": linked_article(section, author, speaker, "Embargo caché", is_embargoed=True),
        "unpublished": linked_article(
            section, author, speaker, "Dépublié caché", status=Article.Status.UNPUBLISHED
        ),
        "trashed": linked_article(
            section, author, speaker, "Supprimé caché", deleted_at=timezone.now()
        ),
    }
    return visible, hidden


def public_urls(visible):
    published = timezone.localtime(visible.published_at)  # the archives' months are Paris months
    year, month = published.year, published.month
    return [
        "/",
        visible.get_absolute_url(),  # its related articles
        visible.section.get_absolute_url(),
        "/mots-cles/toulouse/",
        "/auteurs/lea/",
        "/intervenants/claire/",
        f"/archives/{year}/",
        f"/archives/{year}/{month}/",
        "/flux/rss/",
        "/flux/atom/",
        f"/rubriques/{visible.section.slug}/rss/",
        f"/rubriques/{visible.section.slug}/atom/",
        "/mots-cles/toulouse/rss/",
        "/mots-cles/toulouse/atom/",
        "/sitemap.xml",
        "/sitemap-news.xml",
        "/recherche/?q=cach%C3%A9",
        "/recherche/?q=Visible",
    ]

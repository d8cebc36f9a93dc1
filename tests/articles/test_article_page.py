"""The article page: stable address, dates in French, and a fixed number of queries."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape

from articles.markers import marker
from articles.models import Author, Byline, EditorialNote, Quote, Speaker
from tests.articles.conftest import jpeg
from tests.conftest import clear_cache, make_article

pytestmark = pytest.mark.django_db


def test_old_address_redirects_permanently_after_a_slug_change(client, article):
    old = article.get_absolute_url()
    article.slug = "nouveau-titre"
    article.save()
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == f"/articles/nouveau-titre-{article.pk}/"


def test_dates_are_french_and_a_note_sets_the_updated_time(client, article):
    article.published_at = dt.datetime(2015, 5, 25, 17, 26, tzinfo=dt.UTC)  # 19:26 in Paris
    article.save()
    EditorialNote.objects.create(
        article=article,
        kind="correction",
        text="Un prénom était mal orthographié.",
        created_at=dt.datetime(2015, 5, 26, 7, 40, tzinfo=dt.UTC),
    )
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Publié le 25/05/2015 à 19:26" in html
    assert "Mis à jour le 26/05/2015 à 09:40" in html
    assert "Rectificatif" in html


def fill(article, n):
    body = []
    for i in range(n):
        speaker = Speaker.objects.create(full_name=f"Personne {i}", slug=f"p-{article.pk}-{i}")
        quote = Quote.objects.create(article=article, speaker=speaker, text=f"Propos {i}")
        body += [f"<p>Paragraphe {i}.</p>", marker(quote.ref)]  # each quote in its place
        author = Author.objects.create(name=f"Auteur {i}", slug=f"a-{article.pk}-{i}")
        Byline.objects.create(article=article, author=author, position=i)
        EditorialNote.objects.create(article=article, text=f"Note {i}", created_at=timezone.now())
    article.tags.set([f"mot {i}" for i in range(n)])
    article.body = "".join(body)
    article.save()


def count_queries(client, url):
    clear_cache()  # the rankings box included
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_article_page_queries_do_not_grow_with_quotes_tags_authors_notes(client, section):
    small, large = make_article(section, slug="petit"), make_article(section, slug="grand")
    fill(small, 1)
    fill(large, 50)
    counts = [count_queries(client, a.get_absolute_url()) for a in (small, large)]
    # its parts not cached: the article with its body and section, bylines, quotes+speakers,
    # notes, tags, comments; related, menu sections, and the rankings box (most read, most
    # commented) when its cached fragment is cold
    assert counts == [10, 10]


def test_home_and_listing_queries_do_not_grow_with_articles(client, section):
    counts = []
    for total in (1, 50):
        while section.articles.count() < total:
            fill(make_article(section, slug=f"a{section.articles.count()}"), 2)
        for url in ("/", section.get_absolute_url()):
            counts.append((url, count_queries(client, url)))
    assert counts[:2] == counts[2:]


@pytest.mark.parametrize(
    ("credit", "shown"),
    [
        ("Jeanne Martin", "Photo\u00a0: Jeanne Martin"),
        ("Photo : AFP", "Photo : AFP"),
        ("photos Studio Midi", "photos Studio Midi"),
        ("Crédit : Ville de Rodez", "Crédit : Ville de Rodez"),
        ("© Région Occitanie", "© Région Occitanie"),
        ("Photographe anonyme", "Photo\u00a0: Photographe anonyme"),
    ],
)
def test_a_credit_that_already_says_photo_is_not_labelled_twice(client, section, credit, shown):
    article = make_article(section, lead_image_credit=credit)
    article.lead_image.save("photo.jpg", jpeg(), save=True)
    html = client.get(article.get_absolute_url()).content.decode()
    assert f'<span class="credit">{escape(shown)}</span>' in html

"""Every public page issues a fixed number of queries, with 1 or 50 articles, quotes and tags."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article, Author, Speaker
from tests.conftest import clear_cache
from tests.site.conftest import linked_article, public_urls

pytestmark = pytest.mark.django_db


def page_counts(client, urls):
    """Return the number of queries of each page, in the order of the URLs."""
    result = []
    for url in urls:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200, url
        result.append(len(captured))
    return result


def newsroom_of(section, n):
    """Replace the content by n articles, each with n quotes and n tags; return the first."""
    clear_cache()
    Article.objects.all().delete()
    Author.objects.all().delete()
    Speaker.objects.all().delete()
    author = Author.objects.create(name="Léa Journaliste", slug="lea")
    speaker = Speaker.objects.create(full_name="Claire Fontanel", slug="claire")
    articles = [
        linked_article(section, author, speaker, f"Article numéro {i} caché", n=n) for i in range(n)
    ]
    return articles[0]


def test_query_counts_do_not_grow_with_the_data(client, section):
    small = page_counts(client, public_urls(newsroom_of(section, 1)))
    large = page_counts(client, public_urls(newsroom_of(section, 50)))
    assert large == small
    assert max(small) <= 10, dict(zip(public_urls(Article.objects.first()), small, strict=True))


def test_with_the_parts_of_pages_cached_counts_stay_fixed_and_an_article_needs_none(
    client, section, settings
):
    """Parts of pages cached (as in production): a page seen before needs few queries or none."""
    settings.FRAGMENT_CACHE_SECONDS = 86400
    counts = {}
    for n in (1, 50):
        article = newsroom_of(section, n)
        urls = public_urls(article)
        page_counts(client, urls)  # renders and caches the parts
        counts[n] = page_counts(client, urls)
    assert counts[50] == counts[1]
    with CaptureQueriesContext(connection) as captured:
        assert client.get(article.get_absolute_url()).status_code == 200
    assert [query["sql"] for query in captured] == []


def test_a_listing_seen_before_reads_only_what_it_lists(client, section, settings):
    """Sections, tags, authors and speakers keep their list as a part of the page."""
    settings.FRAGMENT_CACHE_SECONDS = 86400
    newsroom_of(section, 30)
    listings = [section.get_absolute_url(), "/mots-cles/toulouse/", "/auteurs/lea/"]
    listings += ["/intervenants/claire/", f"{section.get_absolute_url()}?page=2"]
    page_counts(client, listings)
    assert page_counts(client, listings) == [1, 1, 1, 1, 1]  # the section, tag, author, speaker
    second = client.get(f"{section.get_absolute_url()}?page=2").content.decode()
    assert f'rel="canonical" href="http://testserver{section.get_absolute_url()}?page=2"' in second
    # A change shows on the next page all the same, whatever made it.
    Article.objects.filter(pk=Article.objects.first().pk).update(headline="Un titre tout neuf")
    assert "Un titre tout neuf" in client.get(section.get_absolute_url()).content.decode()

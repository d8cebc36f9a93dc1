"""Listing pages paginate safely; the home page has la une, the latest and section blocks."""

import pytest
from django.utils import timezone

from articles.models import Section
from tests.conftest import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def many(section):
    articles = [make_article(section, headline=f"Article {i}", slug=f"a-{i}") for i in range(45)]
    for article in articles:
        article.tags.add("Toulouse")
    return articles


@pytest.mark.parametrize("page", ["abc", "-1", "0", "99999", "1.5", "%00"])
def test_bad_page_numbers_give_404_never_500(client, many, section, page):
    year = timezone.localtime(many[0].published_at).year
    for url in (section.get_absolute_url(), f"/archives/{year}/", "/mots-cles/toulouse/"):
        assert client.get(url, {"page": page}).status_code == 404, url


def test_last_page_is_reachable_by_name(client, many, section):
    response = client.get(section.get_absolute_url(), {"page": "last"})
    assert response.status_code == 200
    assert response.context["page_obj"].number == 3


def test_home_shows_lead_latest_and_a_block_per_section(client, section):
    other = Section.objects.create(name="Économie", slug="economie", position=1)
    for i in range(12):  # 13 for la une and the latest news, 8 each for the blocks
        make_article(section, headline=f"Numérique {i}", slug=f"n-{i}")
        make_article(other, headline=f"Économie {i}", slug=f"e-{i}")
    response = client.get("/")
    blocks = dict(response.context["section_blocks"])
    assert [len(articles) for articles in blocks.values()] == [4, 4]
    assert list(blocks) == [section, other]
    html = response.content.decode()
    assert 'class="lead-story"' in html
    assert "Dernières nouvelles" in html


def test_month_archive_lists_the_month(client, section):
    article = make_article(section, headline="Dans les archives")
    when = timezone.localtime(article.published_at)  # the archives' months are Paris months
    response = client.get(f"/archives/{when.year}/{when.month}/")
    assert "Dans les archives" in response.content.decode()
    # Before the first article: not in the archives (tests/site/test_archives.py).
    assert client.get(f"/archives/{when.year - 5}/1/").status_code == 404

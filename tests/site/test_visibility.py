"""Articles not yet, or no longer, public are on no public page; staff preview them."""

import pytest

from tests.site.conftest import public_urls

pytestmark = pytest.mark.django_db


def test_hidden_articles_are_absent_from_every_page_feed_sitemap_and_search(client, newsroom):
    visible, hidden = newsroom
    leaks, shown = [], []
    for url in public_urls(visible):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        for article in hidden.values():
            if article.headline in html or article.get_absolute_url() in html:
                leaks.append((url, article.headline))
        if "cach" not in url and (visible.get_absolute_url() in html or visible.headline in html):
            shown.append(url)
    assert leaks == []
    # Each page would have shown an article (the visible one), so the absence means something.
    expected = [url for url in public_urls(visible) if "cach" not in url]
    expected.remove(visible.get_absolute_url())  # an article is not its own related article
    assert sorted(set(shown) - {visible.get_absolute_url()}) == sorted(expected)


@pytest.mark.parametrize(
    "state", ["draft", "ready", "scheduled", "embargoed", "unpublished", "trashed"]
)
def test_hidden_article_page_is_404_for_readers_and_shown_in_staff_preview(
    client, newsroom, editor, state
):
    article = newsroom[1][state]
    assert client.get(article.get_absolute_url()).status_code == 404
    client.force_login(editor)
    preview = client.get(f"/apercu/{article.pk}/")
    assert preview.status_code == 200
    assert article.headline in preview.content.decode()
    assert preview["X-Robots-Tag"] == "noindex"


@pytest.mark.parametrize(
    "state", ["draft", "ready", "scheduled", "embargoed", "unpublished", "trashed"]
)
@pytest.mark.parametrize("suffix", ["", "rss/", "atom/"])
def test_a_tag_used_only_on_hidden_articles_is_unknown_to_readers(client, newsroom, state, suffix):
    newsroom[1][state].tags.add("Projet secret")
    assert client.get(f"/mots-cles/projet-secret/{suffix}").status_code == 404
    newsroom[0].tags.add("Projet secret")  # once a reader can see an article with it
    assert client.get(f"/mots-cles/projet-secret/{suffix}").status_code == 200

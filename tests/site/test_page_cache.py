"""Whole pages are cached for anonymous readers, and every change is visible to the next one."""

import datetime as dt
import gzip
import time

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.utils import timezone

from articles import publishing
from articles.models import Article
from comments import moderation
from comments.models import Comment
from pagecache.invalidation import MANY_ARTICLES, invalidate
from pagecache.pages import REFRESHING, LocalPages
from tests.conftest import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 300
    settings.FRAGMENT_CACHE_SECONDS = 86400  # as in production: both layers must follow changes


def get(url, **headers):
    return Client().get(url, **headers)


def test_second_anonymous_reader_gets_the_cached_page_with_cdn_headers(article):
    first, second = get(article.get_absolute_url()), get(article.get_absolute_url())
    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    assert first.content == second.content
    assert second["Cache-Control"] == "public, max-age=0, s-maxage=60"
    assert second["X-Frame-Options"] == "DENY"
    assert second["Content-Language"] == "fr"


def test_conditional_request_answers_304(article):
    etag = get(article.get_absolute_url())["ETag"]
    response = get(article.get_absolute_url(), HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response.content == b""


def test_staff_and_readers_with_a_message_are_never_served_from_the_cache(client, editor, article):
    get(article.get_absolute_url())
    client.force_login(editor)
    assert "X-Page-Cache" not in client.get(article.get_absolute_url())
    reader = Client()
    reader.cookies["messages"] = "anything"
    assert "X-Page-Cache" not in reader.get(article.get_absolute_url())


def test_publishing_and_unpublishing_show_at_once(section, editor, article):
    home = get("/").content.decode()
    assert "Le scoop du jour" not in home
    scoop = make_article(
        section, status=Article.Status.READY, headline="Le scoop du jour", slug="scoop"
    )
    publishing.publish(scoop, by=editor)
    for url in ("/", section.get_absolute_url()):
        assert "Le scoop du jour" in get(url).content.decode()
    assert get(scoop.get_absolute_url()).status_code == 200
    publishing.unpublish(scoop, by=editor)
    assert get(scoop.get_absolute_url()).status_code == 404
    assert "Le scoop du jour" not in get("/").content.decode()


def test_approving_and_refusing_a_comment_show_at_once(article, moderator):
    comment = Comment.objects.create(
        article=article,
        display_name="Lina",
        email="l@example.org",
        text="Très juste.",
        text_hash="x",
    )
    get(article.get_absolute_url())
    moderation.approve(comment, moderator=moderator)
    page = get(article.get_absolute_url()).content.decode()
    assert "Très juste." in page and "1 commentaire" in page
    assert "Sujets les + commentés" in get("/").content.decode()
    moderation.reject(comment, moderator=moderator, reason="off_topic")
    assert "Très juste." not in get(article.get_absolute_url()).content.decode()


def test_a_scheduled_article_appears_on_time_despite_the_cache(section, editor):
    soon = make_article(
        section, status=Article.Status.READY, headline="À l’heure dite", slug="heure"
    )
    soon.published_at = timezone.now() + dt.timedelta(seconds=2)
    publishing.publish(soon, by=editor)
    assert "À l’heure dite" not in get("/").content.decode()
    assert get("/")["X-Page-Cache"] == "hit"
    time.sleep(2.5)  # real time: Redis expires keys on its own clock
    assert "À l’heure dite" in get("/").content.decode()


def test_desk_edits_and_deletions_show_at_once(client, editor, article):
    from tests.articles.conftest import change_url, resubmit

    assert get(article.get_absolute_url())["X-Page-Cache"] == "miss"
    client.force_login(editor)
    form = client.get(change_url(article))
    assert (
        client.post(change_url(article), resubmit(form, headline="Titre corrigé")).status_code
        == 302
    )
    assert "Titre corrigé" in get(article.get_absolute_url()).content.decode()
    assert "Titre corrigé" in get("/").content.decode()
    section = article.section
    response = client.post(
        f"/desk/articles/section/{section.pk}/change/",
        {"name": "Numérique et innovation", "slug": section.slug, "description": "", "position": 0},
    )
    assert response.status_code == 302
    assert "Numérique et innovation" in get("/").content.decode()
    assert "Numérique et innovation" in get(article.get_absolute_url()).content.decode()
    client.post(f"/desk/articles/article/{article.pk}/delete/", {"post": "yes"})
    assert get(article.get_absolute_url()).status_code == 404
    assert "Titre corrigé" not in get("/").content.decode()


@pytest.mark.skipif(
    connection.vendor != "postgresql" or not settings.REDIS_URL,
    reason="another process shares the data through PostgreSQL and Redis",
)
def test_a_change_made_in_one_process_shows_at_once_in_another(
    transactional_db, section, tmp_path, figures
):
    """A server process keeps versions and pages in memory; each change still shows at once.

    This process plays the desk (it changes the article and calls `changed`, as the desk does);
    the gunicorn process serves readers from its memory, which only Redis's message can correct.
    """
    from tests.comments.test_rate_limit import AppServer, server_environment

    article = make_article(section, headline="Version 0")
    server = AppServer(
        server_environment("redis", tmp_path)
        | {"PAGE_CACHE_SECONDS": "300", "FRAGMENT_CACHE_SECONDS": "86400"},
        tmp_path / "server.log",
    )
    changes, stale = 20, 0
    try:
        server.wait_until_live()
        for n in range(1, changes + 1):
            for _ in range(2):  # the second from the process's memory
                status, headers, html = server.request("GET", article.get_absolute_url())
            assert (status, headers["X-Page-Cache"]) == (200, "hit")
            assert f"Version {n - 1}" in html
            # A plain update, as a script would: it tells every process itself.
            Article.objects.filter(pk=article.pk).update(headline=f"Version {n}")
            pages = [server.request("GET", url)[2] for url in (article.get_absolute_url(), "/")]
            stale += sum(f"Version {n}" not in page for page in pages)
    finally:
        server.stop()
    figures.append(
        f"{changes} changes made in the test process, each followed at once by the article and "
        f"the home page from a gunicorn process holding them in memory: {stale} stale"
    )
    assert stale == 0


def test_a_cached_article_part_drops_the_form_when_comments_close_by_themselves(section, settings):
    """The article's own part holds the comment form: it is not kept past the closing time."""
    import time_machine

    settings.PAGE_CACHE_SECONDS = 0  # the part itself, not the whole page, is under test
    settings.COMMENTS_CLOSE_AFTER_DAYS = 30
    article = make_article(
        section, published_at=timezone.now() - dt.timedelta(days=30) + dt.timedelta(hours=1)
    )
    page = get(article.get_absolute_url()).content.decode()
    assert 'class="comments-closed"' not in page
    assert 'class="comments-closed"' not in get(article.get_absolute_url()).content.decode()
    with time_machine.travel(timezone.now() + dt.timedelta(hours=2)):
        assert 'class="comments-closed"' in get(article.get_absolute_url()).content.decode()


def test_a_host_the_site_does_not_serve_gets_400_even_when_the_page_is_cached(article):
    assert get(article.get_absolute_url())["X-Page-Cache"] == "miss"
    assert get(article.get_absolute_url())["X-Page-Cache"] == "hit"
    refused = get(article.get_absolute_url(), HTTP_HOST="evil.example")
    assert refused.status_code == 400
    assert "Requête incomprise" in refused.content.decode()
    assert get("/", HTTP_HOST="evil.example").status_code == 400


def test_each_host_gets_its_own_pages_with_its_own_addresses(article, settings):
    settings.ALLOWED_HOSTS = ["www.example.fr", "autre.example.fr"]
    first = get(article.get_absolute_url(), HTTP_HOST="www.example.fr")
    other = get(article.get_absolute_url(), HTTP_HOST="autre.example.fr")
    assert (first["X-Page-Cache"], other["X-Page-Cache"]) == ("miss", "miss")
    assert 'rel="canonical" href="http://autre.example.fr/' in other.content.decode()
    assert "www.example.fr" not in other.content.decode()


@pytest.mark.parametrize("url", ["/", "/rubriques/numerique/", "ARTICLE"])
def test_query_strings_the_page_does_not_read_make_no_new_cache_entries(article, url):
    url = article.get_absolute_url() if url == "ARTICLE" else url
    tracked = f"{url}?utm_source=lettre&utm_campaign=1"
    assert get(tracked).get("X-Page-Cache") != "hit"
    assert get(tracked).get("X-Page-Cache") != "hit"  # rendered, not kept
    plain = get(url)
    assert get(f"{url}?utm_source=lettre&utm_campaign=2")["X-Page-Cache"] == "hit"
    assert get(f"{url}?fbclid=3").content == plain.content  # the page as readers share it


def test_a_page_number_written_another_way_is_served_afresh_and_not_kept(section, article):
    for n in range(25):
        make_article(section, slug=f"a{n}")
    url = section.get_absolute_url()
    assert get(f"{url}?page=2")["X-Page-Cache"] == "miss"
    assert get(f"{url}?page=2")["X-Page-Cache"] == "hit"
    for other in ("002", "2&page=2", "02"):
        response = get(f"{url}?page={other}")
        assert "X-Page-Cache" not in response, other


def test_each_process_keeps_pages_up_to_its_size_in_bytes_the_latest_read_first():
    pages = LocalPages(max_bytes=100)
    entry = {"version": 1, "expires": time.time() + 60}
    for key, size in (("a", 40), ("b", 40), ("c", 10)):
        pages.put(key, entry | {"gzip": b"x" * size})
    assert pages.get("a", 1) is not None  # read last: kept before b
    pages.put("d", entry | {"gzip": b"x" * 40})
    assert [key for key in "abcd" if pages.get(key, 1)] == ["a", "c", "d"]
    assert pages.bytes == 90
    pages.put("huge", entry | {"gzip": b"x" * 101})  # larger than the whole: not kept
    pages.put("a", entry | {"gzip": b"x" * 5})  # a new version of a page replaces it
    assert pages.get("huge", 1) is None and pages.bytes == 55
    assert pages.get("a", 2) is None  # made under other versions: not served


def test_browsers_get_the_page_compressed_and_others_as_it_is(article):
    url = article.get_absolute_url()
    plain = get(url)
    compressed = get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br, zstd")
    assert compressed["X-Page-Cache"] == "hit" and compressed["Content-Encoding"] == "gzip"
    assert "Content-Encoding" not in plain
    assert gzip.decompress(compressed.content) == plain.content
    assert int(compressed["Content-Length"]) == len(compressed.content) < len(plain.content) / 2
    assert compressed["Vary"] == plain["Vary"] == "Cookie, Accept-Encoding"
    # Each form has its own tag: a browser revalidating the compressed page gets its 304.
    assert compressed["ETag"] != plain["ETag"]
    again = get(url, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=compressed["ETag"])
    assert again.status_code == 304
    assert get(url, HTTP_IF_NONE_MATCH=compressed["ETag"]).status_code == 200


def _rename(section, name):
    section.name = name
    section.save()


def test_after_a_rename_readers_get_the_previous_page_while_another_process_makes_it(article):
    """No storm: every article page went stale at once, one process at a time makes one again."""
    url = article.get_absolute_url()
    assert get(url)["X-Page-Cache"] == "miss"
    _rename(article.section, "Numérique et innovation")
    assert cache.add(REFRESHING, "another process", timeout=60)
    stale = get(url)
    assert stale["X-Page-Cache"] == "stale"
    assert "Numérique et innovation" not in stale.content.decode()
    cache.delete(REFRESHING)  # that process is done: this reader makes the page again
    fresh = get(url)
    assert fresh["X-Page-Cache"] == "miss"
    assert "Numérique et innovation" in fresh.content.decode()
    assert get(url)["X-Page-Cache"] == "hit"
    assert cache.get(REFRESHING) is None  # given back


def test_the_right_to_make_a_page_again_is_given_back_when_the_view_fails(article, monkeypatch):
    url = article.get_absolute_url()
    get(url)
    _rename(article.section, "Numérique et innovation")
    monkeypatch.setattr(
        "articles.views.ArticleDetailView.get", lambda *args, **kwargs: 1 / 0, raising=True
    )
    with pytest.raises(ZeroDivisionError):
        get(url)
    assert cache.get(REFRESHING) is None


@pytest.mark.parametrize("change", ["unpublished", "edited", "many articles changed"])
def test_a_page_whose_own_content_changed_is_never_served_stale(article, editor, change):
    url = article.get_absolute_url()
    assert get(url)["X-Page-Cache"] == "miss"
    cache.add(REFRESHING, "another process", timeout=60)
    if change == "unpublished":
        publishing.unpublish(article, by=editor)
        assert get(url).status_code == 404
        return
    if change == "edited":
        Article.objects.filter(pk=article.pk).update(headline="Titre corrigé")
    else:  # beyond MANY_ARTICLES, every article page is refreshed rather than each
        with connection.cursor() as cursor:  # as part of one change to many articles
            cursor.execute(
                "UPDATE articles_article SET headline = %s WHERE id = %s",
                ["Titre corrigé", article.pk],
            )
        invalidate(articles=[article.pk, *range(-MANY_ARTICLES, 0)])
    page = get(url)
    assert page["X-Page-Cache"] == "miss"
    assert "Titre corrigé" in page.content.decode()


def test_listings_are_never_served_stale(article):
    assert get("/")["X-Page-Cache"] == "miss"
    cache.add(REFRESHING, "another process", timeout=60)
    _rename(article.section, "Numérique et innovation")
    home = get("/")
    assert home["X-Page-Cache"] == "miss"
    assert "Numérique et innovation" in home.content.decode()

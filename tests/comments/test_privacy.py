"""The commenter's email appears in no public response, and no address is ever stored."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone

from comments import moderation
from comments.models import Comment
from comments.views import status_url
from tests.comments.conftest import READER_ADDRESS, post_comment

pytestmark = pytest.mark.django_db
EMAIL = "jeanne.secret@example.org"


@pytest.fixture
def published_comment(client, open_article, moderator):
    post_comment(client, open_article, email=EMAIL)
    comment = Comment.objects.get()
    moderation.approve(comment, moderator=moderator)
    return comment


def public_responses(client, comment):
    article = comment.article
    urls = [
        article.get_absolute_url(),
        "/",
        article.section.get_absolute_url(),
        "/flux/rss/",
        "/flux/atom/",
        f"/rubriques/{article.section.slug}/rss/",
        "/sitemap.xml",
        "/sitemap-news.xml",
        "/recherche/?q=bonne+nouvelle",
        status_url(comment),
    ]
    return {url: client.get(url) for url in urls}


def test_email_is_absent_from_every_public_response(client, published_comment):
    responses = public_responses(client, published_comment)
    assert all(r.status_code == 200 for r in responses.values())
    leaks = [url for url, r in responses.items() if EMAIL.encode() in r.content]
    assert leaks == []
    page = responses[published_comment.article.get_absolute_url()].content.decode()
    assert "Jeanne R." in page  # the comment itself is there


def test_email_is_absent_from_the_cache(client, published_comment, settings):
    public_responses(client, published_comment)
    backend = cache._cache if hasattr(cache, "_cache") else None
    if isinstance(backend, dict):  # local memory
        assert not any(EMAIL.encode() in repr(value).encode() for value in backend.values())
    else:  # Redis
        keys = cache._cache.get_client().keys("*")
        values = [cache._cache.get_client().get(key) or b"" for key in keys]
        assert not any(EMAIL.encode() in value for value in values)


def test_only_a_salted_hash_of_the_address_is_stored(published_comment):
    assert READER_ADDRESS not in published_comment.visitor_hash
    assert len(published_comment.visitor_hash) == 64
    stored = " ".join(str(v) for v in Comment.objects.values().get().values())
    assert READER_ADDRESS not in stored


def test_status_page_shows_the_state_and_never_the_email(client, open_article, moderator):
    post_comment(client, open_article, email=EMAIL)
    comment = Comment.objects.get()
    url = status_url(comment)
    page = client.get(url)
    assert "En attente de validation" in page.content.decode()
    assert page["Cache-Control"] == "private, no-store"
    moderation.reject(comment, moderator=moderator, reason="off_topic")
    html = client.get(url).content.decode()
    assert "Non publié" in html and "Hors sujet" in html
    assert EMAIL not in html
    assert client.get(url[:-5] + "xxxx/").status_code == 404  # a forged link


def test_purge_erases_old_request_metadata_only(client, open_article, capsys):
    post_comment(client, open_article, text="Ancien commentaire.")
    post_comment(client, open_article, text="Commentaire récent.", address="198.51.100.4")
    old = Comment.objects.get(text="Ancien commentaire.")
    Comment.objects.filter(pk=old.pk).update(submitted_at=timezone.now() - dt.timedelta(days=91))
    call_command("purge_comment_metadata")
    old.refresh_from_db()
    recent = Comment.objects.get(text="Commentaire récent.")
    assert (old.visitor_hash, old.user_agent) == ("", "")
    assert recent.visitor_hash
    assert "1 comment(s)" in capsys.readouterr().out

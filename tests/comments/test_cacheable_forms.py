"""Pages carry no per-reader token, so they can be cached; forms stay protected by CSRF."""

import pytest
from bs4 import BeautifulSoup
from django.test import Client

from comments import moderation
from comments.models import Comment, Report
from tests.comments.conftest import comment_data, post_comment

pytestmark = pytest.mark.django_db


def test_two_anonymous_readers_get_the_same_bytes(open_article, moderator):
    post_comment(Client(), open_article)
    moderation.approve(Comment.objects.get(), moderator=moderator)
    first = Client().get(open_article.get_absolute_url())
    second = Client().get(open_article.get_absolute_url())
    assert first.content == second.content
    assert "csrftoken" not in first.cookies
    page = BeautifulSoup(first.content, "html.parser")
    assert page.select_one("form.comment-form input[name=csrfmiddlewaretoken]")["value"] == ""
    assert page.select_one("form.comment-form input[name=issued]")["value"] == ""


def test_a_post_without_the_token_is_refused(open_article):
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(f"/articles/{open_article.pk}/commentaires/", comment_data())
    assert response.status_code == 403
    assert not Comment.objects.exists()


def test_the_token_fetched_from_the_tokens_endpoint_lets_the_comment_through(open_article):
    browser = Client(enforce_csrf_checks=True)
    tokens = browser.get("/commentaires/jetons/")
    assert "no-store" in tokens["Cache-Control"] or "no-cache" in tokens["Cache-Control"]
    data = comment_data() | {"csrfmiddlewaretoken": tokens.json()["csrfmiddlewaretoken"]}
    response = browser.post(f"/articles/{open_article.pk}/commentaires/", data)
    assert response.status_code == 302
    assert Comment.objects.count() == 1


def test_reports_need_the_token_too(open_article, moderator):
    post_comment(Client(), open_article)
    comment = Comment.objects.get()
    moderation.approve(comment, moderator=moderator)
    browser = Client(enforce_csrf_checks=True)
    url = f"/commentaires/{comment.pk}/signaler/"
    assert browser.post(url, {"reason": "spam"}).status_code == 403
    token = browser.get("/commentaires/jetons/").json()["csrfmiddlewaretoken"]
    assert browser.post(url, {"reason": "spam", "csrfmiddlewaretoken": token}).status_code == 302
    assert Report.objects.count() == 1


def test_readers_without_javascript_get_uncached_pages_with_the_forms(open_article, moderator):
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(f"/articles/{open_article.pk}/commenter/")
    form = BeautifulSoup(page.content, "html.parser").select_one("form.comment-form")
    assert form.select_one("input[name=csrfmiddlewaretoken]")["value"]
    assert form.select_one("input[name=issued]")["value"]
    assert "no-store" in page["Cache-Control"] or "no-cache" in page["Cache-Control"]
    post_comment(Client(), open_article, text="Un autre avis.")
    comment = Comment.objects.get()
    moderation.approve(comment, moderator=moderator)
    report_page = browser.get(f"/commentaires/{comment.pk}/signaler/")
    assert report_page.status_code == 200
    assert b'name="csrfmiddlewaretoken"' in report_page.content
    assert report_page["Cache-Control"] == "private, no-store"

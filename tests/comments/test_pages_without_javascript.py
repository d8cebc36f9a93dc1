"""The pages a reader without JavaScript comments and reports on are pages of their own."""

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.test import Client

from comments import moderation
from comments.models import Comment
from tests.comments.conftest import post_comment

pytestmark = pytest.mark.django_db


def page(url):
    response = Client().get(url)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def test_the_comment_page_has_a_title_and_one_heading_naming_what_it_is_for(open_article):
    write = page(f"/articles/{open_article.pk}/commenter/")
    title = f"Commenter «\u00a0Les pôles numériques se rapprochent\u00a0» · {settings.SITE_NAME}"
    assert write.title.get_text() == title
    assert [h1.get_text() for h1 in write.select("h1")] == ["Ajouter un commentaire"]
    assert write.select_one("main > h1") is not None
    link = write.select_one("main h1 + p a")
    assert link["href"] == open_article.get_absolute_url()
    assert " ".join(link.parent.get_text().split()) == (
        "Sur l’article Les pôles numériques se rapprochent"
    )
    form = write.select_one("form.comment-form")
    assert form.find(["h2", "h3"]) is None  # the page's heading says it already
    assert form.select_one("textarea[name=text]") is not None


def test_the_article_page_keeps_the_forms_heading(open_article):
    article = page(open_article.get_absolute_url())
    heading = article.select_one("form.comment-form h3")
    assert heading.get_text() == "Ajouter un commentaire"
    assert len(article.select("h1")) == 1


def test_the_report_page_has_a_title_and_a_heading(open_article, moderator):
    post_comment(Client(), open_article)
    comment = Comment.objects.get()
    moderation.approve(comment, moderator=moderator)
    report = page(f"/commentaires/{comment.pk}/signaler/")
    assert report.title.get_text().startswith("Signaler ce commentaire · ")
    assert [h1.get_text() for h1 in report.select("h1")] == ["Signaler ce commentaire"]

"""Restoring a version from the history brings back words, never a state: the workflow holds."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone
from reversion.models import Version

from articles import publishing
from articles.models import Article
from tests.articles.conftest import ADD_URL, article_form, change_url, resubmit

pytestmark = pytest.mark.django_db
FIRST_PUBLICATION = dt.datetime(2026, 11, 2, 7, 30, tzinfo=dt.UTC)


@pytest.fixture
def published_article(client, journalist, editor, section):
    """An article the journalist wrote (first version: a draft), then an editor published."""
    client.force_login(journalist)
    with time_machine.travel(FIRST_PUBLICATION - dt.timedelta(hours=2)):
        data = article_form(section, body="<p>Premier jet.</p>")
        assert client.post(ADD_URL, data).status_code == 302
        article = Article.objects.get()
        publishing.submit(article, by=journalist)
    with time_machine.travel(FIRST_PUBLICATION):
        publishing.publish(article, by=editor)
    article.refresh_from_db()
    assert article.is_published()
    return article


def first_version(article):
    return Version.objects.get_for_object(article).order_by("pk").first()


def revert(client, article, version, **changes):
    url = f"/desk/articles/article/{article.pk}/history/{version.pk}/"
    page = client.get(url)
    if page.status_code != 200:
        return page
    return client.post(url, resubmit(page, **changes))


def test_a_journalist_cannot_take_a_published_article_offline_through_the_history(
    client, journalist, published_article
):
    article = published_article
    client.force_login(journalist)
    response = revert(client, article, first_version(article))
    assert response.status_code == 403
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    assert article.published_at == FIRST_PUBLICATION
    assert article.body == "<p>Premier jet.</p>"
    assert article.is_published()


def test_the_posted_revert_is_refused_too(client, journalist, editor, published_article):
    """Even with a revert form opened while the article was still a draft."""
    article = published_article
    url = f"/desk/articles/article/{article.pk}/history/{first_version(article).pk}/"
    client.force_login(editor)
    data = resubmit(client.get(url))
    client.force_login(journalist)
    assert client.post(url, data).status_code == 403
    article.refresh_from_db()
    assert article.is_published()


def test_an_editors_revert_keeps_the_article_online_and_its_first_publication_time(
    client, editor, published_article
):
    article = published_article
    client.force_login(editor)
    edited = client.post(
        change_url(article), resubmit(client.get(change_url(article)), body="<p>Réécrit.</p>")
    )
    assert edited.status_code == 302
    response = revert(client, article, first_version(article))  # the draft, never published
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.body == "<p>Premier jet.</p>"  # the words come back…
    assert article.status == Article.Status.PUBLISHED  # …not the state: the editor decides
    assert article.published_at == FIRST_PUBLICATION
    assert article.is_published()
    assert client.get(article.get_absolute_url()).status_code == 200


def test_a_revert_keeps_an_unpublished_article_offline(client, journalist, editor, section):
    """A journalist may revert their unpublished article, but not to a published version."""
    client.force_login(journalist)
    assert client.post(ADD_URL, article_form(section)).status_code == 302
    article = Article.objects.get()
    publishing.submit(article, by=journalist)
    publishing.publish(article, by=editor)
    published_version = Version.objects.get_for_object(article).order_by("-pk").first()
    publishing.unpublish(article, by=editor)
    response = revert(client, article, published_version)
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == Article.Status.UNPUBLISHED
    assert not article.is_published()


def test_republishing_keeps_the_first_publication_time_and_sets_the_update_time(
    editor, published_article
):
    article = published_article
    publishing.unpublish(article, by=editor)
    later = FIRST_PUBLICATION + dt.timedelta(days=3)
    with time_machine.travel(later, tick=False):
        publishing.publish(article, by=editor)
    article.refresh_from_db()
    assert article.published_at == FIRST_PUBLICATION
    assert article.republished_at == later
    assert article.revised_at == later
    assert article.is_published()


def test_publishing_a_draft_whose_time_has_passed_publishes_it_now(editor, section):
    """A time left in the past on a never-published draft is not a backdating."""
    from tests.conftest import make_article

    draft = make_article(
        section,
        status=Article.Status.READY,
        published_at=timezone.now() - dt.timedelta(days=10),
    )
    now = timezone.now()
    publishing.publish(draft, by=editor)
    draft.refresh_from_db()
    assert draft.published_at >= now
    assert draft.republished_at is None

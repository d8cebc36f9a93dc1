"""The desk speaks Paris time: history, compare and conflict messages, with no change invented."""

import datetime as dt

import pytest
import time_machine
from django.test import Client
from reversion.models import Version

from articles import publishing
from articles.models import Article
from tests.articles.conftest import ADD_URL, article_form, change_url, resubmit
from tests.conftest import make_staff

pytestmark = pytest.mark.django_db

WRITTEN = dt.datetime(2026, 12, 1, 8, 59, tzinfo=dt.UTC)  # 9 h 59 in Paris
EDITED = dt.datetime(2026, 12, 1, 10, 30, tzinfo=dt.UTC)  # 11 h 30 in Paris
PUBLISHED = dt.datetime(2026, 12, 1, 9, 15, tzinfo=dt.UTC)


@pytest.fixture
def published(client, editor, section):
    """An article written at 9 h 59, published at 10 h 15, then its lede edited at 11 h 30."""
    client.force_login(editor)
    with time_machine.travel(WRITTEN, tick=False):
        assert client.post(ADD_URL, article_form(section)).status_code == 302
    article = Article.objects.get()
    with time_machine.travel(PUBLISHED, tick=False):
        publishing.publish(article, by=editor)
    with time_machine.travel(EDITED, tick=False):
        form = client.get(change_url(article))
        assert client.post(change_url(article), resubmit(form, lede="Un autre chapô.")).status_code
    return article


def versions(article):
    return list(Version.objects.get_for_object(article).order_by("pk"))


def test_the_compare_view_says_paris_time_and_shows_only_what_changed(client, published):
    with time_machine.travel(EDITED + dt.timedelta(minutes=5), tick=False):
        published_version = versions(published)[1]
        response = client.get(
            f"/desk/articles/article/{published.pk}/history/{published_version.pk}/compare/"
        )
    assert (
        response.context["title"]
        == "Modifications depuis la version du 1er\u00a0décembre à 10\u00a0h\u00a015"
    )
    assert [change["field"] for change in response.context["changes"]] == ["lede"]


def test_the_compare_view_writes_a_publication_time_as_people_read_it(client, published):
    first = versions(published)[0]  # the draft: no publication time yet
    response = client.get(f"/desk/articles/article/{published.pk}/history/{first.pk}/compare/")
    changed = {change["field"]: change["lines"] for change in response.context["changes"]}
    assert changed["published_at"] == ["+ 1er\u00a0décembre 2026 à 10\u00a0h\u00a015"]


def test_the_history_lists_saves_at_paris_time_with_their_authors_names(client, published, editor):
    editor.first_name, editor.last_name = "Rita", "Chef"
    editor.save()
    with time_machine.travel(EDITED, tick=False):
        html = client.get(f"/desk/articles/article/{published.pk}/history/").content.decode()
    assert "1er\u00a0décembre à 9\u00a0h\u00a059" in html
    assert "1er\u00a0décembre à 11\u00a0h\u00a030" in html
    assert "Rita Chef" in html


def test_a_conflict_says_when_in_paris_and_names_only_the_fields_that_changed(published, editor):
    mine, theirs = Client(), Client()
    mine.force_login(editor)
    colleague = make_staff("bruno", "Editors")
    theirs.force_login(colleague)
    opened = mine.get(change_url(published))  # I open it at 11 h 30…
    later = EDITED + dt.timedelta(minutes=20)
    with time_machine.travel(later, tick=False):  # …my colleague changes the kicker at 11 h 50
        form = theirs.get(change_url(published))
        assert theirs.post(change_url(published), resubmit(form, kicker="Un autre surtitre"))
    response = mine.post(change_url(published), resubmit(opened, lede="Mon chapô."))
    message = " ".join(response.context["adminform"].form.non_field_errors())
    assert "bruno a enregistré cet article le 1er\u00a0décembre à 11\u00a0h\u00a050" in message
    assert message.endswith("Champs modifiés\u00a0: surtitre.")  # not the lede: mine


def test_the_history_names_changed_fields_in_french(client, published):
    html = client.get(f"/desk/articles/article/{published.pk}/history/").content.decode()
    assert "Modification de Chapô." in html
    assert "Lede" not in html

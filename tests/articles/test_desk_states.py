"""The desk tells the truth about each article: scheduled, under embargo, online, in the trash."""

import datetime as dt

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.utils import timezone

from articles import publishing
from articles.models import Article
from tests.articles.conftest import ADD_URL, change_url, resubmit
from tests.conftest import make_article

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 1, 15, 0, tzinfo=dt.UTC)
SEVEN_IN_PARIS = dt.datetime(2026, 12, 5, 6, 0, tzinfo=dt.UTC)  # 5 December, 7 h in Paris
SCHEDULED = "Programmé pour le 5\u00a0décembre à 7\u00a0h"


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def every_state(section, editor):
    """One article in each of the desk's states, named for it."""
    Status = Article.Status
    hour_ago = timezone.now() - dt.timedelta(hours=1)
    articles = {
        "Brouillon": make_article(section, status=Status.DRAFT, slug="a"),
        "Prêt pour relecture": make_article(section, status=Status.READY, slug="b"),
        SCHEDULED: make_article(section, published_at=SEVEN_IN_PARIS, slug="c"),
        "Sous embargo": make_article(section, is_embargoed=True, slug="d"),
        "En ligne": make_article(section, published_at=hour_ago, slug="e"),
        "Dépublié": make_article(section, status=Status.UNPUBLISHED, slug="f"),
    }
    for label, article in articles.items():
        Article.objects.filter(pk=article.pk).update(headline=f"Article {label}")
    return articles


def states_in_list(client, query=""):
    page = BeautifulSoup(client.get(f"/desk/articles/article/{query}").content, "html.parser")
    return {
        row.select_one(".field-headline").get_text(strip=True): row.select_one(
            ".field-state_column"
        ).get_text(strip=True)
        for row in page.select("#result_list tbody tr")
    }


def test_the_list_says_where_each_article_stands_for_readers(client, editor, every_state):
    client.force_login(editor)
    assert states_in_list(client) == {f"Article {label}": label for label in every_state}


@pytest.mark.parametrize(
    ("state", "label"),
    [
        ("scheduled", SCHEDULED),
        ("embargoed", "Sous embargo"),
        ("online", "En ligne"),
        ("draft", "Brouillon"),
    ],
)
def test_the_list_filters_by_state(client, editor, every_state, state, label):
    client.force_login(editor)
    assert states_in_list(client, f"?etat={state}") == {f"Article {label}": label}


def test_the_trash_says_so(client, editor, every_state):
    publishing.move_to_trash(every_state["Brouillon"], by=editor)
    client.force_login(editor)
    assert set(states_in_list(client, "?trash=1").values()) == {"Dans la corbeille"}


def test_the_writing_screen_and_the_front_page_say_scheduled_with_the_paris_time(
    client, editor, every_state
):
    client.force_login(editor)
    article = every_state[SCHEDULED]
    form = client.get(change_url(article)).content.decode()
    assert SCHEDULED in BeautifulSoup(form, "html.parser").select_one(".workflow-state").text
    assert SCHEDULED in client.get("/desk/").content.decode()


def test_scheduling_says_when_readers_will_see_the_article(client, editor, section):
    client.force_login(editor)
    article = make_article(section, status=Article.Status.READY)
    page = client.get(change_url(article))
    assert 'value="Publier"' in page.content.decode()
    data = resubmit(page, published_at_0="05/12/2026", published_at_1="07:00", _publish="on")
    response = client.post(change_url(article), data, follow=True)
    messages = [str(m) for m in response.context["messages"]]
    assert messages == [
        "L’article est programmé\u00a0: les lecteurs le verront à partir du 5\u00a0décembre "
        "à 7\u00a0h."
    ]
    article.refresh_from_db()
    assert article.state == Article.State.SCHEDULED


def test_the_publish_button_reads_schedule_when_the_time_is_to_come(client, editor, section):
    client.force_login(editor)
    article = make_article(section, status=Article.Status.READY, published_at=SEVEN_IN_PARIS)
    button = BeautifulSoup(client.get(change_url(article)).content, "html.parser").select_one(
        "input[name=_publish]"
    )
    assert (button["value"], button["data-publish"]) == ("Programmer", "Publier")


def test_publishing_now_says_the_article_is_online(client, editor, section):
    client.force_login(editor)
    article = make_article(section, status=Article.Status.READY)
    data = resubmit(client.get(change_url(article)), _publish="on")
    response = client.post(change_url(article), data, follow=True)
    assert [str(m) for m in response.context["messages"]] == ["L’article est en ligne."]


def test_a_new_article_is_signed_by_the_journalist_who_writes_it(client, journalist):
    client.force_login(journalist)
    page = BeautifulSoup(client.get(ADD_URL).content, "html.parser")
    chosen = page.select_one("#id_bylines-0-author option[selected]")
    assert chosen is not None and chosen.text == "Léa Journaliste"


def test_the_byline_left_as_pre_filled_is_saved(client, journalist, section):
    from tests.articles.conftest import article_form

    client.force_login(journalist)
    page = client.get(ADD_URL)
    data = (
        resubmit(page)
        | article_form(section, bylines=[])
        | {key: value for key, value in resubmit(page).items() if key.startswith("bylines-")}
    )
    assert client.post(ADD_URL, data).status_code == 302
    assert [str(b.author) for b in Article.objects.get().bylines.all()] == ["Léa Journaliste"]

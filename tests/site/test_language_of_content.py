"""In English, what the newsroom wrote in French says so (for screen readers); not the interface."""

import pytest
from bs4 import BeautifulSoup
from django.conf import settings

from articles.markers import marker
from articles.models import EditorialNote, Quote, Speaker
from tests.conftest import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def story(section):
    article = make_article(
        section,
        kicker="Fusion",
        headline="Les pôles numériques se rapprochent",
        lede="Toulouse et Montpellier discutent.",
        lead_image_caption="Le pôle de Toulouse.",
    )
    speaker = Speaker.objects.create(full_name="Claire Fontanel", slug="claire")
    quote = Quote.objects.create(
        article=article, speaker=speaker, role="présidente du pôle", text="Nous avançons."
    )
    article.body = f"<p>Les deux réseaux se parlent.</p>{marker(quote.ref)}"
    article.save()
    article.tags.set(["Toulouse"])
    EditorialNote.objects.create(article=article, kind="correction", text="Un nom corrigé.")
    return article


def language_of(element):
    """Return the language an element is in: its own lang, or its closest ancestor's."""
    while element is not None and not element.get("lang"):
        element = element.parent
    return element and element["lang"]


def test_in_english_the_articles_own_text_is_marked_as_french(english, story):
    page = BeautifulSoup(english.get(story.get_absolute_url()).content, "html.parser")
    assert page.html["lang"] == "en"
    article = page.select_one("article.article")
    french = [
        article.select_one("p.kicker"),
        article.h1,
        article.select_one("header p.lede"),
        article.find(string="Les deux réseaux se parlent.").parent,
        article.find(string="Nous avançons.").parent,  # a quote
        article.find(string="présidente du pôle").parent,  # its speaker's role
        article.find(string="Un nom corrigé.").parent,  # a correction's text
        article.find(string="Toulouse").parent,  # a tag
    ]
    assert [language_of(element) for element in french] == ["fr"] * len(french)


def test_in_english_the_interface_around_the_article_stays_english(english, story):
    page = BeautifulSoup(english.get(story.get_absolute_url()).content, "html.parser")
    interface = [
        page.select_one("p.dates time"),  # "Published on …"
        page.select_one("#notes-title"),
        page.select_one("#speakers-title"),
        page.select_one("#comments-title"),
        page.select_one("footer"),
    ]
    assert [language_of(element) for element in interface] == ["en"] * len(interface)
    assert "Published on" in page.select_one("p.dates").get_text()


def test_in_english_the_quotes_on_a_speakers_page_are_marked_as_french(english, story):
    page = BeautifulSoup(english.get("/intervenants/claire/").content, "html.parser")
    quote = page.select_one(".speaker-quote")
    assert language_of(quote.blockquote) == "fr"
    assert language_of(quote.h3) == "fr"  # the article's headline
    assert language_of(page.find(string="Quoted in").parent) == "en"


def test_in_french_the_whole_page_is_french(client, story):
    page = BeautifulSoup(client.get(story.get_absolute_url()).content, "html.parser")
    assert page.html["lang"] == "fr"
    assert {element["lang"] for element in page.select("[lang]")} <= {"fr", "en"}
    assert {language_of(element) for element in page.select("main *")} == {"fr"}

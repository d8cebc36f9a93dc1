"""The demo's reference article renders every element of shared/reference-page.md."""

import json
import re

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command

from articles.management.commands.load_demo import ARTICLES
from articles.models import Article

pytestmark = pytest.mark.django_db
REFERENCE_SLUG = "fusion-des-regions-poles-numeriques-toulouse-montpellier"


@pytest.fixture
def page(client):
    call_command("load_demo", verbosity=0, i_know_this_is_production=True)  # tests: DEBUG off
    call_command("load_demo_comments", verbosity=0, i_know_this_is_production=True)
    article = Article.objects.get(slug=REFERENCE_SLUG)
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def text(element):
    return " ".join(element.get_text(" ").split())


def test_headline_kicker_and_two_sentence_lede(page):
    article = page.select_one("main article.article")
    assert text(article.select_one("p.kicker"))
    headline = text(article.select_one("h1"))
    assert 80 <= len(headline) <= 130
    assert headline[0].isupper() and not headline.isupper()  # sentence case
    lede = text(article.select_one("header p.lede"))
    assert len(re.findall(r"[.!?](?:\s|$)", lede)) == 2


def test_lead_photo_with_caption_credit_size_and_renditions(page):
    figure = page.select_one("figure.lead-image")
    image = figure.select_one("img")
    assert image["alt"]
    assert int(image["width"]) == 1600 and int(image["height"]) == 900
    widths = re.findall(r" (\d+)w", image["srcset"])
    assert widths == ["480", "800", "1200"]
    caption = figure.select_one("figcaption")
    credit = caption.select_one(".credit")
    assert text(credit).startswith("Photo\u00a0:") or text(credit).startswith("Photo :")
    assert len(text(caption)) > len(text(credit)) + 20  # a caption besides the credit


def test_byline_date_section_and_tags(page):
    byline = page.select_one("p.byline")
    authors = byline.select("a[rel=author]")
    assert len(authors) == 2
    assert all(a["href"].startswith("/auteurs/") for a in authors)
    assert byline.select_one('a[href="/rubriques/numerique/"]')
    published = page.select_one("p.dates time")
    assert text(published) == "Publié le 25/05/2015 à 19:26"
    assert published["datetime"] == "2015-05-25T19:26:00+02:00"
    assert "Mis à jour le" in text(page.select_one("p.dates"))
    tags = page.select("nav.tags a")
    assert len(tags) >= 5
    assert {"Toulouse", "Montpellier"} <= {text(tag) for tag in tags}
    assert all(tag["href"].startswith("/mots-cles/") for tag in tags)


def test_body_has_ten_paragraphs_an_anchored_subhead_and_attributed_quotes(page):
    body = page.select_one("div.article-body")
    paragraphs = list(body.find_all("p", recursive=False))
    assert len(paragraphs) >= 10
    subheads = body.find_all("h2", recursive=False)
    assert len(subheads) == 1 and subheads[0]["id"]
    quotes = body.select("figure.quote")
    assert len(quotes) >= 8
    speakers = {}
    for quote in quotes:
        assert text(quote.select_one("blockquote"))
        link = quote.select_one("figcaption a")
        assert link["href"].startswith("/intervenants/")
        assert text(quote.select_one("figcaption .role"))
        speakers.setdefault(link["href"], 0)
        speakers[link["href"]] += 1
    assert len(speakers) == 6
    assert max(speakers.values()) >= 2  # the same person quoted more than once
    assert any(" et " in text(q.select_one(".role")) for q in quotes)  # two roles
    assert len(body.select("figure.quote.pull-quote")) == 1
    ndlr = [q for q in quotes if re.search(r"\([^)]*NDLR\)", text(q.select_one(".role")))]
    assert len(ndlr) == 1
    assert all(q["itemtype"] == "https://schema.org/Quotation" for q in quotes)


def test_each_quote_stands_after_the_paragraph_the_demo_gives_it(page):
    spec = next(spec for spec in ARTICLES if spec["slug"] == REFERENCE_SLUG)
    expected = [
        (after, " ".join(words.split())) for after, _speaker, _role, words in spec["quotes"]
    ]
    shown, paragraphs = [], 0
    for block in page.select_one("div.article-body").find_all(recursive=False):
        if block.name == "p":
            paragraphs += 1
        elif "quote" in block.get("class", []):
            shown.append((paragraphs, text(block.select_one("blockquote"))))
    assert len(shown) == 9
    assert shown == expected
    pull = page.select_one("div.article-body figure.pull-quote blockquote")
    assert dict(expected)[spec["pull_quote"]] == text(pull)


def test_who_is_speaking_box_and_editorial_note(page):
    box = page.select_one("aside.speakers")
    items = box.select("li")
    assert len(items) == 6
    assert all(item.select_one("a")["href"].startswith("/intervenants/") for item in items)
    notes = page.select("section.editorial-notes p.note")
    assert notes and text(notes[0].select_one("strong")) in {
        "Rectificatif",
        "Note de la rédaction",
        "Précision",
        "Mise à jour",
    }


def test_related_articles_and_rankings_place(page):
    related = page.select("aside.related article.card h3 a")
    assert 1 <= len(related) <= 4
    box = page.select_one("aside.rankings")
    assert [text(h) for h in box.select("h3")] == ["Sujets les + lus", "Sujets les + commentés"]
    assert box.select("#plus-commentes ol li a")  # the demo's comments rank articles


def test_json_ld_news_article_parses_with_required_fields(page):
    data = json.loads(page.select_one('script[type="application/ld+json"]').string)
    assert data["@type"] == "NewsArticle"
    for field in (
        "headline",
        "datePublished",
        "dateModified",
        "author",
        "image",
        "publisher",
        "articleSection",
    ):
        assert data[field], field
    assert data["datePublished"].startswith("2015-05-25T")
    assert {a["name"] for a in data["author"]} == {"Lucie Ferrand", "Agence Sud Presse"}
    assert data["publisher"]["@type"] == "NewsMediaOrganization"
    assert data["articleSection"] == "Numérique"
    assert len(data["citation"]) >= 8
    assert all(c["@type"] == "Quotation" and c["creator"]["name"] for c in data["citation"])


def test_open_graph_twitter_and_canonical(page):
    def meta(key):
        tag = page.find("meta", attrs={"property": key}) or page.find("meta", attrs={"name": key})
        return tag["content"]

    canonical = page.find("link", rel="canonical")["href"]
    assert canonical.startswith("http://testserver/articles/" + REFERENCE_SLUG)
    assert meta("og:url") == canonical
    assert meta("og:type") == "article"
    assert meta("og:image").startswith("http://testserver/media/")
    assert meta("twitter:card") == "summary_large_image"
    assert " ".join(meta("og:title").split()) == text(page.select_one("h1"))


def test_published_comments_numbered_with_french_date_line_and_report_control(page):
    comments = page.select("section#commentaires li.comment")
    assert [text(c.select_one("h3")) for c in comments] == ["Commentaire 1", "Commentaire 2"]
    first = comments[0]
    assert text(first.select_one(".comment-meta")) == (
        "Pierre-Alain M. a écrit le 27/05/2015 à 21:04"
    )
    assert len(first.select(".comment-text br")) == 2
    assert text(first.select_one("details.report summary")) == "Signaler"
    assert text(page.select_one("#comments-title")) == "2 commentaires"
    assert "a écrit" in text(first) and "à écrit" not in page.get_text()


def test_comments_on_the_2015_article_are_closed_by_age(page):
    assert page.select_one("form.comment-form") is None
    assert text(page.select_one(".comments-closed")) == (
        "Les commentaires sont fermés sur cet article."
    )


def test_comment_form_with_its_notice(client, settings):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 0  # as `make run` sets it for the demo
    call_command("load_demo", verbosity=0, i_know_this_is_production=True)
    article = Article.objects.get(slug=REFERENCE_SLUG)
    page = BeautifulSoup(client.get(article.get_absolute_url()).content, "html.parser")
    form = page.select_one("form.comment-form")
    labels = [text(label) for label in form.select("p.field label")]
    assert labels == ["Nom", "Adresse e-mail", "Commentaire"]
    notice = text(form.select_one(".form-notice"))
    assert "Tous les champs sont obligatoires" in notice
    assert "jamais affichée publiquement" in notice

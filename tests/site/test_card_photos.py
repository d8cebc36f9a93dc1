"""Every story card shows its lead photo, cut for the card; search engines get the three crops."""

import datetime as dt
import io
import json
import re

import pytest
from bs4 import BeautifulSoup
from django.core.files.base import ContentFile
from django.template import Context, Template
from django.utils import timezone
from PIL import Image

from articles import images
from articles.models import Article, Author, Byline, Quote
from tests.conftest import clear_cache, make_article
from tests.site.test_query_counts import page_counts

pytestmark = pytest.mark.django_db

ALT = "Des ingénieurs devant un banc d’essai, à Toulouse"


def photographed(section, headline, size=(1600, 900), **fields):
    """Publish an article with a lead photo, its widths and crops written."""
    article = make_article(section, headline=headline, lead_image_alt=ALT, **fields)
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 90, 160)).save(buffer, "PNG")
    article.lead_image.save("photo.png", ContentFile(buffer.getvalue()), save=True)
    images.refresh_renditions(article)
    return article


@pytest.fixture
def newsroom(section):
    """Return an article with a photo and one without, both tagged, signed, in the same month;
    a newer one leads the home page."""
    now = timezone.now()
    author = Author.objects.create(name="Léa Journaliste", slug="lea")
    with_photo = photographed(
        section,
        "Le banc d’essai photographié",
        slug="banc",
        published_at=now - dt.timedelta(hours=2),
    )
    without = make_article(
        section,
        headline="Le banc d’essai sans photo",
        slug="sans",
        published_at=now - dt.timedelta(hours=3),
    )
    make_article(section, headline="À la une", slug="une", published_at=now - dt.timedelta(hours=1))
    for article in (with_photo, without):
        article.tags.add("Toulouse")
        Byline.objects.create(article=article, author=author)
    return with_photo, without


def card_of(page, headline):
    """Return the card whose headline is this one."""
    for card in page.select("article.card"):
        if card.select_one(".card-title").get_text(strip=True) == headline:
            return card
    raise AssertionError(f"no card for {headline!r}")


def get(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return BeautifulSoup(response.content, "html.parser")


def listing_urls(article):
    when = timezone.localtime(article.published_at)
    return {
        "home": ("/", "16:9"),
        "read also": (Article.objects.get(slug="une").get_absolute_url(), "16:9"),
        "section": (article.section.get_absolute_url(), "4:3"),
        "tag": ("/mots-cles/toulouse/", "4:3"),
        "author": ("/auteurs/lea/", "4:3"),
        "archives": (f"/archives/{when.year}/{when.month}/", "4:3"),
        "search": ("/recherche/?q=banc", "4:3"),
    }


def test_every_card_shows_its_photo_cut_for_it_with_srcset_size_and_alt(client, newsroom):
    with_photo, without = newsroom
    for name, (url, ratio) in listing_urls(with_photo).items():
        page = get(client, url)
        img = card_of(page, with_photo.headline).select_one("img.card-photo")
        assert img, name
        crop = with_photo.lead_image_renditions[ratio]
        assert img["srcset"] == ", ".join(f"{r['url']} {r['width']}w" for r in crop), name
        assert img["src"] == crop[0]["url"], name
        assert (int(img["width"]), int(img["height"])) == (crop[-1]["width"], crop[-1]["height"])
        assert img["sizes"], name
        assert img["alt"] == ALT, name
        assert img["loading"] == "lazy", name
        plain = card_of(page, without.headline)
        assert plain.select_one("img") is None, name  # no broken image, no empty box
        assert "card-no-photo" in plain["class"], name


def test_a_photo_without_alternative_text_gets_an_empty_alt(client, newsroom):
    with_photo, _ = newsroom
    Article.objects.filter(pk=with_photo.pk).update(lead_image_alt="")
    clear_cache()
    img = card_of(get(client, "/"), with_photo.headline).select_one("img.card-photo")
    assert img.has_attr("alt") and img["alt"] == ""


def card(article, **options):
    arguments = " ".join(f"{name}={value}" for name, value in options.items())
    template = Template("{% load site %}{% article_card article " + arguments + " %}")
    return BeautifulSoup(template.render(Context({"article": article})), "html.parser")


def test_the_lead_storys_photo_loads_first_and_the_others_when_near(newsroom):
    with_photo, _ = newsroom
    with_photo = Article.objects.get(pk=with_photo.pk)
    lead = card(with_photo, eager=True).select_one("img")
    assert lead["fetchpriority"] == "high"
    assert not lead.has_attr("loading")  # eager, as browsers load by default
    other = card(with_photo).select_one("img")
    assert other["loading"] == "lazy"
    assert not other.has_attr("fetchpriority")


def test_a_card_can_ask_for_another_crop_and_width_on_screen(newsroom):
    with_photo, _ = newsroom
    with_photo = Article.objects.get(pk=with_photo.pk)
    square = card(with_photo, layout='"row"', crop='"1:1"', sizes='"5rem"').select_one("img")
    assert square["srcset"].startswith(with_photo.lead_image_renditions["1:1"][0]["url"])
    assert (square["width"], square["height"]) == ("900", "900")
    assert square["sizes"] == "5rem"


def test_photos_on_cards_cost_no_query(client, newsroom):
    with_photo, without = newsroom
    urls = [url for url, _ratio in listing_urls(with_photo).values()]
    one_photo = page_counts(client, urls)
    # Two more cards with a photo on every page: the card query has read their renditions.
    for slug in ("encore-1", "encore-2"):
        more = make_article(
            with_photo.section,
            headline=f"Le banc d’essai {slug}",
            slug=slug,
            published_at=without.published_at,
            lead_image_renditions=with_photo.lead_image_renditions,
        )
        more.tags.add("Toulouse")
        Byline.objects.create(article=more, author=Author.objects.get())
    clear_cache()
    assert page_counts(client, urls) == one_photo
    assert len(card_of(get(client, "/"), "Le banc d’essai encore-2").select("img")) == 1


def json_ld(client, article):
    page = get(client, article.get_absolute_url())
    return json.loads(page.select_one('script[type="application/ld+json"]').string)


def test_search_engines_get_the_three_crops_each_1200_px_wide_when_the_photo_allows(
    client, section
):
    article = photographed(section, "Une grande photo", size=(2400, 1600), slug="grande")
    ratios = {}
    for image in json_ld(client, article)["image"]:
        assert image["@type"] == "ImageObject"
        assert image["url"].startswith("http://testserver/media/renditions/")
        assert image["width"] >= 1200
        ratio = image["width"] / image["height"]
        ratios[
            min(("16:9", 16 / 9), ("4:3", 4 / 3), ("1:1", 1), key=lambda r: abs(r[1] - ratio))[0]
        ] = ratio
    assert set(ratios) == {"16:9", "4:3", "1:1"}
    assert ratios["16:9"] == pytest.approx(16 / 9, abs=0.01)
    assert ratios["4:3"] == pytest.approx(4 / 3, abs=0.01)
    assert ratios["1:1"] == 1


def test_a_narrow_photo_gives_search_engines_its_crops_as_wide_as_they_are(client, section):
    article = photographed(section, "Une photo étroite", size=(1600, 900), slug="etroite")
    sizes = [(image["width"], image["height"]) for image in json_ld(client, article)["image"]]
    assert sizes == [(1200, 675), (1200, 900), (900, 900)]


def test_a_photo_stored_before_crops_still_shows_on_its_page_and_to_search_engines(client, section):
    article = photographed(section, "Une photo d’avant", slug="avant")
    widths = article.lead_image_renditions["original"]
    Article.objects.filter(pk=article.pk).update(lead_image_renditions=widths)  # the old shape
    page = get(client, article.get_absolute_url())
    lead = page.select_one("figure.lead-image img")
    assert re.findall(r" (\d+)w", lead["srcset"]) == ["480", "800", "1200"]
    assert lead["fetchpriority"] == "high"
    [image] = json_ld(client, article)["image"]
    assert image["url"] == f"http://testserver{article.lead_image.url}"
    assert (image["width"], image["height"]) == (1600, 900)


def test_the_article_page_shows_the_photo_whole_not_a_crop(client, section):
    article = photographed(section, "Une photo entière", size=(1000, 1000), slug="entiere")
    lead = get(client, article.get_absolute_url()).select_one("figure.lead-image img")
    assert lead["srcset"] == ", ".join(
        f"{r['url']} {r['width']}w" for r in article.lead_image_renditions["original"]
    )
    assert (lead["width"], lead["height"]) == ("1000", "1000")


def test_a_speaker_page_shows_each_article_with_its_photo(client, newsroom, speaker):
    with_photo, without = newsroom
    for article in (with_photo, without):
        Quote.objects.create(article=article, speaker=speaker, text=f"Cité dans {article.slug}.")
    page = get(client, speaker.get_absolute_url())
    entries = {e.select_one("h3").get_text(strip=True): e for e in page.select(".speaker-quote")}
    photo = entries["Le banc d’essai photographié"].select_one("img")
    assert photo["alt"] == ALT and photo["loading"] == "lazy"
    assert photo["srcset"].startswith(with_photo.lead_image_renditions["4:3"][0]["url"])
    assert (photo["width"], photo["height"]) == ("1200", "900")
    assert entries["Le banc d’essai sans photo"].select("img") == []

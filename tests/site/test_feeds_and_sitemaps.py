"""Feeds and sitemaps are valid XML that lists published articles; robots.txt points at them."""

import datetime as dt
import re
import xml.etree.ElementTree as ET

import pytest
from django.conf import settings
from django.utils import timezone

from articles.models import Author, Byline, Section
from tests.conftest import make_article
from tests.xss import feed_problems, feed_texts

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


def xml(client, url, content_type):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
    return ET.fromstring(response.content)


def test_rss_feeds_are_valid_and_list_articles(client, newsroom):
    visible = newsroom[0]
    for url in [
        "/flux/rss/",
        f"/rubriques/{visible.section.slug}/rss/",
        "/mots-cles/toulouse/rss/",
    ]:
        channel = xml(client, url, "application/rss+xml").find("channel")
        items = channel.findall("item")
        assert [item.findtext("title") for item in items] == ["Visible des lecteurs"]
        assert items[0].findtext("link").endswith(visible.get_absolute_url())
        assert items[0].findtext("description") == visible.lede
        assert "Toulouse" in [c.text for c in items[0].findall("category")]


def test_atom_feeds_are_valid_and_list_articles(client, newsroom):
    visible = newsroom[0]
    for url in [
        "/flux/atom/",
        f"/rubriques/{visible.section.slug}/atom/",
        "/mots-cles/toulouse/atom/",
    ]:
        feed = xml(client, url, "application/atom+xml")
        entries = feed.findall(f"{ATOM}entry")
        assert [e.findtext(f"{ATOM}title") for e in entries] == ["Visible des lecteurs"]
        assert entries[0].find(f"{ATOM}author").findtext(f"{ATOM}name") == "Léa Journaliste"


def test_feed_readers_show_plain_text_as_typed_and_render_no_markup(client, db):
    section = Section.objects.create(name="Tech <i>&</i> co", slug="tech")
    article = make_article(
        section,
        headline="Les <b>pôles</b> & co",
        lede="<b>gras</b> & co <img src=x onerror=alert(1)> &amp; déjà échappé",
    )
    article.tags.set(["<em>Toulouse</em> & co"])
    author = Author.objects.create(name="Léa <u>Journaliste</u>", slug="lea")
    Byline.objects.create(article=article, author=author)
    feeds = [f"/flux/{kind}/" for kind in ("rss", "atom")]
    feeds += [f"/rubriques/tech/{kind}/" for kind in ("rss", "atom")]
    feeds += [f"/mots-cles/{article.tags.get().slug}/{kind}/" for kind in ("rss", "atom")]
    for url in feeds:
        xml = client.get(url).content
        assert feed_problems(xml) == [], url
        lede = "description" if url.endswith("/rss/") else "summary"
        assert feed_texts(xml, lede)[-1] == article.lede, url
        assert feed_texts(xml, "title")[-1] == article.headline, url
        categories = feed_texts(xml, "category")
        assert categories == ["Tech <i>&</i> co", "<em>Toulouse</em> & co"], url
        names = feed_texts(xml, "creator" if url.endswith("/rss/") else "name")
        assert names == ["Léa <u>Journaliste</u>"], url


def test_characters_xml_cannot_carry_reach_readers_as_spaces(client, section):
    make_article(section, headline="Ligne un\x0bligne deux", lede="Avant\x01après\ufffe.")
    for url in ["/flux/rss/", "/flux/atom/"]:
        response = client.get(url)
        assert response.status_code == 200
        assert feed_texts(response.content, "title")[-1] == "Ligne un ligne deux"
        lede = "description" if url.endswith("/rss/") else "summary"
        assert feed_texts(response.content, lede)[-1] == "Avant après ."
    urlset = xml(client, "/sitemap-news.xml", "application/xml")  # parses: no such character
    assert "Ligne un ligne deux" in ET.tostring(urlset, encoding="unicode")


def test_unknown_section_or_tag_feed_is_404(client, db):
    assert client.get("/rubriques/inconnue/rss/").status_code == 404
    assert client.get("/mots-cles/inconnu/atom/").status_code == 404


def test_sitemap_lists_published_articles_and_sections(client, newsroom):
    visible = newsroom[0]
    urlset = xml(client, "/sitemap.xml", "application/xml")
    locations = [url.findtext(f"{SITEMAP}loc") for url in urlset.findall(f"{SITEMAP}url")]
    assert f"http://testserver{visible.get_absolute_url()}" in locations
    assert f"http://testserver{visible.section.get_absolute_url()}" in locations
    assert len([loc for loc in locations if "/articles/" in loc]) == 1


def test_news_sitemap_keeps_only_the_last_two_days(client, section):
    recent = make_article(section, headline="Tout frais", slug="frais")
    make_article(
        section,
        headline="Trop ancien",
        slug="ancien",
        published_at=timezone.now() - dt.timedelta(days=3),
    )
    urlset = xml(client, "/sitemap-news.xml", "application/xml")
    urls = urlset.findall(f"{SITEMAP}url")
    assert [u.find(f"{NEWS}news").findtext(f"{NEWS}title") for u in urls] == ["Tout frais"]
    news = urls[0].find(f"{NEWS}news")
    assert news.find(f"{NEWS}publication").findtext(f"{NEWS}language") == "fr"
    published = dt.datetime.fromisoformat(news.findtext(f"{NEWS}publication_date"))
    assert published == recent.published_at


def test_robots_txt_keeps_crawlers_out_of_the_desk_and_names_the_sitemaps(client, db):
    response = client.get("/robots.txt")
    lines = response.content.decode().splitlines()
    assert response["Content-Type"].startswith("text/plain")
    assert "Disallow: /desk/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Sitemap: http://testserver/sitemap-news.xml" in lines


def test_pages_advertise_their_feeds(client, newsroom):
    html = client.get(newsroom[0].section.get_absolute_url()).content.decode()
    assert 'type="application/rss+xml"' in html
    assert f"/rubriques/{newsroom[0].section.slug}/rss/" in html


def test_the_site_has_an_icon_and_favicon_ico_leads_to_it(client, db):
    icon = re.search(
        r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', client.get("/").content.decode()
    )
    assert icon, "no icon in the page's head"
    response = client.get("/favicon.ico")
    assert (response.status_code, response["Location"]) == (302, icon[1])
    assert response["Cache-Control"] == "public, max-age=86400"
    svg = (settings.BASE_DIR / "static" / "favicon.svg").read_text()
    assert svg.startswith("<svg") and 'viewBox="0 0 32 32"' in svg

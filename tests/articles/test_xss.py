"""Hostile text posted into every text and rich-text field of the desk is stored and shown inert.

Inert on the desk, on every public page that shows it and in every feed, read as a feed reader
reads it.
"""

import time
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from articles import publishing
from articles.feeds import FEED_LENGTH
from articles.markers import marker
from articles.models import Article, Author, Organisation, Section, Speaker
from tests.articles.conftest import ADD_URL, article_form, jpeg, quote_row
from tests.xss import (
    VECTORS,
    as_a_reader_sees,
    feed_problems,
    feed_texts,
    live_payloads,
    stored_rich_text_problems,
)

pytestmark = pytest.mark.django_db
PULL_QUOTE = uuid.UUID("0b9c6a52-7d1e-4f0a-8c3b-5e2d1f4a6b70")


def post_everything(client, text, n):
    """Create a section, author, organisation, speaker and article through the desk."""
    short = text[:80]
    empty_inline = {"-TOTAL_FORMS": 0, "-INITIAL_FORMS": 0}
    for url, data in [
        (
            "section",
            {"name": f"{short[:70]} {n}", "slug": f"s{n}", "description": text, "position": 0},
        ),
        ("author", {"name": short, "slug": f"a{n}", "bio": text}),
        (
            "organisation",
            {
                "name": f"{short} {n}",
                "slug": f"o{n}",
                "description": text,
                "website": "",
                **{f"speakers{k}": v for k, v in empty_inline.items()},
            },
        ),
    ]:
        response = client.post(f"/desk/articles/{url}/add/", data)
        assert response.status_code == 302, (url, response.context["adminform"].form.errors)
    organisation = Organisation.objects.get(slug=f"o{n}")
    response = client.post(
        "/desk/articles/speaker/add/",
        {
            "full_name": short,
            "slug": f"p{n}",
            "organisation": organisation.pk,
            "role": text,
            "bio": text,
            **{f"quotes{k}": v for k, v in empty_inline.items()},
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    section, author = Section.objects.get(slug=f"s{n}"), Author.objects.get(slug=f"a{n}")
    speaker = Speaker.objects.get(slug=f"p{n}")
    data = article_form(
        section,
        kicker=short,
        headline=text,
        slug=f"article-{n}",
        lede=text,
        # The pull quote placed by its marker; a marker naming the vector, which is no quote.
        body=(
            f"<p>{text}</p>{marker(PULL_QUOTE)}<h2>{text}</h2>"
            f'<blockquote data-quote="{text}"></blockquote><p data-quote="{PULL_QUOTE}">{text}</p>'
        ),
        lead_image=jpeg(64, 48),
        lead_image_caption=text,
        lead_image_credit=short,
        lead_image_alt=text,
        tags='"{}"'.format(short.replace('"', "'").replace(",", " ")),
        review_note=text,
        bylines=[{"author": str(author.pk), "position": "0"}],
        quotes=[
            quote_row(speaker, text, ref=PULL_QUOTE, pull=True),
            quote_row(speaker, text, role=text),
        ],
        notes=[
            {"kind": kind, "text": text, "created_at_0": "26/05/2015", "created_at_1": "10:00"}
            for kind in ("note", "correction")
        ],
    )
    response = client.post(ADD_URL, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return Article.objects.get(slug=f"article-{n}")


def pages(desk, reader, article, *, site_feeds=True):
    """Return the desk's pages and a reader's pages that show what was typed, and the feeds."""
    speaker, tag = article.quotes.first().speaker, article.tags.get()
    html = {
        "preview": desk.get(f"/apercu/{article.pk}/"),
        "desk form": desk.get(f"/desk/articles/article/{article.pk}/change/"),
        "desk list": desk.get("/desk/articles/article/", {"q": article.headline}),
        "article": reader.get(article.get_absolute_url()),
        "speaker": reader.get(speaker.get_absolute_url()),
        "section": reader.get(article.section.get_absolute_url()),
        "tag": reader.get(reverse("articles:tag", kwargs={"slug": tag.slug})),
    }
    feeds = {}
    for kind in ("rss", "atom"):
        if site_feeds:
            feeds[f"site {kind}"] = reader.get(reverse(f"articles:feed_{kind}"))
        for name, slug in [("section", article.section.slug), ("tag", tag.slug)]:
            url = reverse(f"articles:{name}_feed_{kind}", kwargs={"slug": slug})
            feeds[f"{name} {kind}"] = reader.get(url)
    for name, response in {**html, **feeds}.items():
        assert response.status_code == 200, (name, article.headline)
    return (
        {name: response.content.decode() for name, response in html.items()},
        {name: response.content for name, response in feeds.items()},
    )


def feed_reader_problems(feeds, article):
    """List what a feed reader would run, or show other than what the journalist typed."""
    problems = [(name, problem) for name, xml in feeds.items() for problem in feed_problems(xml)]
    expected = {
        "title": [as_a_reader_sees(article.headline)],
        "description": [as_a_reader_sees(article.lede)],
        "summary": [as_a_reader_sees(article.lede)],
        "category": [
            as_a_reader_sees(article.section.name),
            *(as_a_reader_sees(t.name) for t in article.tags.all()),
        ],
        "creator": [as_a_reader_sees(article.bylines.get().author.name)],
    }
    expected["name"] = expected["creator"]
    for kind in ("rss", "atom"):
        xml = feeds[f"section {kind}"]  # the section's only article
        lede, author = ("description", "creator") if kind == "rss" else ("summary", "name")
        for field in ("title", lede, "category", author):
            shown = feed_texts(xml, field)[-len(expected[field]) :]
            if shown != expected[field]:
                problems.append((f"section {kind}", field, shown))
    return problems


def test_xss_corpus_is_stored_and_rendered_inert(client, editor, figures):
    client.force_login(editor)
    reader = Client()
    started = time.perf_counter()
    baseline_article = post_everything(client, "Texte inoffensif", 0)
    publishing.publish(baseline_article, by=editor)
    baseline, baseline_feeds = pages(client, reader, baseline_article)
    assert feed_reader_problems(baseline_feeds, baseline_article) == []
    failures = []
    for n, vector in enumerate(VECTORS, start=1):
        article = post_everything(client, vector, n)
        publishing.publish(article, by=editor)
        for problem in stored_rich_text_problems(article.body):
            failures.append((vector, "stored body", problem))
        # The site's feeds list the latest articles: read every so often, they show each one.
        site_feeds = n % FEED_LENGTH == 0 or n == len(VECTORS)
        html, feeds = pages(client, reader, article, site_feeds=site_feeds)
        for name, page in html.items():
            strict = name != "desk list"  # the list grows a row per article
            for problem in live_payloads(page, baseline[name], strict=strict):
                failures.append((vector, name, problem))
        failures += [(vector, *problem) for problem in feed_reader_problems(feeds, article)]
        # Plain text is kept as typed (a headline on one line), and escaped on output.
        assert (article.headline, article.lede) == (" ".join(vector.split()), vector)
    figures.append(
        f"{len(VECTORS)} payloads through the desk, {len(baseline)} pages and"
        f" {len(baseline_feeds) - 2} feeds each (the site's 2 every {FEED_LENGTH}):"
        f" {time.perf_counter() - started:.1f} s"
    )
    assert failures == []

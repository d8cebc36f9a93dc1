"""Hostile text posted into every text and rich-text field of the desk is stored and shown inert."""

import pytest

from articles.models import Article, Author, Organisation, Section, Speaker
from tests.articles.conftest import ADD_URL, article_form, jpeg, quote_row
from tests.xss import VECTORS, live_payloads, stored_rich_text_problems

pytestmark = pytest.mark.django_db


def test_the_corpus_is_large_enough():
    assert len(VECTORS) >= 30


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
        body=f"<p>{text}</p><h2>{text}</h2><p>{text}</p>",
        lead_image=jpeg(64, 48),
        lead_image_caption=text,
        lead_image_credit=short,
        lead_image_alt=text,
        tags='"{}"'.format(short.replace('"', "'").replace(",", " ")),
        review_note=text,
        bylines=[{"author": str(author.pk), "position": "0"}],
        quotes=[quote_row(speaker, text, 1, pull=True), quote_row(speaker, text, 2, role=text)],
        notes=[
            {
                "kind": "correction",
                "text": text,
                "created_at_0": "26/05/2015",
                "created_at_1": "10:00",
            }
        ],
    )
    response = client.post(ADD_URL, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return Article.objects.get(slug=f"article-{n}")


def pages(client, article):
    return {
        "preview": client.get(f"/apercu/{article.pk}/").content.decode(),
        "desk form": client.get(f"/desk/articles/article/{article.pk}/change/").content.decode(),
        "desk list": client.get(
            "/desk/articles/article/", {"q": article.headline}
        ).content.decode(),
        "speaker": client.get(article.quotes.first().speaker.get_absolute_url()).content.decode(),
        "section": client.get(article.section.get_absolute_url()).content.decode(),
    }


def test_xss_corpus_is_stored_and_rendered_inert(client, editor):
    from articles import publishing

    client.force_login(editor)
    baseline_article = post_everything(client, "Texte inoffensif", 0)
    publishing.publish(baseline_article, by=editor)
    baseline = pages(client, baseline_article)
    failures = []
    for n, vector in enumerate(VECTORS, start=1):
        article = post_everything(client, vector, n)
        publishing.publish(article, by=editor)
        for problem in stored_rich_text_problems(article.body):
            failures.append((vector, "stored body", problem))
        for name, html in pages(client, article).items():
            strict = name != "desk list"  # the list grows a row per article
            for problem in live_payloads(html, baseline[name], strict=strict):
                failures.append((vector, name, problem))
        assert article.headline == vector  # plain text is kept as typed, and escaped on output
    assert failures == []

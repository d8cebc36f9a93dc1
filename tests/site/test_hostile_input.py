"""Hostile input through every public form, query string and URL: no 500, nothing runs."""

from urllib.parse import quote

import pytest
from bs4 import BeautifulSoup
from django.test import Client

from comments import moderation
from comments.models import Comment
from tests.comments.conftest import comment_data
from tests.xss import VECTORS, live_payloads

pytestmark = pytest.mark.django_db


def test_hostile_input_everywhere_a_reader_can_type(client, article, moderator, settings, figures):
    settings.COMMENTS_RATE_LIMIT = settings.REPORTS_RATE_LIMIT = 10_000
    published = Comment.objects.create(
        article=article, display_name="Léa", email="l@x.fr", text="Un avis.", text_hash="avis"
    )
    moderation.approve(published, moderator=moderator)
    baseline = {
        "search": client.get("/recherche/", {"q": "pôles"}).content.decode(),
        "article": client.get(article.get_absolute_url()).content.decode(),
        "rankings": client.get("/classements/").content.decode(),
    }
    statuses, problems, tried = {}, [], 0
    for vector in VECTORS:
        segment = quote(vector, safe="")
        requests = [
            ("search", "get", "/recherche/", {"q": vector}),
            ("search", "get", "/recherche/", {"q": "pôles", "page": vector}),
            ("rankings", "get", "/classements/", {"fenetre": vector}),
            (None, "get", f"/rubriques/{article.section.slug}/", {"page": vector}),
            (None, "get", "/classements/", {"rubrique": vector}),
            (None, "get", f"/rubriques/{segment}/", {}),
            (None, "get", f"/mots-cles/{segment}/", {}),
            (None, "get", f"/mots-cles/{segment}/rss/", {}),
            (None, "get", f"/intervenants/{segment}/", {}),
            (None, "get", f"/auteurs/{segment}/", {}),
            (None, "get", f"/articles/{segment}-{article.pk}/", {}),
            (None, "get", f"/commentaires/suivi/{segment}/", {}),
            (None, "get", f"/langue/{segment}/", {"next": vector}),
            (
                "article",
                "post",
                f"/articles/{article.pk}/commentaires/",
                comment_data(display_name=vector[:60], email=vector, text=vector, website=""),
            ),
            (
                "article",
                "post",
                f"/articles/{article.pk}/commentaires/",
                comment_data(display_name=vector[:60], text=vector + " avis"),
            ),
            (
                None,
                "post",
                f"/commentaires/{published.pk}/signaler/",
                {"reason": vector, "explanation": vector},
            ),
            (
                None,
                "post",
                f"/commentaires/{published.pk}/signaler/",
                {"reason": "other", "explanation": vector},
            ),
            (None, "post", f"/vues/{article.pk}/", {"x": vector}),
        ]
        for page, method, url, data in requests:
            tried += 1
            response = getattr(Client(), method)(url, data)
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            if response.status_code >= 500:
                problems.append((vector, url, response.status_code))
            elif page and response.status_code in (200, 400):
                html = response.content.decode()
                problems += [
                    (vector, url, p)
                    for p in live_payloads(html, baseline[page], strict=page != "article")
                ]
    # Stored comments render inert once approved: their text holds paragraphs and breaks only.
    for comment in Comment.objects.exclude(pk=published.pk)[:20]:
        moderation.approve(comment, moderator=moderator)
    page = BeautifulSoup(client.get(article.get_absolute_url()).content, "html.parser")
    for item in page.select("li.comment"):
        tags = {tag.name for tag in item.select(".comment-text *, .comment-meta *")}
        if not tags <= {"p", "br", "strong"}:
            problems.append(("approved comment", item["id"], sorted(tags)))
    figures.append(
        f"{len(VECTORS)} payloads, {tried} requests: statuses {sorted(statuses.items())}"
        f", {len(problems)} problems"
    )
    assert problems == []

"""The desk's pages load for the people who use them, and answer their questions."""

import datetime as dt

import pytest
from django.contrib import admin
from django.utils import timezone

from articles.models import Article, Organisation, Quote
from tests.conftest import make_article

pytestmark = pytest.mark.django_db

MODEL_ADMINS = [
    model._meta for model in admin.site._registry if model._meta.app_label in {"articles", "taggit"}
]


@pytest.mark.parametrize("opts", MODEL_ADMINS, ids=lambda o: o.label)
def test_every_admin_lists_searches_and_adds(client, editor, article, speaker, opts):
    editor.is_superuser = True
    editor.save()
    client.force_login(editor)
    base = f"/desk/{opts.app_label}/{opts.model_name}/"
    assert client.get(base).status_code == 200
    assert client.get(base, {"q": "pôle"}).status_code == 200
    assert client.get(f"{base}add/").status_code == 200


def test_editor_desk_shows_articles_ready_and_scheduled(client, editor, section):
    make_article(section, status=Article.Status.READY, headline="À relire d’urgence")
    make_article(
        section, headline="Prévu pour demain", published_at=timezone.now() + dt.timedelta(days=1)
    )
    make_article(section, headline="Déjà en ligne")
    client.force_login(editor)
    desk = client.get("/desk/")
    html = desk.content.decode()
    assert "À relire d’urgence" in html
    assert "Prévu pour demain" in html
    assert "Déjà en ligne" not in html


def test_journalist_desk_shows_own_drafts_and_what_was_sent_back(
    client, journalist, other_journalist, section
):
    make_article(
        section, status=Article.Status.DRAFT, headline="Mon brouillon", created_by=journalist
    )
    make_article(
        section,
        status=Article.Status.DRAFT,
        headline="Brouillon du voisin",
        created_by=other_journalist,
    )
    make_article(
        section,
        status=Article.Status.DRAFT,
        headline="Renvoyé",
        created_by=journalist,
        review_note="Manque une source.",
    )
    client.force_login(journalist)
    html = client.get("/desk/").content.decode()
    assert "Mon brouillon" in html
    assert "Manque une source." in html
    assert "Brouillon du voisin" not in html


def test_speaker_admin_lists_the_speakers_quotes(client, editor, article, speaker):
    Quote.objects.create(article=article, speaker=speaker, role="présidente", text="Avançons.")
    client.force_login(editor)
    response = client.get(f"/desk/articles/speaker/{speaker.pk}/change/")
    assert "Avançons." in response.content.decode()
    listing = client.get("/desk/articles/speaker/", {"q": "Fontanel"})
    assert "Claire Fontanel" in listing.content.decode()


def test_speaker_autocomplete_serves_the_quote_inline(client, journalist, speaker):
    client.force_login(journalist)
    response = client.get(
        "/desk/autocomplete/",
        {"term": "fonta", "app_label": "articles", "model_name": "quote", "field_name": "speaker"},
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["Claire Fontanel"]


def test_article_list_searches_the_body(client, editor, section):
    make_article(section, headline="Sans rapport", body="<p>Le mot caché : cybersécurité.</p>")
    make_article(section, headline="Autre sujet", slug="autre")
    client.force_login(editor)
    response = client.get("/desk/articles/article/", {"q": "cybersécurité"})
    assert [a.headline for a in response.context["cl"].result_list] == ["Sans rapport"]


def test_view_on_site_points_to_preview_until_published(client, editor, section):
    draft = make_article(section, status=Article.Status.DRAFT)
    client.force_login(editor)
    html = client.get(f"/desk/articles/article/{draft.pk}/change/").content.decode()
    assert f"/apercu/{draft.pk}/" in html
    preview = client.get(f"/apercu/{draft.pk}/")
    assert preview.status_code == 200
    assert preview["Cache-Control"] == "private, no-store"


def test_organisation_admin_lists_its_speakers(client, editor, speaker):
    organisation = Organisation.objects.create(name="Pôle Sud", slug="pole-sud")
    speaker.organisation = organisation
    speaker.save()
    client.force_login(editor)
    html = client.get(f"/desk/articles/organisation/{organisation.pk}/change/").content.decode()
    assert "Claire Fontanel" in html

"""A journalist writes a complete article in the desk; only an editor publishes it."""

import pytest
from django.utils import timezone

from articles.models import Article, Author
from tests.articles.conftest import ADD_URL, article_form, change_url, jpeg, quote_row

pytestmark = pytest.mark.django_db


def complete_article_form(section, speakers, author):
    claire, hugo = speakers
    return article_form(
        section,
        lead_image=jpeg(),
        bylines=[{"author": str(author.pk), "position": "0"}],
        quotes=[
            quote_row(claire, "Nous avons tout à gagner à travailler ensemble.", pull=True),
            quote_row(hugo, "Nos deux écosystèmes se complètent."),
            quote_row(claire, "Rien ne se fera sans les entreprises.", role="présidente"),
        ],
        notes=[{"kind": "note", "text": "Cet article a été complété.", "created_at": ""}],
    )


def test_journalist_writes_submits_and_editor_publishes(
    client, journalist, editor, section, two_speakers
):
    client.force_login(journalist)
    author = Author.objects.get(user=journalist)
    data = complete_article_form(section, two_speakers, author)
    data["notes-0-created_at_0"], data["notes-0-created_at_1"] = "26/05/2015", "10:00"
    data["_submit"] = "Enregistrer et soumettre"
    response = client.post(ADD_URL, data)
    assert response.status_code == 302, response.context["adminform"].form.errors

    article = Article.objects.get()
    assert article.status == Article.Status.READY
    assert article.created_by == journalist
    assert article.lead_image_caption == "Le pôle toulousain et ses start-up"
    assert article.lead_image_credit == "Photo Jeanne Martin"
    assert article.lead_image_width == 1600
    assert [r["width"] for r in article.lead_image_renditions["original"]] == [480, 800, 1200]
    assert article.body.count("<h2>") == 2
    assert article.quotes.count() == 3
    assert article.quotes.filter(is_pull_quote=True).count() == 1
    assert article.quotes.get(speaker=two_speakers[1]).role == "directeur de Numéria"  # pre-filled
    assert article.quotes.get(text__startswith="Rien").role == "présidente"  # as written
    assert article.notes.count() == 1
    assert sorted(article.tags.names()) == ["Montpellier", "Occitanie", "Toulouse"]
    assert [b.author for b in article.bylines.all()] == [author]

    # The journalist's attempt to publish is refused by the server, through every door.
    article.refresh_from_db()
    data = article_form(section, opened_token=str(article.edit_token), _publish="Publier")
    assert client.post(change_url(article), data).status_code == 403
    action = {"action": "publish_selected", "_selected_action": [article.pk]}
    client.post("/desk/articles/article/", action)
    article.refresh_from_db()
    assert article.status == Article.Status.READY
    assert not Article.objects.published().exists()

    client.force_login(editor)
    response = client.post("/desk/articles/article/", action)
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    assert article.published_at <= timezone.now()
    assert list(Article.objects.published()) == [article]


def test_publish_action_is_not_offered_to_a_journalist(client, journalist, editor):
    client.force_login(journalist)
    actions = client.get("/desk/articles/article/").context["action_form"].fields["action"]
    assert "publish_selected" not in dict(actions.choices)
    assert "submit_selected" in dict(actions.choices)
    client.force_login(editor)
    actions = client.get("/desk/articles/article/").context["action_form"].fields["action"]
    assert {"publish_selected", "unpublish_selected"} <= set(dict(actions.choices))


def test_quote_role_is_kept_when_the_speaker_changes_role(article, speaker):
    quote = article.quotes.create(speaker=speaker, role=speaker.role, text="Oui.")
    speaker.role = "ancienne présidente du pôle"
    speaker.save()
    quote.refresh_from_db()
    assert quote.role == "présidente du pôle"


def test_two_pull_quotes_are_refused_with_a_clear_error(client, editor, section, two_speakers):
    client.force_login(editor)
    claire, hugo = two_speakers
    data = article_form(
        section,
        quotes=[quote_row(claire, "Un.", pull=True), quote_row(hugo, "Deux.", pull=True)],
    )
    response = client.post(ADD_URL, data)
    assert response.status_code == 200
    quotes_formset = response.context["inline_admin_formsets"][1].formset
    assert quotes_formset.non_form_errors()
    assert not Article.objects.exists()


def test_editor_sends_an_article_back_with_a_note(client, editor, journalist, section):
    from tests.conftest import make_article

    article = make_article(section, status=Article.Status.READY, created_by=journalist)
    client.force_login(editor)
    data = article_form(section, opened_token=str(article.edit_token), review_note="Sourcez.")
    data["_send_back"] = "1"
    assert client.post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    assert article.review_note == "Sourcez."
    client.force_login(journalist)
    desk = client.get("/desk/").content.decode()
    assert "Sourcez." in desk

"""Every save is a version: editors compare and restore; a stale concurrent save is refused."""

import uuid

import pytest
from reversion.models import Version

from articles.markers import marker
from articles.models import Article
from tests.articles.conftest import ADD_URL, article_form, change_url, quote_row, resubmit
from tests.conftest import make_staff

pytestmark = pytest.mark.django_db
FIRST, SECOND = uuid.uuid4(), uuid.uuid4()  # the refs of the two quotes
CLAIRE = "❝ Claire Fontanel (présidente de Pôle Sud) : « Première citation. »"


@pytest.fixture
def first_version(client, editor, section, two_speakers):
    claire, hugo = two_speakers
    client.force_login(editor)
    data = article_form(
        section,
        body=f"<p>Version d’origine.</p>{marker(FIRST)}{marker(SECOND)}<p>Suite.</p>",
        quotes=[
            quote_row(claire, "Première citation.", ref=FIRST),
            quote_row(hugo, "Deuxième.", ref=SECOND),
        ],
    )
    assert client.post(ADD_URL, data).status_code == 302
    return Article.objects.get()


def edit(client, article, **changes):
    response = client.get(change_url(article))
    return client.post(change_url(article), resubmit(response, **changes))


def test_restoring_an_older_version_brings_back_body_and_quotes(client, first_version):
    article = first_version
    first = Version.objects.get_for_object(article).get()
    quotes = list(article.quotes.order_by("pk"))
    response = edit(
        client,
        article,
        body=f"<p>Version réécrite.</p><p>Suite.</p>{marker(FIRST)}",
        **{"quotes-0-text": "Citation modifiée.", "quotes-1-DELETE": "on"},
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.body == f"<p>Version réécrite.</p><p>Suite.</p>{marker(FIRST)}"
    assert list(article.quotes.values_list("text", flat=True)) == ["Citation modifiée."]

    history = client.get(f"/desk/articles/article/{article.pk}/history/")
    assert f"/history/{first.pk}/compare/" in history.content.decode()
    compare = client.get(f"/desk/articles/article/{article.pk}/history/{first.pk}/compare/")
    changed = {change["field"]: change["lines"] for change in compare.context["changes"]}
    assert {"- Version d’origine.", "+ Version réécrite."} <= set(changed["body"])
    assert f"- {CLAIRE}" in changed["body"]  # the quote moved, and its words changed
    assert f"+ {CLAIRE.replace('Première citation', 'Citation modifiée')}" in changed["body"]
    assert "- Hugo Bastide (directeur de Numéria) : « Deuxième. »" in changed["quotes"]

    revision_url = f"/desk/articles/article/{article.pk}/history/{first.pk}/"
    restore = client.get(revision_url)
    assert restore.status_code == 200
    assert client.post(revision_url, resubmit(restore)).status_code == 302
    article.refresh_from_db()
    assert article.body == f"<p>Version d’origine.</p>{marker(FIRST)}{marker(SECOND)}<p>Suite.</p>"
    assert sorted(article.quotes.values_list("pk", "ref", "text")) == [
        (quotes[0].pk, FIRST, "Première citation."),
        (quotes[1].pk, SECOND, "Deuxième."),
    ]
    assert Version.objects.get_for_object(article).count() == 3


def test_a_quote_moved_in_the_text_shows_in_the_comparison_and_comes_back_with_its_version(
    client, first_version
):
    article = first_version
    first = Version.objects.get_for_object(article).get()
    moved = f"<p>Version d’origine.</p>{marker(SECOND)}<p>Suite.</p>{marker(FIRST)}"
    assert edit(client, article, body=moved).status_code == 302
    compare = client.get(f"/desk/articles/article/{article.pk}/history/{first.pk}/compare/")
    changed = {change["field"]: change["lines"] for change in compare.context["changes"]}
    assert changed["body"] == [f"- {CLAIRE}", f"+ {CLAIRE}"]
    assert sorted(line[0] for line in changed["quotes"]) == ["+", "-"]  # listed in body order

    revision_url = f"/desk/articles/article/{article.pk}/history/{first.pk}/"
    assert client.post(revision_url, resubmit(client.get(revision_url))).status_code == 302
    article.refresh_from_db()
    assert article.body.startswith(f"<p>Version d’origine.</p>{marker(FIRST)}")


def test_stale_concurrent_save_is_refused_and_says_what_changed(client, first_version):
    article = first_version
    rival = make_staff("bruno", "Editors")
    rival.first_name, rival.last_name = "Bruno", "Rival"
    rival.save()
    mine = client.get(change_url(article))  # I open the article...
    client.force_login(rival)  # ...a colleague opens it too, and saves first.
    assert edit(client, article, headline="Titre du collègue").status_code == 302

    client.force_login(Article.objects.get().created_by)
    response = client.post(change_url(article), resubmit(mine, lede="Mon chapô."))
    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.non_field_errors())
    assert "Bruno Rival" in errors
    assert "headline" in errors or "titre" in errors
    article.refresh_from_db()
    assert article.headline == "Titre du collègue"
    assert article.lede != "Mon chapô."


def test_two_saves_racing_past_the_form_check_cannot_both_win(first_version):
    from articles import publishing

    token = first_version.edit_token
    assert publishing.claim_edit(Article.objects.get(), token) is True
    assert publishing.claim_edit(Article.objects.get(), token) is False

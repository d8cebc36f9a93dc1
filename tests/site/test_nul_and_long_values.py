"""A NUL byte or an over-long value gets a 404, a 400 or a form error, never a 500."""

import pytest

from tests.articles.conftest import ADD_URL, article_form
from tests.comments.conftest import post_comment

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/mots-cles/%00/",
        "/mots-cles/%00/rss/",
        "/mots-cles/%00/atom/",
        "/rubriques/%00/",
        "/intervenants/a%00b/",
        "/auteurs/%00/",
        "/commentaires/suivi/%00/",
        "/articles/x%00-1/",
    ],
)
def test_a_nul_byte_in_the_path_is_a_404(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/classements/?rubrique=%00",
        "/classements/?fenetre=24h%00",
        "/recherche/?q=p%C3%B4les%00",
        "/rubriques/numerique/?page=%00",
        "/?utm%00=1",
    ],
)
def test_a_nul_byte_in_the_query_string_is_a_400_in_french(client, article, url):
    response = client.get(url)
    assert response.status_code == 400
    assert "Requête incomprise" in response.content.decode()


def test_the_desk_search_and_autocomplete_answer_400_to_a_nul_byte(client, editor):
    client.force_login(editor)
    autocomplete = client.get(
        "/desk/autocomplete/",
        {"term": "\x00", "app_label": "articles", "model_name": "article", "field_name": "section"},
    )
    search = client.get("/desk/articles/article/", {"q": "\x00"})
    assert (autocomplete.status_code, search.status_code) == (400, 400)


def test_a_nul_byte_in_a_comment_is_a_form_error(client, article):
    response = post_comment(client, article, display_name="Jean\x00ne", text="Un avis\x00.")
    assert response.status_code == 400
    assert response.context["form"].errors["text"]


def test_a_tag_longer_than_its_column_is_a_french_form_error(client, editor, section):
    client.force_login(editor)
    too_long = ("Métropole " * 11).strip()  # 109 characters
    response = client.post(ADD_URL, article_form(section, tags=f'"{too_long}", Toulouse'))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["tags"]
    assert errors == [
        f"Un mot-clé compte au plus 100 caractères\u00a0; celui-ci en a plus\u00a0: {too_long}"
    ]

"""Quotes stand where the journalist put their marker in the text, and stay with their paragraph."""

import json
import re
import uuid
from importlib import import_module

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from reversion.models import Version

from articles import publishing
from articles.markers import marker
from articles.models import Article, Quote
from tests.articles.conftest import ADD_URL, article_form, change_url, quote_row, resubmit
from tests.conftest import make_article

pytestmark = pytest.mark.django_db
legacy = import_module("articles.migrations.0008_quote_markers")
A, B, C = (uuid.UUID(int=n, version=4) for n in (1, 2, 3))
BODY = "<p>Premier.</p><p>Deuxième.</p><p>Troisième.</p>"


def stored(section, body):
    """Return the body as saving an article stores it."""
    article = make_article(section, body=body, slug=f"a-{uuid.uuid4().hex[:8]}")
    article.refresh_from_db()
    return article.body


def test_a_marker_survives_the_save_and_the_page_shows_the_quote_in_its_place(
    client, editor, section, two_speakers
):
    claire, hugo = two_speakers
    client.force_login(editor)
    body = f"<p>Premier.</p><p>Deuxième.</p>{marker(A)}<p>Troisième.</p>"
    data = article_form(
        section,
        body=body,
        quotes=[
            quote_row(claire, "Au bon endroit.", ref=A, pull=True),
            quote_row(hugo, "Pas encore placée."),
        ],
    )
    assert client.post(ADD_URL, data).status_code == 302
    article = Article.objects.get()
    assert article.body == body
    assert article.quotes.get(text="Au bon endroit.").ref == A
    publishing.publish(article, by=editor)

    page = client.get(article.get_absolute_url()).content.decode()
    html = page[page.index('<div class="article-body"') :]  # not the head's structured data
    second, placed = html.index("<p>Deuxième.</p>"), html.index("Au bon endroit.")
    third, unplaced = html.index("<p>Troisième.</p>"), html.index("Pas encore placée.")
    assert second < placed < third < unplaced  # the quote without marker after the body
    assert 'class="quote pull-quote"' in html[second:third]
    assert "data-quote" not in page  # markers are never shown to readers


def test_the_server_keeps_a_marker_and_nothing_else_of_it(section):
    assert stored(section, f'<blockquote data-quote="{A}"></blockquote>') == marker(A)
    hostile = f'<blockquote data-quote="{A}" class="x" style="x" onclick="alert(1)"></blockquote>'
    assert stored(section, hostile) == marker(A)
    assert stored(section, f'<p data-quote="{A}">Texte.</p>') == "<p>Texte.</p>"
    assert stored(section, f'<h2 data-quote="{A}">Titre</h2>') == "<h2>Titre</h2>"
    assert stored(section, f'<blockquote data-quote="{str(A).upper()}"></blockquote>') == marker(A)


@pytest.mark.parametrize(
    "value",
    [
        "javascript:alert(1)",
        '"><script>alert(1)</script>',
        "' onmouseover='alert(1)",
        "../../desk/",
        "1 OR 1=1",
        f"{A} {B}",
        "",
    ],
)
def test_a_hostile_marker_value_is_dropped_and_the_page_shows_nothing_of_it(client, section, value):
    body = stored(section, f'<p>Avant.</p><blockquote data-quote="{value}"></blockquote>')
    assert "data-quote" not in body
    article = Article.objects.get(body=body)
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<p>Avant.</p>" in html
    assert "alert(1)" not in html


def test_each_new_quote_gets_its_own_ref_even_from_a_copied_row(
    client, editor, section, two_speakers
):
    claire, hugo = two_speakers
    client.force_login(editor)
    data = article_form(
        section,
        quotes=[
            quote_row(claire, "Un.", ref=A),
            quote_row(hugo, "Deux.", ref=A),  # copied without JavaScript: the same ref
            quote_row(hugo, "Trois."),  # no ref posted
        ],
    )
    assert client.post(ADD_URL, data).status_code == 302
    refs = dict(Quote.objects.values_list("text", "ref"))
    assert refs["Un."] == A
    assert len(set(refs.values())) == 3


def test_a_saved_quote_keeps_its_ref_whatever_is_posted(client, editor, section, two_speakers):
    client.force_login(editor)
    data = article_form(section, quotes=[quote_row(two_speakers[0], "Un.", ref=A)])
    assert client.post(ADD_URL, data).status_code == 302
    article = Article.objects.get()
    response = client.get(change_url(article))
    posted = resubmit(response, **{"quotes-0-ref": str(B), "quotes-0-text": "Un, revu."})
    assert client.post(change_url(article), posted).status_code == 302
    assert Quote.objects.get().ref == A


def test_the_desk_says_which_quotes_the_text_places_and_loads_the_editor_node(
    client, editor, section, two_speakers
):
    claire, hugo = two_speakers
    article = make_article(section, body=f"<p>Un.</p>{marker(A)}")
    Quote.objects.create(article=article, speaker=claire, text="Placée.", ref=A)
    Quote.objects.create(article=article, speaker=hugo, text="Pas placée.", ref=B)
    client.force_login(editor)
    response = client.get(change_url(article))
    html = response.content.decode()
    statuses = [
        form.instance.ref for form in response.context["inline_admin_formsets"][1].formset.forms
    ]
    assert statuses[:2] == [A, B]
    assert html.count('class="quote-placement" data-placed="true"') == 1
    assert html.count('class="quote-placement" data-placed="false"') == 3  # the empty rows too
    assert html.count('class="button quote-insert" hidden') == 4  # shown by desk-quotes.js
    refs = re.findall(r'name="quotes-(?:\d+|__prefix__)-ref" value="([0-9a-f-]{36})"', html)
    assert len(set(refs)) == 4 and {str(A), str(B)} <= set(refs)  # a new row has one too
    assert "js/desk-quotes.js" in html and "css/desk-quotes.css" in html
    assert "js/quote-marker.js" in html  # the editor's extension module
    assert "&quot;QuoteMarker&quot;:true" in html


def test_the_migration_puts_each_legacy_quote_where_the_page_showed_it():
    body = "<p>un</p><h2>Titre</h2><ul><li><p>x</p></li></ul><p>deux</p>\n<p>trois</p>"
    places = [(0, "r0"), (1, "r1"), (1, "r1b"), (2, "r2"), (3, "r3"), (9, "r9")]
    assert legacy.body_with_markers(body, places) == (
        f"{marker('r0')}<p>un</p>{marker('r1')}{marker('r1b')}<h2>Titre</h2>"
        f"<ul><li><p>x</p></li></ul><p>deux</p>{marker('r2')}\n<p>trois</p>{marker('r3')}"
        f"{marker('r9')}"
    )
    assert legacy.body_with_markers("", [(1, "r1")]) == marker("r1")
    assert legacy.body_with_markers(body, []) == body  # as written, to the character
    back, positions, paragraphs = legacy.positions_from_markers(
        legacy.body_with_markers(body, places)
    )
    assert back == body
    assert positions == {"r0": 0, "r1": 1, "r1b": 1, "r2": 2, "r3": 3, "r9": 3}
    assert paragraphs == 3


def test_the_migration_converts_quotes_and_saved_versions_and_can_be_undone(transactional_db):
    """Migrate back to positions, write legacy data, migrate forward: places and history kept."""
    before, after = [("articles", "0007_first_publication")], [("articles", "0008_quote_markers")]
    history = [("reversion", "0002_add_index_on_version_for_content_type_and_db")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before + history).apps
    section = old.get_model("articles", "Section").objects.create(name="Numérique", slug="num")
    speaker = old.get_model("articles", "Speaker").objects.create(full_name="Claire", slug="c")
    article = old.get_model("articles", "Article")._base_manager.create(
        section=section, headline="Titre", slug="titre", lede="Chapô.", body=BODY
    )
    OldQuote = old.get_model("articles", "Quote")
    second = OldQuote.objects.create(article=article, speaker=speaker, text="Après 2.", position=2)
    top = OldQuote.objects.create(article=article, speaker=speaker, text="En tête.", position=0)
    # A saved version as django-reversion wrote it then, with a quote deleted since.
    ContentType = old.get_model("contenttypes", "ContentType")
    types = {
        model: ContentType.objects.get_or_create(app_label="articles", model=model)[0]
        for model in ("article", "quote")
    }
    revision = old.get_model("reversion", "Revision").objects.create(
        date_created=article.created_at
    )

    def version(obj_type, pk, fields):
        data = [{"model": f"articles.{obj_type}", "pk": pk, "fields": fields}]
        old.get_model("reversion", "Version").objects.create(
            revision=revision, object_id=str(pk), content_type=types[obj_type], db="default",
            format="json", serialized_data=json.dumps(data), object_repr=str(pk),
        )  # fmt: skip

    version("article", article.pk, {"headline": "Titre", "body": BODY, "section": section.pk})
    quote_fields = {"article": article.pk, "speaker": speaker.pk, "role": "", "is_pull_quote": 0}
    version("quote", second.pk, quote_fields | {"text": "Après 2.", "position": 2})
    version("quote", 999, quote_fields | {"text": "Supprimée.", "position": 1})

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)
    new = executor.loader.project_state(after + history).apps
    Quote_ = new.get_model("articles", "Quote")
    refs = {quote.text: str(quote.ref) for quote in Quote_.objects.all()}
    body = new.get_model("articles", "Article")._base_manager.get().body
    assert body == (
        f"{marker(refs['En tête.'])}<p>Premier.</p><p>Deuxième.</p>{marker(refs['Après 2.'])}"
        "<p>Troisième.</p>"
    )
    saved = {}
    for version in new.get_model("reversion", "Version").objects.all():
        record = json.loads(version.serialized_data)[0]
        saved[record["model"], record["pk"]] = record["fields"]
    kept, deleted = saved["articles.quote", second.pk], saved["articles.quote", 999]
    assert "position" not in kept and kept["ref"] == refs["Après 2."]
    gone = deleted["ref"]
    restorable = Version.objects.get(object_id="999", content_type__model="quote")
    assert str(restorable._object_version.object.ref) == gone  # reversion reads it back
    assert saved["articles.article", article.pk]["body"] == (
        f"<p>Premier.</p>{marker(gone)}<p>Deuxième.</p>{marker(refs['Après 2.'])}<p>Troisième.</p>"
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(before)  # and back: positions from the markers
    old = executor.loader.project_state(before).apps
    positions = dict(old.get_model("articles", "Quote").objects.values_list("text", "position"))
    assert positions == {"En tête.": 0, "Après 2.": 2}
    assert old.get_model("articles", "Article")._base_manager.get().body == BODY
    assert top.pk
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

"""Each article's search text: its words folded, and kept current by every path of writing."""

from importlib import import_module

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import publishing
from articles.models import Article
from articles.search_text import fill, normalise
from tests.articles.conftest import article_form, change_url
from tests.conftest import make_article

pytestmark = pytest.mark.django_db

URL = "/recherche/"
FILL_MIGRATION = import_module("articles.migrations.0011_fill_search_text")


def found(client, query):
    response = client.get(URL, {"q": query})
    return [article.headline for article in response.context["page_obj"]]


def search_text(article):
    return Article.all_objects.values_list("search_text", flat=True).get(pk=article.pk)


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Les Pôles", "les poles"),
        ("PÔLES", "poles"),
        ("L’ŒUVRE, l’œuvre", "l'oeuvre, l'oeuvre"),
        ("Ex æquo", "ex aequo"),
        ("Straße", "strasse"),
        ("ﬁn de série", "fin de serie"),
        ("Łódź, Øresund", "lodz, oresund"),
        ("e\u0301te\u0301, written apart", "ete, written apart"),
        ("Ça coûte 10\u00a0€", "ca coute 10 €"),
    ],
)
def test_normalised_text_is_lower_case_without_accents_or_ligatures(text, folded):
    assert normalise(text) == folded


def test_the_search_text_holds_headline_then_kicker_and_lede_then_body_folded(section):
    article = make_article(
        section,
        headline="Les Pôles  se\nrapprochent",
        kicker="Économie",
        lede="Deux pôles.\nUn projet.",
        body="<p>L’<strong>été</strong> des start-up&nbsp;: R&amp;D.</p><h2>Suite</h2>",
    )
    assert search_text(article).split("\n") == [
        "les poles se rapprochent",
        "economie deux poles. un projet.",
        "l' ete des start-up : r&d. suite",
    ]


def test_the_search_text_has_the_body_as_stored_sanitised(section):
    article = make_article(section, body="<p>Lu.</p><script>cache()</script><style>p{}</style>")
    assert search_text(article).endswith("\nlu.")


def test_a_save_rewrites_the_search_text_with_the_text(section):
    article = make_article(section, headline="Les pôles")
    article.headline = "Les régions"
    article.save()
    assert search_text(article).startswith("les regions\n")
    article.lede = "Un chapô nouveau."
    article.save(update_fields=["lede"])
    assert "\nun chapo nouveau.\n" in search_text(article)


def test_a_state_change_does_not_write_the_search_text_again(section, editor):
    article = make_article(section, headline="Les pôles", status=Article.Status.READY)
    with CaptureQueriesContext(connection) as captured:
        publishing.publish(article, by=editor)
    writes = [query["sql"] for query in captured if query["sql"].startswith("UPDATE")]
    assert writes
    assert not any("search_text" in sql for sql in writes)
    assert search_text(article).startswith("les poles\n")


def test_a_headline_changed_through_a_queryset_update_is_found_by_its_new_words(client, section):
    make_article(section, slug="a", headline="Les pôles se rapprochent")
    Article.objects.filter(headline__startswith="Les pôles").update(headline="Les Zèbres du zoo")
    assert found(client, "zebres") == ["Les Zèbres du zoo"]
    assert found(client, "rapprochent") == []


def test_an_update_of_many_rows_rewrites_each_search_text(section):
    for n in range(7):
        make_article(section, slug=f"a{n}", headline=f"Numéro {n}", lede=f"Chapô {n}.")
    Article.objects.update(kicker="Écologie")
    for article in Article.objects.all():
        assert f"\necologie chapo {article.slug[1:]}.\n" in search_text(article)


def test_an_update_of_other_fields_costs_no_more_queries(section, django_assert_num_queries):
    make_article(section, headline="Les pôles")
    # Which articles (for the page cache), then the update: as before search_text was kept.
    with django_assert_num_queries(2):
        Article.objects.update(is_open_for_comments=False)


def test_bulk_create_and_bulk_update_write_the_search_text(client, section):
    (article,) = Article.objects.bulk_create(
        [
            Article(
                section=section,
                slug="b",
                headline="Les Castors",
                lede="Au barrage.",
                body="<p>Un été.</p><script>x()</script>",
                status=Article.Status.PUBLISHED,
                published_at=timezone.now(),
            )
        ]
    )
    assert search_text(article) == "les castors\nau barrage.\nun ete."
    loaded = Article.objects.only("pk", "lede").get(pk=article.pk)
    loaded.lede = "Au lac gelé."
    Article.objects.bulk_update([loaded], ["lede"])
    assert search_text(article) == "les castors\nau lac gele.\nun ete."
    assert found(client, "gele") == ["Les Castors"]


def test_an_article_edited_at_the_desk_is_found_by_its_new_words_without_accents(
    client, editor, section
):
    article = make_article(section, headline="Les pôles se rapprochent")
    client.force_login(editor)
    data = article_form(section, headline="Les élus votent", opened_token=str(article.edit_token))
    data["published_at_0"], data["published_at_1"] = "26/05/2015", "10:00"
    assert client.post(change_url(article), data).status_code == 302
    assert search_text(article).startswith("les elus votent\n")
    client.logout()
    assert found(client, "ELUS") == ["Les élus votent"]
    assert found(client, "rapprochent") == []


def test_fill_writes_the_search_text_of_every_article_in_batches(
    section, django_assert_num_queries
):
    articles = [make_article(section, slug=f"a{n}", headline=f"Pôle {n}") for n in range(5)]
    Article.all_objects.filter(pk=articles[0].pk).update(deleted_at=timezone.now())
    Article.all_objects.update(search_text="")  # as migration 0010 left them
    # Three batches read and written, and the read that finds no more.
    with django_assert_num_queries(3 * 2 + 1):
        fill(Article.all_objects.all(), batch_size=2)
    for article in articles:
        assert search_text(article) == f"pole {article.headline[-1]}\nchapo.\n"


def test_the_migration_fills_the_articles_written_before_and_search_finds_them(client, section):
    make_article(section, slug="a", headline="Les pôles", body="<p>Un été à Rodez.</p>")
    Article.all_objects.update(search_text="")
    FILL_MIGRATION.fill_search_text(apps, connection.schema_editor())
    assert found(client, "poles") == ["Les pôles"]
    assert found(client, "ete rodez") == ["Les pôles"]
    assert search_text(Article.objects.get()) == "les poles\nchapo.\nun ete a rodez."

"""The reader's search page: what it finds, in what order, shown safely, in few queries."""

import datetime as dt
import re

import pytest
from django.conf import settings
from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article, Author, Byline
from articles.search import (
    MAX_QUERY_LENGTH,
    SEARCH_CONFIG,
    Markers,
    excerpt_around_words,
    render_excerpt,
)
from tests.conftest import make_article
from tests.xss import VECTORS, live_payloads

pytestmark = pytest.mark.django_db

URL = "/recherche/"
only_on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="full-text search needs PostgreSQL"
)


@pytest.fixture
def english_reader(client):
    """Read the site in English, whose strings are the source ones."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def search(client, query, **params):
    response = client.get(URL, {"q": query, **params})
    assert response.status_code == 200
    return response


def found(client, query):
    return [article.headline for article in search(client, query).context["page_obj"]]


def excerpts(html):
    return re.findall(r'<p class="search-excerpt">(.*?)</p>', html, re.S)


def hours_ago(hours):
    return timezone.now() - dt.timedelta(hours=hours)


def test_an_article_is_found_by_a_word_of_its_headline_lede_or_body(client, section):
    make_article(section, slug="a", headline="La fusion des régions", lede="Chapô.")
    make_article(section, slug="b", headline="Titre", lede="Le pôle numérique grandit.")
    make_article(section, slug="c", headline="Autre", lede="Chapô.", body="<p>Un numérique</p>")
    assert found(client, "fusion") == ["La fusion des régions"]
    assert sorted(found(client, "numérique")) == ["Autre", "Titre"]


def test_a_word_found_nowhere_gives_no_result_and_says_so(english_reader, section):
    make_article(section, slug="a", headline="La fusion des régions")
    response = search(english_reader, "tramway")
    assert list(response.context["page_obj"]) == []
    assert "No results for “tramway”" in response.content.decode()


def test_every_word_of_the_query_must_be_found(client, section):
    make_article(section, slug="a", headline="Fusion des régions", lede="Le pôle numérique.")
    make_article(section, slug="b", headline="Fusion des communes", lede="Rien de plus.")
    assert found(client, "fusion numérique") == ["Fusion des régions"]


def test_the_heading_counts_the_results_and_repeats_the_query(english_reader, section):
    for n in range(3):
        make_article(section, slug=f"a{n}", headline=f"Pôle numérique {n}")
    html = search(english_reader, "numérique").content.decode()
    assert "3 results for “numérique”" in html
    make_article(section, slug="seul", headline="Une fusion")
    assert "1 result for “fusion”" in search(english_reader, "fusion").content.decode()


def test_the_heading_is_french_with_non_breaking_spaces_inside_guillemets(client, section):
    for n in range(3):
        make_article(section, slug=f"a{n}", headline=f"Pôle numérique {n}")
    html = search(client, "numérique").content.decode()
    assert "3 résultats pour «\u00a0numérique\u00a0»" in html
    assert "Aucun résultat pour «\u00a0tramway\u00a0»" in search(client, "tramway").content.decode()


def test_drafts_scheduled_embargoed_and_unpublished_articles_are_never_found(client, section):
    make_article(section, slug="visible", headline="Numérique visible")
    make_article(section, slug="d", headline="Numérique brouillon", status=Article.Status.DRAFT)
    make_article(section, slug="r", headline="Numérique relu", status=Article.Status.READY)
    make_article(section, slug="u", headline="Numérique retiré", status=Article.Status.UNPUBLISHED)
    make_article(section, slug="s", headline="Numérique programmé", published_at=hours_ago(-2))
    make_article(section, slug="e", headline="Numérique sous embargo", is_embargoed=True)
    assert found(client, "numérique") == ["Numérique visible"]


def test_equally_relevant_articles_are_listed_newest_first(client, section):
    make_article(section, slug="old", headline="Numérique ancien", published_at=hours_ago(48))
    make_article(section, slug="new", headline="Numérique récent", published_at=hours_ago(1))
    make_article(section, slug="mid", headline="Numérique moyen", published_at=hours_ago(24))
    assert found(client, "numérique") == ["Numérique récent", "Numérique moyen", "Numérique ancien"]


def test_a_headline_match_ranks_above_a_newer_body_only_match(client, section):
    make_article(
        section,
        slug="body",
        headline="Les régions votent",
        body="<p>Le numérique, le numérique et encore le numérique.</p>",
        published_at=hours_ago(1),
    )
    make_article(
        section, slug="lede", headline="Un vote", lede="Le numérique.", published_at=hours_ago(2)
    )
    make_article(section, slug="head", headline="Le numérique vote", published_at=hours_ago(3))
    assert found(client, "numérique") == ["Le numérique vote", "Un vote", "Les régions votent"]


@only_on_postgresql
def test_french_stemming_and_missing_accents_still_find_the_article(client, section):
    make_article(section, slug="a", headline="Les pôles numériques se rapprochent")
    make_article(section, slug="b", headline="Une économie", lede="Le numérique régional.")
    assert len(found(client, "numérique")) == 2
    assert len(found(client, "numerique")) == 2
    assert found(client, "economie") == ["Une économie"]
    assert found(client, "NUMÉRIQUES POLES") == ["Les pôles numériques se rapprochent"]


@only_on_postgresql
def test_the_full_text_filter_uses_the_stored_documents_index(section):
    make_article(section, slug="a", headline="Numérique")
    query = SearchQuery("numérique", config=SEARCH_CONFIG, search_type="websearch")
    matches = Article.objects.filter(search_document=query)
    sql, params = matches.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "article_search_document_idx" in plan, plan


def test_the_searched_words_follow_the_text_by_every_path_of_writing(client, section):
    article = make_article(section, slug="a", headline="Le conseil vote", body="<p>Rien.</p>")
    Article.objects.filter(pk=article.pk).update(body="<p>Les zèbres du zoo.</p>")
    assert found(client, "zebres") == ["Le conseil vote"]
    article.refresh_from_db()
    article.headline = "Le conseil départemental"
    article.save()
    assert found(client, "departemental") == ["Le conseil départemental"]
    assert found(client, "vote") == []
    Article.objects.bulk_create([Article(section=section, slug="b", headline="Les castors")])
    Article.objects.filter(slug="b").update(
        status=Article.Status.PUBLISHED, published_at=timezone.now()
    )
    assert found(client, "castor") == ["Les castors"]


def test_a_word_typed_without_its_accents_or_in_capitals_finds_the_accented_word(client, section):
    make_article(section, slug="a", headline="Le conseil", body="<p>Les pôles se rapprochent.</p>")
    make_article(section, slug="b", headline="Les Pôles", lede="Ils se rapprochent.")
    make_article(section, slug="c", headline="L’Œuvre du conseil", lede="Un poème.")
    for query in ("poles", "PÔLES", "Pôles", "POLES"):
        assert sorted(found(client, query)) == ["Le conseil", "Les Pôles"], query
    assert found(client, "oeuvre") == ["L’Œuvre du conseil"]
    assert found(client, "POÈME") == ["L’Œuvre du conseil"]


def test_every_word_of_the_query_must_be_found_whatever_its_accents(client, section):
    make_article(section, slug="a", headline="Les pôles numériques", lede="À Toulouse.")
    make_article(section, slug="b", headline="Les pôles", lede="À Montpellier.")
    assert found(client, "poles numerique") == ["Les pôles numériques"]
    assert found(client, "Pôles TOULOUSE") == ["Les pôles numériques"]


def test_a_word_in_the_kicker_ranks_with_the_lede_above_the_body(client, section):
    make_article(
        section,
        slug="body",
        headline="Un vote",
        body="<p>Les pôles.</p>",
        published_at=hours_ago(1),
    )
    make_article(
        section, slug="kicker", headline="Un accord", kicker="Pôles", published_at=hours_ago(2)
    )
    make_article(section, slug="head", headline="Les pôles votent", published_at=hours_ago(3))
    assert found(client, "poles") == ["Les pôles votent", "Un accord", "Un vote"]


def test_an_article_with_every_word_in_its_headline_ranks_first(client, section):
    make_article(
        section,
        slug="body",
        headline="Le pôle de Toulouse",
        body="<p>Le numérique.</p>",
        published_at=hours_ago(1),
    )
    make_article(section, slug="head", headline="Le pôle numérique", published_at=hours_ago(2))
    assert found(client, "numerique pole") == ["Le pôle numérique", "Le pôle de Toulouse"]


def test_the_excerpt_highlights_the_accented_word_of_a_query_typed_without_accents(client, section):
    make_article(
        section,
        slug="a",
        headline="Le conseil",
        lede="Chapô sans rapport.",
        body="<p>Les <em>pôles</em> régionaux se rapprochent à Toulouse.</p>",
    )
    (excerpt,) = excerpts(search(client, "poles").content.decode())
    assert "<mark>pôles</mark>" in excerpt
    (excerpt,) = excerpts(search(client, "PÔLES REGIONAUX").content.decode())
    assert "<mark>pôles</mark>" in excerpt
    assert "<mark>régionaux</mark>" in excerpt


@pytest.mark.parametrize(
    ("text", "words", "marked"),
    [
        ("Les pôles régionaux", ["poles"], "Les [pôles] régionaux"),
        ("L’Œuvre et l'œuvre", ["oeuvre"], "L’[Œuvre] et l'[œuvre]"),
        ("La GROSSE Straße", ["strasse", "grosse"], "La [GROSSE] [Straße]"),
        ("Les po\u0302les, écrits à part", ["poles"], "Les [po\u0302les], écrits à part"),
        ("L’été, l’étape", ["l'et"], "[L’ét]é, [l’ét]ape"),
        ("Rien ici", ["poles"], "Rien ici"),
    ],
)
def test_the_markers_go_around_the_characters_as_written(text, words, marked):
    markers = Markers(start="[", stop="]")
    assert excerpt_around_words(text, words, markers) == marked


def test_a_word_in_more_articles_than_the_candidates_ranks_the_newest(client, section, settings):
    for day in range(5):
        make_article(
            section,
            slug=f"s{day}",
            headline=f"Séance {day}",
            published_at=timezone.now() - dt.timedelta(days=day),
        )
    settings.SEARCH_CANDIDATES = 3
    assert sorted(found(client, "seance")) == ["Séance 0", "Séance 1", "Séance 2"]
    html = search(client, "seance").content.decode()
    heading = re.search(r'<h2 class="search-count">(.*?)</h2>', html)[1]
    assert heading == (
        "Les 3 articles les plus récents contenant «\u00a0seance\u00a0», "
        "les plus pertinents d’abord"
    )


@only_on_postgresql
def test_a_query_of_stop_words_or_punctuation_finds_nothing_without_error(client, section):
    make_article(section, slug="a", headline="Le numérique et la région")
    assert found(client, "le la et") == []
    assert found(client, "!!! & | ( -") == []


def test_websearch_syntax_and_stray_punctuation_never_cause_an_error(client, section):
    make_article(section, slug="a", headline="Le pôle numérique")
    for query in ['"pôle numérique"', "pôle -fusion", "numérique OR fusion", "'", '"', "(", "!:*"]:
        search(client, query)


def test_the_excerpt_highlights_the_matched_words(client, section):
    make_article(
        section,
        slug="a",
        headline="Un pôle",
        lede="Chapô sans rapport.",
        body="<p>Les acteurs du <strong>numérique</strong> régional se retrouvent à Toulouse.</p>",
    )
    (excerpt,) = excerpts(search(client, "numérique").content.decode())
    assert "<mark>numérique</mark>" in excerpt
    assert "<strong>" not in excerpt
    assert "Toulouse" in excerpt


def test_the_excerpt_shows_the_lede_as_typed_and_the_body_as_read(client, section):
    make_article(
        section,
        slug="a",
        headline="Un pôle",
        lede="Au pôle, R&D et &lt;b&gt; pour le numérique.",
        body="<p>Le numérique&nbsp;: fish &amp; chips.</p>",
    )
    (excerpt,) = excerpts(search(client, "numérique").content.decode())
    assert "R&amp;D et &amp;lt;b&amp;gt; pour le <mark>numérique</mark>." in excerpt
    assert "<mark>numérique</mark>\u00a0: fish &amp; chips" in excerpt


def test_hostile_queries_are_shown_escaped_and_inert(english_reader, section):
    make_article(section, slug="a", headline="Numérique", lede="alert img script onerror")
    baseline = search(english_reader, "numérique").content.decode()
    for vector in VECTORS:
        html = search(english_reader, vector).content.decode()
        assert live_payloads(html, baseline) == [], vector
    html = search(english_reader, "<script>alert(1)</script>").content.decode()
    assert 'value="&lt;script&gt;alert(1)&lt;/script&gt;"' in html
    assert "“&lt;script&gt;alert(1)&lt;/script&gt;”" in html
    assert "<script>" not in html


def test_hostile_article_text_is_escaped_in_cards_and_excerpts(client, section):
    for n, vector in enumerate(VECTORS):
        make_article(
            section,
            slug=f"a{n}",
            headline=f"Piège {vector}",
            kicker=vector[:80],
            lede=f"Piège {vector} fin du chapô.",
            body=f"<p>Piège {vector}</p><p>Piège &lt;img src=x onerror=alert(1)&gt; {vector}</p>",
        )
    baseline = search(client, "numérique").content.decode()
    every_page = range(1, (len(VECTORS) + 19) // 20 + 1)  # 20 results a page
    pages = [search(client, "piège", page=page).content.decode() for page in every_page]
    for html in pages:
        assert live_payloads(html, baseline, strict=False) == []
        for excerpt in excerpts(html):
            assert "<mark>piège</mark>" in excerpt.lower()
            assert not re.search(r"[<>\"]", re.sub(r"</?mark>", "", excerpt)), excerpt
    html = "".join(pages)
    assert len(excerpts(html)) == len(VECTORS)
    assert "Piège &lt;script&gt;alert(1)&lt;/script&gt;</a>" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in "".join(excerpts(html))
    own_scripts = r'<script src="/static/js/[a-z]+\.js" defer></script>'
    assert "<script" not in re.sub(own_scripts, "", html).lower()
    assert not re.search(r"<[^>]*onerror=", html)


def test_only_the_markers_become_mark_tags_in_an_excerpt():
    markers = Markers(start="\x02s\x03", stop="\x02/s\x03")
    raw = "<b>a</b> \x02s\x03mot\x02/s\x03 <mark>x</mark> \x02\x03 & \"'"
    assert render_excerpt(raw, markers) == (
        "&lt;b&gt;a&lt;/b&gt; <mark>mot</mark> &lt;mark&gt;x&lt;/mark&gt;  &amp; &quot;&#x27;"
    )


@pytest.mark.parametrize("query", [None, "", "   "])
def test_an_empty_query_shows_the_form_alone_without_searching(client, section, query):
    make_article(section, slug="a", headline="Numérique")
    with CaptureQueriesContext(connection) as captured:
        response = client.get(URL, {} if query is None else {"q": query})
    assert response.status_code == 200
    html = response.content.decode()
    assert '<input id="search-query" name="q" type="search" value=""' in html
    assert "search-results" not in html
    assert "page_obj" not in response.context
    assert not any("articles_article" in query["sql"] for query in captured)


def test_the_page_is_not_indexed_by_search_engines(client):
    assert '<meta name="robots" content="noindex">' in search(client, "x").content.decode()


def test_a_query_longer_than_the_limit_is_cut(client, section):
    make_article(section, slug="a", headline="Numérique")
    query = "numérique " + "x" * 300
    response = search(client, query)
    assert response.context["query"] == query[:MAX_QUERY_LENGTH]
    assert f'value="{query[:MAX_QUERY_LENGTH]}"' in response.content.decode()


def test_control_characters_in_the_query_are_ignored(client, section):
    make_article(section, slug="a", headline="Numérique")
    assert found(client, "\x1bnumérique\x07") == ["Numérique"]


def test_a_nul_character_in_the_query_is_a_bad_request(client):
    assert client.get(URL, {"q": "\x00numérique"}).status_code == 400  # see RefuseNulMiddleware


def make_matches(section, total):
    author = Author.objects.create(name="Léa", slug="lea")
    for n in range(total):
        article = make_article(section, slug=f"n{n}", headline=f"Numérique {n}")
        Byline.objects.create(article=article, author=author)


@pytest.mark.parametrize("number", ["abc", "1.5", "9" * 5000])
def test_a_page_number_that_is_not_a_number_is_not_found(client, section, number):
    make_matches(section, 3)
    assert client.get(URL, {"q": "numérique", "page": number}).status_code == 404


@pytest.mark.parametrize("number", ["-1", "0", "3", "99999"])
def test_a_page_number_out_of_range_gives_the_last_page(client, section, number):
    make_matches(section, 25)
    page = search(client, "numérique", page=number).context["page_obj"]
    assert (page.number, len(page)) == (2, 5)


def test_pagination_links_keep_the_query(client, section):
    make_matches(section, 25)
    html = search(client, "numérique").content.decode()
    assert 'href="?q=num%C3%A9rique&amp;page=2"' in html
    html = search(client, "numérique", page=2).content.decode()
    assert 'href="?q=num%C3%A9rique&amp;page=1"' in html


@pytest.mark.parametrize("total", [1, 30])
def test_the_page_issues_a_fixed_number_of_queries(
    client, section, total, django_assert_num_queries
):
    make_matches(section, total)
    # Menu sections, the count, the page of articles with their section (cards show no byline).
    with django_assert_num_queries(3):
        response = search(client, "numérique")
    assert len(response.context["page_obj"]) == min(total, 20)


def test_results_are_kept_until_the_listings_change(
    client, section, settings, django_assert_num_queries
):
    """A query many readers make is searched once, until an article is published or changed."""
    settings.FRAGMENT_CACHE_SECONDS = 86400
    make_matches(section, 25)
    first = search(client, "numérique", page=2).content.decode()
    with django_assert_num_queries(0):
        assert search(client, "numérique", page=2).content.decode() == first
    with django_assert_num_queries(2):  # another page is another search
        search(client, "numérique")
    make_article(section, slug="nouveau", headline="Numérique nouveau")
    assert "Numérique nouveau" in search(client, "numérique").content.decode()
    # A page number written another way is searched afresh, and not kept.
    with django_assert_num_queries(2):
        search(client, "numérique", page="02")
    with django_assert_num_queries(2):
        search(client, "numérique", page="02")

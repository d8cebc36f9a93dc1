"""The reader's search page: French full text on PostgreSQL, plain containment elsewhere."""

import hashlib
import re
import secrets
from html import unescape
from typing import NamedTuple

from django.conf import settings
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import connection
from django.db.models import F, Func, Q, TextField, Value
from django.db.models.functions import Concat, Replace
from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from articles.models import Article
from articles.views import with_card_details
from pagecache import parts
from pagecache.pages import PAGE_NUMBER

MAX_QUERY_LENGTH = 200
RESULTS_PER_PAGE = 20
EXCERPT_WORDS = 35
# French stemming that ignores accents; created on PostgreSQL by migration 0003_search_index,
# and used by the trigger of migration 0009 that keeps each article's search document.
SEARCH_CONFIG = "french_unaccent"
# An HTML tag, attribute values included, as the sanitised body stores it.
TAG_PATTERN = r"""<("[^"]*"|'[^']*'|[^'">])*>"""
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
SPACES = re.compile(r"[ \t\n\r\f\v]+")
WORD = re.compile(r"\w[\w'’-]*")


class Markers(NamedTuple):
    """Where a match starts and stops in a raw excerpt, unguessable by any article or reader."""

    start: str
    stop: str


def search(request):
    """List the published articles matching the reader's query, best first.

    The results are a part of the page kept by the listings' version (pagecache/parts.py), as
    the lists of sections are: a query many readers make (the day's news) is searched once.
    """
    query = clean_query(request.GET.get("q", ""))
    results = ""
    if query:
        number = request.GET.get("page") or "1"

        def make(found):
            return results_html(request, query, number)

        if PAGE_NUMBER["page"].fullmatch(number):  # as the lists keep them
            digest = hashlib.sha256(query.encode()).hexdigest()
            key = parts.listings_key("search", get_language(), digest, number)
            results = parts.cached({key: make}, timeout=parts.seconds_to_keep)[key]
        else:
            results = make({})  # "last", or a number written another way: not kept
    return render(request, "articles/search.html", {"query": query, "results": mark_safe(results)})


def results_html(request, query, number):
    """Return the HTML of one page of results (404 when the page number is not a number)."""
    markers = new_markers()
    page = get_page(matching_articles(query, markers), number)
    for article in page:
        article.excerpt = excerpt(article, query, markers)
    context = {
        "query": query,
        "page_obj": page,
        # Only the newest matches were ranked: the heading says so rather than count them.
        "capped": connection.vendor == "postgresql"
        and page.paginator.count >= settings.SEARCH_CANDIDATES,
    }
    return render_to_string("articles/search_results.html", context, request)


def clean_query(raw):
    """Return the query without control characters or extra spaces, cut to its maximum length."""
    words = CONTROL_CHARACTERS.sub(" ", raw).split()
    return " ".join(words)[:MAX_QUERY_LENGTH].strip()


def new_markers():
    """Return match markers for one request: control characters around a random token."""
    token = secrets.token_hex(8)
    return Markers(start=f"\x02{token}\x03", stop=f"\x02/{token}\x03")


def get_page(queryset, number):
    """Return the requested page, the last one when out of range; 404 when not a number."""
    paginator = Paginator(queryset, RESULTS_PER_PAGE)
    try:
        return paginator.page(number or 1)
    except PageNotAnInteger as error:
        raise Http404(str(error)) from error
    except EmptyPage:
        return paginator.page(paginator.num_pages)


def matching_articles(query, markers):
    """Return the published articles matching the query, with their card details."""
    if connection.vendor == "postgresql":
        articles = full_text_matches(query, markers)
    else:
        articles = containment_matches(query)
    return with_card_details(articles).defer(None)  # the excerpt is cut from the body


def full_text_matches(query, markers):
    """Rank matches by relevance then recency, each with a raw `search_excerpt`.

    Matches are found and ranked on each article's stored document (migration 0009), never by
    parsing bodies; a word in thousands of articles ranks its SEARCH_CANDIDATES newest matches. The
    excerpt is made for the page shown only.
    """
    search_query = SearchQuery(query, config=SEARCH_CONFIG, search_type="websearch")
    candidates = (
        Article.objects.published()
        .filter(search_document=search_query)
        .order_by("-published_at", "-pk")
        .values("pk")[: settings.SEARCH_CANDIDATES]
    )
    plain_body = Func(
        F("body"),
        Value(TAG_PATTERN),
        Value(" "),
        Value("g"),
        function="regexp_replace",
        output_field=TextField(),
    )
    lede_as_html = Replace("lede", Value("&"), Value("&amp;"), output_field=TextField())
    return (
        Article.objects.filter(pk__in=candidates)
        .alias(rank=SearchRank(F("search_document"), search_query))
        .annotate(
            search_excerpt=SearchHeadline(
                Concat(lede_as_html, Value(" "), plain_body, output_field=TextField()),
                search_query,
                config=SEARCH_CONFIG,
                start_sel=markers.start,
                stop_sel=markers.stop,
                max_words=EXCERPT_WORDS,
                min_words=15,
                max_fragments=2,
                fragment_delimiter=" … ",
            )
        )
        .order_by("-rank", "-published_at", "-pk")
    )


def containment_matches(query):
    """Return articles containing every word of the query, newest first."""
    words = query_words(query)
    if not words:
        return Article.objects.none()
    condition = Q()
    for word in words:
        condition &= (
            Q(headline__icontains=word)
            | Q(kicker__icontains=word)
            | Q(lede__icontains=word)
            | Q(body__icontains=word)
        )
    return Article.objects.published().filter(condition).order_by("-published_at", "-pk")


def query_words(query):
    """Return the distinct words of a query, punctuation and search operators left out."""
    return list(dict.fromkeys(word.lower() for word in WORD.findall(query)))


def excerpt(article, query, markers):
    """Return the article's excerpt around the query's words, escaped and highlighted."""
    raw = getattr(article, "search_excerpt", None)
    if raw is None:
        text = f"{article.lede} {plain_text(article.body)}"
        raw = excerpt_around_words(text, query_words(query), markers)
    else:
        raw = unescape(raw)  # Entities of the body, and the lede's "&" escaped in SQL.
    return render_excerpt(collapse_spaces(raw), markers)


def plain_text(html):
    """Return the text of sanitised rich text, a space for each tag."""
    return unescape(re.sub(TAG_PATTERN, " ", html))


def collapse_spaces(text):
    """Return the text with runs of spaces and line breaks, but not non-breaking spaces, as one."""
    return SPACES.sub(" ", text).strip(" ")


def excerpt_around_words(text, words, markers):
    """Return some words of a text around its first match, with markers around matches."""
    tokens = collapse_spaces(text).split(" ")
    pattern = re.compile("|".join(map(re.escape, sorted(words, key=len, reverse=True))), re.I)
    first = next((i for i, token in enumerate(tokens) if pattern.search(token)), 0)
    begin = max(0, first - EXCERPT_WORDS // 4)
    text = " ".join(tokens[begin : begin + EXCERPT_WORDS])
    text = pattern.sub(lambda match: f"{markers.start}{match[0]}{markers.stop}", text)
    before = "… " if begin else ""
    after = " …" if begin + EXCERPT_WORDS < len(tokens) else ""
    return f"{before}{text}{after}"


def render_excerpt(raw, markers):
    """Escape a raw excerpt whole, then turn its markers, and only them, into <mark> tags."""
    html = escape(raw).replace(markers.start, "<mark>").replace(markers.stop, "</mark>")
    return mark_safe(CONTROL_CHARACTERS.sub("", html))

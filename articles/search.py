"""The reader's search page: French full text on PostgreSQL, folded words elsewhere."""

import hashlib
import re
import secrets
from html import unescape
from typing import NamedTuple

from django.conf import settings
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import connection
from django.db.models import Case, F, Func, IntegerField, Q, TextField, Value, When
from django.db.models.functions import Concat, Replace, StrIndex, Substr
from django.db.models.lookups import LessThan
from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from articles.models import Article
from articles.search_text import LINE_END, TAG_PATTERN, fold, normalise, plain_text
from articles.views import with_card_details
from pagecache import parts
from pagecache.pages import PAGE_NUMBER

MAX_QUERY_LENGTH = 200
RESULTS_PER_PAGE = 20
EXCERPT_WORDS = 35
# French stemming that ignores accents; created on PostgreSQL by migration 0003_search_index,
# and used by the trigger of migration 0009 that keeps each article's search document.
SEARCH_CONFIG = "french_unaccent"
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
        "capped": page.paginator.count >= settings.SEARCH_CANDIDATES,
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
    # The excerpt is cut from the body; the searched words are not shown.
    return with_card_details(articles).defer(None).defer("search_document", "search_text")


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
    """Rank the articles whose search text holds every word: headline, lede, body, then newest.

    Each word, folded as the text is (articles/search_text.py), is ranked by the line of the
    search text it is first found on: 3 in the headline, 2 in the kicker or lede, 1 in the body;
    an article's rank is the sum. Computed in SQL, by instr() over each candidate's text, in the
    query that lists the page: Python would have to load the words (kilobytes an article) of
    every candidate to rank them. As on PostgreSQL, the SEARCH_CANDIDATES newest matches alone
    are ranked (found through the index of publication times): ranking all 10,000 articles of a
    common word took half a second, its newest thousand a twentieth.
    """
    words = query_words(query)
    if not words:
        return Article.objects.none()
    matches = Q(*(Q(search_text__contains=word) for word in words))
    candidates = (
        Article.objects.published()
        .filter(matches)
        .order_by("-published_at", "-pk")
        .values("pk")[: settings.SEARCH_CANDIDATES]
    )
    headline_end = StrIndex("search_text", Value(LINE_END))
    lede_end = headline_end + StrIndex(Substr("search_text", headline_end + 1), Value(LINE_END))
    ranks = []
    for word in words:
        found_at = StrIndex("search_text", Value(word))
        ranks.append(
            Case(
                When(LessThan(found_at, headline_end), then=Value(3)),
                When(LessThan(found_at, lede_end), then=Value(2)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
    return (
        Article.objects.filter(pk__in=candidates)
        .alias(rank=sum(ranks[1:], start=ranks[0]))
        .order_by("-rank", "-published_at", "-pk")
    )


def query_words(query):
    """Return the distinct words of a query, folded, punctuation and search operators left out."""
    return list(dict.fromkeys(filter(None, map(normalise, WORD.findall(query)))))


def excerpt(article, query, markers):
    """Return the article's excerpt around the query's words, escaped and highlighted."""
    raw = getattr(article, "search_excerpt", None)
    if raw is None:
        text = f"{article.lede} {plain_text(article.body)}"
        raw = excerpt_around_words(text, query_words(query), markers)
    else:
        raw = unescape(raw)  # Entities of the body, and the lede's "&" escaped in SQL.
    return render_excerpt(collapse_spaces(raw), markers)


def collapse_spaces(text):
    """Return the text with runs of spaces and line breaks, but not non-breaking spaces, as one."""
    return SPACES.sub(" ", text).strip(" ")


def excerpt_around_words(text, words, markers):
    """Return some words of a text around its first match, with markers around matches.

    The words are folded (query_words): they are looked for in the folded text, and the markers
    go around the characters as written ("poles" marks "pôles").
    """
    tokens = collapse_spaces(text).split(" ")
    pattern = re.compile("|".join(map(re.escape, sorted(words, key=len, reverse=True))))
    first = next((i for i, token in enumerate(tokens) if pattern.search(normalise(token))), 0)
    begin = max(0, first - EXCERPT_WORDS // 4)
    text = mark_matches(" ".join(tokens[begin : begin + EXCERPT_WORDS]), pattern, markers)
    before = "… " if begin else ""
    after = " …" if begin + EXCERPT_WORDS < len(tokens) else ""
    return f"{before}{text}{after}"


def mark_matches(text, pattern, markers):
    """Put markers around the characters of a text whose folded form the pattern matches."""
    folded, origin = [], []  # the folded text, and the character each of its own came from
    for position, char in enumerate(text):
        folded.append(fold(char))
        origin += [position] * len(folded[-1])
    pieces, done = [], 0
    for match in pattern.finditer("".join(folded)):
        if not match[0]:  # no words: nothing to mark
            continue
        start, stop = origin[match.start()], origin[match.end() - 1] + 1
        while stop < len(text) and not fold(text[stop]):  # the accents written apart, too
            stop += 1
        if start < done:
            continue
        pieces += [text[done:start], markers.start, text[start:stop], markers.stop]
        done = stop
    return "".join([*pieces, text[done:]])


def render_excerpt(raw, markers):
    """Escape a raw excerpt whole, then turn its markers, and only them, into <mark> tags."""
    html = escape(raw).replace(markers.start, "<mark>").replace(markers.stop, "</mark>")
    return mark_safe(CONTROL_CHARACTERS.sub("", html))

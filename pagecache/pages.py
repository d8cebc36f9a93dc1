"""Whole pages for anonymous readers: kept with the versions of what they show.

Each page is kept under its host, path, language and the query parameters it reads, with the
versions it was made under: a listing under the listings' version, an article page under its
article's, both under every article's and the references' (see versions.py). A change gives them
new versions (see invalidation.py), so the next reader gets a fresh page at once, and old entries
expire. A page is never kept past the next scheduled publication, so a scheduled article appears
on time. Readers with a session or a pending message are never served from, nor stored in, this
cache.

Pages are shared through the cache (Redis), and each process also keeps the latest ones in
memory (PAGE_CACHE_LOCAL_MEGABYTES): with the versions it trusts, most hits cost no round trip.
They are kept compressed (a 34 KB article page takes 7 KB: 10,000 of them fit in 70 MB) and sent
so to every reader whose browser accepts gzip; the others get them decompressed.

No storm: when only the references changed (a section renamed makes every article page stale at
once), one process at a time makes a page again while the others serve the previous one
(`may_serve_stale`). A page whose own content changed is never served stale.
"""

import functools
import gzip
import hashlib
import os
import re
import threading
import time
from collections import OrderedDict

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified
from django.urls import Resolver404, resolve
from django.utils.http import http_date, quote_etag, urlencode

from pagecache.parts import seconds_to_keep
from pagecache.versions import EVERY_ARTICLE, LISTINGS, REFERENCES, article_scope, versions

ARTICLE_PAGE = "articles:detail"
# The pages kept, each with the query parameters it reads and the values it takes as they are.
# Any other parameter (utm_source…) is left out of the page's key, and a page rendered for it is
# not kept; a parameter with another value (page=02) is served afresh, without the cache.
PAGE_NUMBER = {"page": re.compile(r"[1-9][0-9]{0,5}")}
LISTING_PAGES = {
    "articles:home": {},
    "articles:section": PAGE_NUMBER,
    "articles:tag": PAGE_NUMBER,
    "articles:author": PAGE_NUMBER,
    "articles:speaker": PAGE_NUMBER,
    "articles:archives": {},
    "articles:archive_year": PAGE_NUMBER,
    "articles:archive_month": PAGE_NUMBER,
    "articles:rankings": {
        "fenetre": re.compile(r"24h|7j|30j"),
        "rubrique": re.compile(r"[-a-zA-Z0-9_]{1,80}"),
    },
}
ACCEPTS_GZIP = re.compile(r"\bgzip\b")
# The one right to make a stale page again (see may_serve_stale), and how long it is held at most.
REFRESHING = "pagecache:refreshing"
REFRESH_SECONDS = 10
# What a page is served with, as the middlewares below the cache set it the first time.
KEPT_HEADERS = (
    "Content-Type",
    "Content-Language",
    "X-Frame-Options",
    "Content-Security-Policy",
    "Permissions-Policy",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
    "Strict-Transport-Security",  # on HTTPS only: pages are kept per scheme
)


@functools.lru_cache(maxsize=10_000)
def _scope(path_info):
    """Return the version scope of the page at this path and the query parameters it reads."""
    try:
        match = resolve(path_info)
    except Resolver404:
        return None, None
    if match.view_name in LISTING_PAGES:
        return LISTINGS, LISTING_PAGES[match.view_name]
    if match.view_name == ARTICLE_PAGE:
        return article_scope(match.kwargs["pk"]), {}
    return None, None


def _query(request, parameters):
    """Return the query string the page depends on, or None to bypass the cache, and whether a
    page rendered for this request may be kept."""
    if not request.META.get("QUERY_STRING"):
        return "", True
    kept, keep = [], True
    for name, values in sorted(request.GET.lists()):
        pattern = parameters.get(name)
        if pattern is None:
            keep = False  # not read by the page: the page without it is the same
        elif len(values) == 1 and pattern.fullmatch(values[0]):
            kept.append((name, values[0]))
        else:
            return None, False
    return urlencode(kept), keep


def _is_anonymous(request):
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and "messages" not in cookies


class LocalPages:
    """The pages this process served last, up to a number of bytes: a hit costs no read from the
    shared cache at all. Sized by bytes (pages are kept compressed), not pages, so that short and
    long pages alike fill it."""

    def __init__(self, max_bytes):
        self.max_bytes = max_bytes
        self.pages = OrderedDict()
        self.bytes = 0
        self.lock = threading.Lock()

    def get(self, key, version):
        with self.lock:
            entry = self.pages.get(key)
            if entry is None or entry["version"] != version or entry["expires"] <= time.time():
                return None
            self.pages.move_to_end(key)
            return entry

    def put(self, key, entry):
        size = len(entry["gzip"])
        with self.lock:
            old = self.pages.pop(key, None)
            if old is not None:
                self.bytes -= len(old["gzip"])
            if not 0 < size <= self.max_bytes:
                return
            self.pages[key] = entry
            self.bytes += size
            while self.bytes > self.max_bytes:
                _, dropped = self.pages.popitem(last=False)
                self.bytes -= len(dropped["gzip"])


def may_serve_stale(entry, version):
    """Tell whether a page made under other versions may still be served while it is made again:
    only when nothing but the references changed (a section or a speaker renamed, see
    invalidation.py), never when the page's own content did (an article unpublished, edited)."""
    return entry["version"][:-1] == version[:-1]


def _refresh_slot():
    """Take the one right, shared by every process, to make a stale page again; return whether
    it was free. It is given back once the page is made, or after REFRESH_SECONDS at most."""
    return cache.add(REFRESHING, os.getpid(), timeout=REFRESH_SECONDS)


def _make_entry(response, version, timeout):
    """Return what the cache keeps of a page: compressed, with the headers of both answers."""
    content = response.content
    tag = hashlib.sha256(content).hexdigest()[:32]
    common = {h: response[h] for h in KEPT_HEADERS if h in response} | {
        "Last-Modified": http_date(),
        # Browsers revalidate (a 304 thanks to the ETag); a CDN may keep it briefly.
        "Cache-Control": f"public, max-age=0, s-maxage={settings.PAGE_CACHE_CDN_SECONDS}",
        "Vary": "Cookie, Accept-Encoding",
    }
    compressed = gzip.compress(content, compresslevel=6, mtime=0)
    # The headers of every answer from the cache, made once: a hit only copies them.
    return {
        "version": version,
        "expires": time.time() + timeout,
        "gzip": compressed,
        "headers": common | {"ETag": quote_etag(tag), "Content-Length": str(len(content))},
        "gzip_headers": common
        | {
            "ETag": quote_etag(f"{tag}-gzip"),
            "Content-Encoding": "gzip",
            "Content-Length": str(len(compressed)),
        },
    }


class PageCacheMiddleware:
    """Serve anonymous readers from this process's memory, else the shared cache, else the view.

    Either way the page's versions are checked first (see versions.py), so a change made through
    any process is seen by the next reader of every process. It comes before the middlewares that
    set security headers: a hit answers with the headers they gave the page when it was made.
    Pages are kept compressed, and sent so to the readers whose browser accepts it (all do).
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.local = LocalPages(int(settings.PAGE_CACHE_LOCAL_MEGABYTES * 1024 * 1024))

    def __call__(self, request):
        if not settings.PAGE_CACHE_SECONDS or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        if settings.SECURE_SSL_REDIRECT and not request.is_secure():
            return self.get_response(request)  # SecurityMiddleware redirects it to HTTPS
        scope, parameters = _scope(request.path_info) if _is_anonymous(request) else (None, None)
        if scope is None:
            return self.get_response(request)
        query, keep = _query(request, parameters)
        if query is None:
            return self.get_response(request)
        # A host ALLOWED_HOSTS refuses gets its 400 here (DisallowedHost), cached page or not;
        # each host has its own pages, which hold its own addresses.
        url = f"{request.scheme}://{request.get_host()}{request.path}?{query}"
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        path = hashlib.md5(url.encode(), usedforsecurity=False).hexdigest()
        key = f"pagecache:page:{language}:{path}"
        # An article page also shows sections, authors, speakers… whose changes refresh all; the
        # references come last (see may_serve_stale).
        version = tuple(versions.get_many([scope, EVERY_ARTICLE, REFERENCES]))
        entry, refreshing = self.local.get(key, version), False
        if entry is None:
            entry = cache.get(key)
            if entry is not None and entry["version"] == version:
                self.local.put(key, entry)
            elif entry is not None and may_serve_stale(entry, version):
                refreshing = _refresh_slot()
                if not refreshing:  # another process makes a page again: serve the previous one
                    return self._respond(request, entry, served="stale")
                entry = None
            else:
                entry = None  # none, or made before the last change
        if entry is not None:
            return self._respond(request, entry, served="hit")
        try:
            return self._render(request, key, version, keep)
        finally:
            if refreshing:
                cache.delete(REFRESHING)

    def _render(self, request, key, version, keep):
        response = self.get_response(request)
        if not keep or response.status_code != 200 or response.cookies or response.streaming:
            return response
        if "private" in response.get("Cache-Control", "") or "no-store" in response.get(
            "Cache-Control", ""
        ):
            return response
        timeout = min(settings.PAGE_CACHE_SECONDS, seconds_to_keep())
        entry = _make_entry(response, version, timeout)
        if timeout >= 1:
            cache.set(key, entry, timeout=int(timeout))
            self.local.put(key, entry)
        return self._respond(request, entry, served="miss")

    def _respond(self, request, entry, *, served):
        if ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")):
            headers, content = entry["gzip_headers"], entry["gzip"]
        else:
            headers, content = entry["headers"], None
        if headers["ETag"] in request.META.get("HTTP_IF_NONE_MATCH", ""):
            response = HttpResponseNotModified()
            for name in ("ETag", "Last-Modified", "Cache-Control", "Vary"):
                response[name] = headers[name]
        else:
            content = content or gzip.decompress(entry["gzip"])
            response = HttpResponse(content, headers=headers)
        response["X-Page-Cache"] = served
        return response

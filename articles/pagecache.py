"""Whole-page cache for anonymous readers, invalidated by what a change affects.

Each page is kept with the versions it was made under: every listing (home, sections, tags,
authors, speakers, archives, rankings) under the "site" version, each article page under its own
version and that of the references (sections, authors, speakers, organisations). A change bumps
the versions it affects (see `changed`), so the next reader gets a fresh page at once, and stale
entries simply expire. A page is never kept past the next scheduled publication, so a scheduled
article appears on time. Readers with a session or a pending message are never served from, nor
stored in, this cache.

Pages are shared through Redis, and each process also keeps the latest ones in memory with the
versions it knows (`Versions`): `changed` publishes each bump on a Redis channel, which every
process reads before serving, so that most hits cost no round trip at all.
"""

import contextlib
import functools
import hashlib
import re
import threading
import time
from collections import OrderedDict

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse, HttpResponseNotModified
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.http import http_date, quote_etag, urlencode

from articles.models import Article
from newsroom.cache import raw_key, redis_client

SITE = "site"
REFERENCES = "references"
# The pages kept, each with the query parameters it reads and the values it takes as they are.
# Any other parameter (utm_source…) is left out of the page's key, and a page rendered for it is
# not kept; a parameter with another value (page=02) is served afresh, without the cache.
PAGE_NUMBER = {"page": re.compile(r"[1-9][0-9]{0,5}")}
LISTINGS = {
    "articles:home": {},
    "articles:section": PAGE_NUMBER,
    "articles:tag": PAGE_NUMBER,
    "articles:author": PAGE_NUMBER,
    "articles:speaker": PAGE_NUMBER,
    "articles:archive_year": PAGE_NUMBER,
    "articles:archive_month": PAGE_NUMBER,
    "articles:rankings": {
        "fenetre": re.compile(r"24h|7j|30j"),
        "rubrique": re.compile(r"[-a-zA-Z0-9_]{1,80}"),
    },
}
KEPT_HEADERS = (
    "Content-Type",
    "Content-Language",
    "X-Frame-Options",
    "Content-Security-Policy",
)


def _version_key(scope):
    return f"pagecache:version:{scope}"


CHANNEL = "pagecache:changed"  # each message: the scopes changed, separated by spaces


def changed(*, article_ids=(), site=True, references=False):
    """Make the next readers get fresh pages of these articles, and of every listing.

    `references`: a section, author, speaker or organisation changed, which any article may show.

    Called within a transaction, it acts at once and again once the change is committed: a
    reader in between would otherwise store the page as it was under the new version.
    """
    scopes = [f"article:{pk}" for pk in article_ids] + ([SITE] if site else [])
    scopes += [REFERENCES] if references else []
    _bump(scopes)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: _bump(scopes))


def _bump(scopes):
    with contextlib.suppress(Exception):  # cache down: nothing is served from it either
        cache.set_many({_version_key(scope): time.time_ns() for scope in scopes}, timeout=None)
        if settings.REDIS_URL:  # tell every process, which forget the versions they knew
            redis_client().publish(raw_key(CHANNEL), " ".join(scopes))
    versions.forget(scopes)


def version(scope):
    """Return the current version of a scope, to key fragments of pages; 0 if the cache is down."""
    try:
        return versions.get(scope)
    except Exception:  # cache down: fragments are rendered afresh anyway
        return 0


def site_version():
    """Return the current version of the listings (also keys fragments such as the rankings)."""
    return version(SITE)


def _current_version(scope):
    """Return the version of this scope; a new one if the cache lost it (nothing kept matches)."""
    key = _version_key(scope)
    version = cache.get(key)
    if version is None:
        version = time.time_ns()
        if not cache.add(key, version, timeout=None):
            version = cache.get(key, version)
    return version


class Versions:
    """The versions this process knows, so that most cache hits cost no round trip to Redis.

    A version read from Redis is trusted for 5 seconds at most, and only while this process
    listens to what `changed` publishes: a message makes it forget that version at once, and is
    read (without waiting) before every use. If the channel breaks, everything is forgotten and
    every version is read from Redis again until it is back. Without Redis, nothing is trusted.
    """

    TRUST_SECONDS = 5.0
    RETRY_SECONDS = 5.0

    def __init__(self):
        self.known = {}
        self.pubsub = None
        self.retry_at = 0.0
        self.lock = threading.Lock()

    def get(self, scope):
        with self.lock:
            if self._listening():
                known = self.known.get(scope)
                if known is not None and known[1] > time.monotonic():
                    return known[0]
                version = _current_version(scope)
                self.known[scope] = (version, time.monotonic() + self.TRUST_SECONDS)
                return version
        return _current_version(scope)

    def forget(self, scopes=None):
        with self.lock:
            if scopes is None:
                self.known.clear()
            for scope in scopes or ():
                self.known.pop(scope, None)

    def _listening(self):
        """Apply the messages waiting; return whether the channel works."""
        if not settings.REDIS_URL:
            return False
        if self.pubsub is None and time.monotonic() >= self.retry_at:
            self._subscribe()
        if self.pubsub is None:
            return False
        try:
            while (message := self.pubsub.get_message(timeout=0)) is not None:
                if message["type"] == "message":
                    for scope in message["data"].decode().split():
                        self.known.pop(scope, None)
        except Exception:  # Redis gone: messages may be lost, so trust nothing until it is back
            self._close()
            return False
        return True

    def _subscribe(self):
        self.known.clear()
        try:
            self.pubsub = redis_client().pubsub()
            self.pubsub.subscribe(raw_key(CHANNEL))
            # Only once Redis has confirmed it will a change made from now on reach this process.
            confirmed = self.pubsub.get_message(timeout=1)
            if confirmed is None or confirmed["type"] != "subscribe":
                raise ConnectionError("no confirmation of the subscription")
        except Exception:
            self._close()

    def _close(self):
        self.known.clear()
        with contextlib.suppress(Exception):
            self.pubsub.close()
        self.pubsub = None
        self.retry_at = time.monotonic() + self.RETRY_SECONDS


versions = Versions()


@functools.lru_cache(maxsize=10_000)
def _scope(path_info):
    """Return the version scope of the page at this path and the query parameters it reads."""
    try:
        match = resolve(path_info)
    except Resolver404:
        return None, None
    if match.view_name in LISTINGS:
        return SITE, LISTINGS[match.view_name]
    if match.view_name == "articles:detail":
        return f"article:{match.kwargs['pk']}", {}
    return None, None


def _query(request, parameters):
    """Return the query string the page depends on, or None to bypass the cache, and whether a
    page rendered for this request may be kept."""
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


def seconds_until_next_publication():
    """Return how long a page may be kept before a scheduled article goes public."""
    key = f"pagecache:next-publication:{site_version()}"
    upcoming = cache.get(key)
    if upcoming is None:
        first = (
            Article.objects.scheduled().order_by("published_at").values_list("published_at")
        ).first()
        upcoming = first[0].timestamp() if first else float("inf")
        cache.set(key, upcoming, timeout=settings.PAGE_CACHE_SECONDS)
    return upcoming - timezone.now().timestamp()


class LocalPages:
    """The pages this process served last, so that a hit costs one small read from the cache."""

    def __init__(self, size):
        self.size = size
        self.pages = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key, version):
        with self.lock:
            entry = self.pages.get(key)
            if entry is None or entry["version"] != version or entry["expires"] <= time.time():
                return None
            self.pages.move_to_end(key)
            return entry

    def put(self, key, entry):
        with self.lock:
            self.pages[key] = entry
            self.pages.move_to_end(key)
            while len(self.pages) > self.size:
                self.pages.popitem(last=False)


class PageCacheMiddleware:
    """Serve anonymous readers from this process's memory, else the shared cache, else the view.

    Either way the page's version is read from the shared cache first, so a change made through
    any process is seen by the next reader of every process.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.local = LocalPages(settings.PAGE_CACHE_LOCAL_PAGES)

    def __call__(self, request):
        if not settings.PAGE_CACHE_SECONDS or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
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
        try:
            # An article page also shows references (its section, speakers…), which change apart.
            version = (versions.get(scope), versions.get(REFERENCES))
            entry = self.local.get(key, version)
            if entry is None:
                entry = cache.get(key)
                if entry is not None and entry["version"] == version:
                    self.local.put(key, entry)
                else:
                    entry = None  # none, or made before the last change
        except Exception:  # cache down: serve from the application
            return self.get_response(request)
        if entry is not None:
            return self._respond(request, entry, hit=True)
        response = self.get_response(request)
        if not keep or response.status_code != 200 or response.cookies or response.streaming:
            return response
        if "private" in response.get("Cache-Control", "") or "no-store" in response.get(
            "Cache-Control", ""
        ):
            return response
        try:
            timeout = min(settings.PAGE_CACHE_SECONDS, seconds_until_next_publication())
        except Exception:  # cache down meanwhile: serve the page, keep nothing
            return response
        entry = {
            "version": version,
            "expires": time.time() + timeout,
            "content": response.content,
            "headers": {h: response[h] for h in KEPT_HEADERS if h in response},
            "etag": quote_etag(hashlib.sha256(response.content).hexdigest()[:32]),
            "last_modified": http_date(),
        }
        if timeout >= 1:
            with contextlib.suppress(Exception):  # cache down: the page is served anyway
                cache.set(key, entry, timeout=int(timeout))
                self.local.put(key, entry)
        return self._respond(request, entry, hit=False)

    def _respond(self, request, entry, *, hit):
        etag = entry["etag"]
        if etag in request.headers.get("If-None-Match", ""):
            response = HttpResponseNotModified()
        else:
            response = HttpResponse(entry["content"])
            for name, value in entry["headers"].items():
                response[name] = value
        response["ETag"] = etag
        response["Last-Modified"] = entry["last_modified"]
        # Browsers revalidate (a 304 thanks to the ETag); a CDN may keep the page briefly.
        response["Cache-Control"] = f"public, max-age=0, s-maxage={settings.PAGE_CACHE_CDN_SECONDS}"
        response["Vary"] = "Cookie"
        response["X-Page-Cache"] = "hit" if hit else "miss"
        return response

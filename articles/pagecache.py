"""Whole-page cache for anonymous readers, invalidated by what a change affects.

Pages are stored under versioned keys: every listing (home, sections, tags, authors, speakers,
archives, rankings) under the "site" version, each article page under its own version. A change
bumps the versions it affects (see `changed`), so the next reader gets a fresh page at once, and
stale entries simply expire. A page is never kept past the next scheduled publication, so a
scheduled article appears on time. Readers with a session or a pending message are never served
from, nor stored in, this cache.
"""

import contextlib
import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.http import http_date, quote_etag

from articles.models import Article

SITE = "site"
LISTINGS = {
    "articles:home",
    "articles:section",
    "articles:tag",
    "articles:author",
    "articles:speaker",
    "articles:archive_year",
    "articles:archive_month",
    "articles:rankings",
}
KEPT_HEADERS = ("Content-Type", "Content-Language", "X-Frame-Options")


def _version_key(scope):
    return f"pagecache:version:{scope}"


def changed(*, article_ids=(), site=True):
    """Make the next readers get fresh pages of these articles, and of every listing."""
    scopes = [f"article:{pk}" for pk in article_ids] + ([SITE] if site else [])
    with contextlib.suppress(Exception):  # cache down: nothing is served from it either
        cache.set_many({_version_key(scope): time.time_ns() for scope in scopes}, timeout=None)


def site_version():
    """Return the current version of the listings (also keys fragments such as the rankings)."""
    try:
        return cache.get(_version_key(SITE), 0)
    except Exception:  # cache down: fragments are rendered afresh anyway
        return 0


def _scope(request):
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    if match.view_name in LISTINGS:
        return SITE
    if match.view_name == "articles:detail":
        return f"article:{match.kwargs['pk']}"
    return None


def _is_anonymous(request):
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and "messages" not in cookies


def _seconds_until_next_publication(version):
    """Return how long a page may be kept before a scheduled article goes public."""
    key = f"pagecache:next-publication:{version}"
    upcoming = cache.get(key)
    if upcoming is None:
        first = (
            Article.objects.scheduled().order_by("published_at").values_list("published_at")
        ).first()
        upcoming = first[0].timestamp() if first else float("inf")
        cache.set(key, upcoming, timeout=settings.PAGE_CACHE_SECONDS)
    return upcoming - timezone.now().timestamp()


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.PAGE_CACHE_SECONDS or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        scope = _scope(request) if _is_anonymous(request) else None
        if scope is None:
            return self.get_response(request)
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        try:
            versions = cache.get_many([_version_key(scope), _version_key(SITE)])
            version = versions.get(_version_key(scope), 0)
            key = f"pagecache:page:{scope}:{version}:{language}:{request.get_full_path()}"
            entry = cache.get(key)
        except Exception:  # cache down: serve from the application
            return self.get_response(request)
        if entry is not None:
            return self._respond(request, entry, hit=True)
        response = self.get_response(request)
        if response.status_code != 200 or response.cookies or response.streaming:
            return response
        if "private" in response.get("Cache-Control", "") or "no-store" in response.get(
            "Cache-Control", ""
        ):
            return response
        try:
            timeout = min(
                settings.PAGE_CACHE_SECONDS,
                _seconds_until_next_publication(versions.get(_version_key(SITE), 0)),
            )
        except Exception:  # cache down meanwhile: serve the page, keep nothing
            return response
        entry = {
            "content": response.content,
            "headers": {h: response[h] for h in KEPT_HEADERS if h in response},
            "etag": quote_etag(hashlib.sha256(response.content).hexdigest()[:32]),
            "last_modified": http_date(),
        }
        if timeout >= 1:
            with contextlib.suppress(Exception):  # cache down: the page is served anyway
                cache.set(key, entry, timeout=int(timeout))
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

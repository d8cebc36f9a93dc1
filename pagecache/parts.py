"""Parts of pages, kept by the versions of what they show, for readers the page cache misses.

An article's own part (its metadata, text, quotes and comments) is keyed by the article's version,
every article's and the references', the language and the host; "read also", the home page's
lists, the lists of sections, tags, authors and speakers, and the rankings box by the listings'
version; the menu by the references'. A part may thus be kept long (FRAGMENT_CACHE_SECONDS), but
never past the next change that comes with time (`seconds_to_keep`).
"""

import math

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.module_loading import import_string

from pagecache.versions import EVERY_ARTICLE, LISTINGS, REFERENCES, article_scope, version, versions


def cached(parts, *, timeout=None, enabled=True, found=None):
    """Return {key: part} for these {key: make}, from the cache, making what is missing.

    Parts are made in order, each given those found so far (a part may need another's data);
    `found` is what the caller already read. They are kept FRAGMENT_CACHE_SECONDS, or less if
    `timeout()` says so; with `enabled` false, or the setting at 0, they are all made afresh.
    """
    enabled = enabled and settings.FRAGMENT_CACHE_SECONDS
    if not enabled:
        found = {}
    elif found is None:
        found = cache.get_many(list(parts))
    made = {}
    for key, make in parts.items():
        if key not in found:
            found[key] = made[key] = make(found)
    if enabled and made:
        seconds = min(settings.FRAGMENT_CACHE_SECONDS, timeout() if timeout else math.inf)
        if seconds >= 1:
            cache.set_many(made, int(seconds))
    return found


def read(keys):
    """Return the parts found under these keys (none when parts are not kept)."""
    return cache.get_many(list(keys)) if settings.FRAGMENT_CACHE_SECONDS else {}


def article_keys(pk, *, language, site):
    """Return the keys of an article's own part and of its "read also" (`site`: scheme and host,
    which the part's absolute addresses name)."""
    own = f"article-part:{pk}:{version(article_scope(pk))}:{references_version()}:{language}:{site}"
    return own, f"article-related:{pk}:{version(LISTINGS)}:{language}"


def listings_key(name, *details):
    """Return the key of a part shown on listings (the home page's lists, the rankings box)."""
    return ":".join(str(part) for part in (name, version(LISTINGS), *details))


def references_version():
    """Return the version of what every page shows beside its own (sections, authors, speakers,
    tags): the references' and every article's."""
    return ".".join(map(str, versions.get_many([EVERY_ARTICLE, REFERENCES])))


def seconds_to_keep():
    """Return how long a page or a part may be kept before the next change that comes with time
    (a scheduled article goes public, a pin of the front page expires)."""
    key = f"pagecache:next-change:{version(LISTINGS)}"
    now = timezone.now().timestamp()
    upcoming = cache.get(key)
    if upcoming is None:
        # The next change comes from the newsroom's content, which this app does not know.
        moment = import_string(settings.PAGE_CACHE_NEXT_CHANGE)()
        upcoming = moment.timestamp() if moment else math.inf
        # Read again once that moment is past: the one after it is then the next.
        keep = settings.PAGE_CACHE_SECONDS or 300
        if upcoming != math.inf:
            keep = min(keep, max(1, math.ceil(upcoming - now)))
        cache.set(key, upcoming, timeout=keep)
    return upcoming - now

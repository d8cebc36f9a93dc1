"""The versions of what cached pages show: a change gives new ones, and old pages go unserved.

A scope is what a cached page or part shows: one article (`article_scope(pk)`), the names every
page shows beside its own content (`REFERENCES`: a section, author, organisation, speaker or tag
renamed), every article page at once (`EVERY_ARTICLE`: many articles changed together, a
migration), the listings (`LISTINGS`: home, sections, tags, authors, speakers, archives,
rankings). Each has a version in
the shared cache; `bump` gives new ones. Every process also keeps the versions it read
(`Versions`), trusted for a few seconds and only while it hears, on a Redis channel, of every
bump: so that most cache hits cost no round trip at all.
"""

import contextlib
import threading
import time

from django.conf import settings
from django.core.cache import cache

from newsroom.cache import redis_client, report_unreachable

LISTINGS = "listings"
EVERY_ARTICLE = "every-article"
REFERENCES = "references"
CHANNEL = "pagecache:changed"  # each message: the scopes bumped, separated by spaces


def article_scope(pk):
    return f"article:{pk}"


def _key(scope):
    return f"pagecache:version:{scope}"


def bump(scopes):
    """Give these scopes new versions, and tell every process to forget the old ones."""
    cache.set_many({_key(scope): time.time_ns() for scope in scopes}, timeout=None)
    if settings.REDIS_URL:
        try:  # a raw Redis call: the cache's own failure policy does not cover it
            client = redis_client()
            client.publish(cache.make_key(CHANNEL), " ".join(scopes))
            # Redis answers a publish before it has written the message to the subscribers'
            # sockets (both go out in the same pass of its event loop, in no set order). A
            # command sent after the answer is read in a later pass: once it is answered, every
            # process has the message waiting, and the next page it serves reads it.
            client.ping()
        except Exception as error:  # Redis down: every process trusts nothing until it is back
            report_unreachable(error)
    versions.forget(scopes)


def version(scope):
    """Return the current version of a scope (a new one if the cache lost it: nothing matches)."""
    return versions.get(scope)


def _read(scope):
    key = _key(scope)
    current = cache.get(key)
    if current is None:
        current = time.time_ns()
        if not cache.add(key, current, timeout=None):
            current = cache.get(key, current)
    return current


class Versions:
    """The versions this process knows, so that most cache hits cost no round trip to Redis.

    A version read from Redis is trusted PAGE_CACHE_TRUST_SECONDS at most (0: every use reads
    it), and only while this process
    listens to what `bump` publishes: a message makes it forget that version at once, and is
    read (without waiting) before every use. If the channel breaks, everything is forgotten and
    every version is read from Redis again until it is back. Without Redis, nothing is trusted.
    """

    RETRY_SECONDS = 5.0

    def __init__(self):
        self.known = {}
        self.pubsub = None
        self.retry_at = 0.0
        self.lock = threading.Lock()

    def get(self, scope):
        return self.get_many([scope])[0]

    def get_many(self, scopes):
        """Return the versions of these scopes, reading the channel once for all of them."""
        with self.lock:
            if not self._listening():
                return [_read(scope) for scope in scopes]
            now, found = time.monotonic(), []
            for scope in scopes:
                known = self.known.get(scope)
                if known is None or known[1] <= now:
                    known = (_read(scope), now + settings.PAGE_CACHE_TRUST_SECONDS)
                    self.known[scope] = known
                found.append(known[0])
            return found

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
        try:  # a raw Redis call: the cache's own failure policy does not cover it
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
            self.pubsub.subscribe(cache.make_key(CHANNEL))
            # Only once Redis has confirmed it will a change made from now on reach this process.
            confirmed = self.pubsub.get_message(timeout=1)
            if confirmed is None or confirmed["type"] != "subscribe":
                raise ConnectionError("no confirmation of the subscription")
        except Exception:
            self._close()

    def _close(self):
        self.known.clear()
        if self.pubsub is not None:
            with contextlib.suppress(Exception):  # closing a connection that is already gone
                self.pubsub.close()
        self.pubsub = None
        self.retry_at = time.monotonic() + self.RETRY_SECONDS


versions = Versions()

"""The cache: Django's Redis backend with one failure policy, and Redis for what the API cannot say.

When Redis cannot be reached, the cache says so in the logs (once a minute at most per process)
and answers as a miss: `get` gives the default, `add` and `delete` False, `incr` raises the
ValueError of a missing key, writes are dropped. The site then renders what it would have
served from the cache, and keeps nothing; callers need no error handling of their own.

Django's `RedisCacheClient.get_client` also builds a new `redis.Redis` for every cache operation,
which costs more than the round trip itself (a third of a page cache hit): one per pool will do.
"""

import logging
import threading
import time

import redis
from django.conf import settings
from django.core.cache.backends import redis as django_redis

logger = logging.getLogger(__name__)
REPORT_EVERY_SECONDS = 60
_last_report = 0.0


def report_unreachable(error):
    """Log that Redis is unreachable, once a minute at most (for raw calls too)."""
    global _last_report
    now = time.monotonic()
    if now - _last_report >= REPORT_EVERY_SECONDS:
        _last_report = now
        logger.warning("Redis is unreachable (%r): the cache answers as a miss.", error)


def _or_miss(miss, call, *args):
    try:
        return call(*args)
    except redis.RedisError as error:
        report_unreachable(error)
        return miss


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client

    def get(self, key, default):
        return _or_miss(default, super().get, key, default)

    def get_many(self, keys):
        return _or_miss({}, super().get_many, keys)

    def has_key(self, key):
        return _or_miss(False, super().has_key, key)

    def add(self, key, value, timeout):
        return _or_miss(False, super().add, key, value, timeout)

    def set(self, key, value, timeout):
        _or_miss(None, super().set, key, value, timeout)

    def set_many(self, data, timeout):
        _or_miss(None, super().set_many, data, timeout)

    def touch(self, key, timeout):
        return _or_miss(False, super().touch, key, timeout)

    def delete(self, key):
        return _or_miss(False, super().delete, key)

    def delete_many(self, keys):
        _or_miss(None, super().delete_many, keys)

    def clear(self):
        return _or_miss(False, super().clear)

    def incr(self, key, delta):
        try:
            return super().incr(key, delta)
        except redis.RedisError as error:
            report_unreachable(error)
            raise ValueError(f"Key {key!r} not found: the cache is unreachable") from error


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient


_clients = {}
_clients_lock = threading.Lock()


def redis_client():
    """Return a Redis client on REDIS_URL, for what the cache's API cannot say (scripts, hashes,
    renames, publish and subscribe). Its errors are the caller's to handle: Redis may be down.

    Keys it shares with the cache are named by the cache: `cache.make_key(name)`.
    """
    with _clients_lock:
        client = _clients.get(settings.REDIS_URL)
        if client is None:
            client = _clients[settings.REDIS_URL] = redis.Redis.from_url(
                settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1
            )
        return client


def clear_site_keys():
    """Delete this site's keys from the cache, and only them (those under its KEY_PREFIX):
    sites may share a Redis database, as .env.example says. Without Redis, empty the cache."""
    from django.core.cache import cache

    if not settings.REDIS_URL:
        cache.clear()
        return
    client = redis_client()
    for keys in _batches(client.scan_iter(cache.make_key("*"), count=1000)):
        client.delete(*keys)


def _batches(items, size=1000):
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch

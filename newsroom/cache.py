"""Django's Redis cache, with one Redis client per connection pool instead of one per call.

Django's `RedisCacheClient.get_client` builds a new `redis.Redis` for every cache operation, and
building one (its table of response callbacks) costs more than the round trip to Redis itself:
a third of a page cache hit. The client is thread-safe and only wraps the pool, so one will do.
"""

from django.core.cache.backends import redis


class RedisCacheClient(redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient


def redis_client():
    """Return the Redis client of the default cache, for what Django's cache API cannot say
    (scripts, hashes, renames, publish and subscribe). Only with REDIS_URL set."""
    from django.core.cache import cache

    return cache._cache.get_client(write=True)


def raw_key(name):
    """Return the Redis key (or channel) `name` under the cache's prefix, for redis_client."""
    from django.conf import settings

    return f"{settings.CACHES['default'].get('KEY_PREFIX', '')}:{name}"

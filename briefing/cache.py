"""The shared cache's Redis backend: Django's, with one client per process.

Django's `RedisCacheClient` makes a new `redis.Redis` for every operation,
and that constructor builds its table of response callbacks (some 170
entries) each time: a good part of what a read of the cache costs, and a
shared page's hit is one read. A `redis.Redis` is safe to share between
threads (its connection pool lends each call a connection, and starts
afresh in a forked worker), so one is kept for each of Django's pools.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class _SharedClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            pool = self._get_connection_pool(write)
            client = self._clients[index] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _SharedClient

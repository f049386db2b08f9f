"""The shared cache's backends: Django's, each without a cost it has here.

Redis (`RedisCache`), with one client per process: Django's `RedisCacheClient` makes a new `redis.Redis` for every operation,
and that constructor builds its table of response callbacks (some 170
entries) each time: a good part of what a read of the cache costs, and a
shared page's hit is one read. A `redis.Redis` is safe to share between
threads (its connection pool lends each call a connection, and starts
afresh in a forked worker), so one is kept for each of Django's pools.

The file cache (`FileBasedCache`) counts its files on one write in many.
"""

from django.core.cache.backends.filebased import (
    FileBasedCache as DjangoFileBasedCache,
)
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


# The file cache counts its files once in this many writes (per process).
CULL_EVERY = 32


class FileBasedCache(DjangoFileBasedCache):
    """Django's file cache, which lists every file of the cache on every write
    to learn whether it is full: with a few hundred files that was most of
    what a write cost, and each post writes two versions (briefing.shared_pages).
    Counted once in CULL_EVERY writes instead, the cache may hold a few dozen
    entries more than MAX_ENTRIES before it culls, as a cache may."""

    _writes = 0

    def _cull(self):
        self._writes += 1
        if self._writes % CULL_EVERY == 1:
            super()._cull()

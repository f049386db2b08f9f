"""The Redis cache backend (briefing/cache.py): Django's, keeping one client
instead of making one for every call. Run against the Redis named by
CACHE_URL (the PostgreSQL and Redis run); skipped without one."""

import os
import uuid

import pytest
import redis

from briefing.cache import RedisCache

pytestmark = pytest.mark.skipif(
    not os.environ.get("CACHE_URL", "").startswith("redis"),
    reason="needs CACHE_URL=redis://…",
)


@pytest.fixture
def backend():
    cache = RedisCache(os.environ["CACHE_URL"], {"KEY_PREFIX": f"t{uuid.uuid4().hex}"})
    yield cache
    cache.delete_many(["a", "b", "c", "n"])


def test_every_operation_the_site_uses_works(backend):
    backend.set("a", b"page" * 1000, 60)
    backend.set_many({"b": "v1", "c": "v2"}, None)

    assert backend.get_many(["a", "b", "c", "missing"]) == {
        "a": b"page" * 1000,
        "b": "v1",
        "c": "v2",
    }
    assert backend.add("b", "other") is False
    assert backend.add("n", 1) is True
    assert backend.incr("n") == 2
    backend.delete("b")
    assert backend.get("b") is None
    assert backend.touch("a", 120) is True


def test_one_client_serves_every_call(backend, monkeypatch):
    made = []
    real = redis.Redis

    def counting(*args, **kwargs):
        made.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(backend._cache, "_client", counting)
    for n in range(5):
        backend.set("a", n)
        backend.get_many(["a", "b"])

    assert backend.get("a") == 4
    assert len(made) == 1

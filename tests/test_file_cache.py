"""The file cache (briefing/cache.py) counts its files on one write in
CULL_EVERY, and still culls when it is full."""

from briefing.cache import CULL_EVERY, FileBasedCache


def test_a_full_file_cache_still_culls(tmp_path):
    cache = FileBasedCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": 300}})

    for n in range(1000):
        cache.set(f"key-{n}", n)

    assert len(list(tmp_path.glob("*.djcache"))) <= 300 + CULL_EVERY
    assert cache.get("key-999") == 999

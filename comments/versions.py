"""The discussion version: a token in the shared cache that changes whenever
a comment of the article does, so that cached parts of its page go stale at
once on every worker and instance (issue 7).

The token lives in the shared cache (file cache on one machine, Redis across
instances) and is replaced only after the change is committed: a reader who
renders between the write and the commit reads the old token, so what they
cache under it is never served again.
"""

from functools import partial
from uuid import uuid4

from django.core.cache import cache
from django.db import transaction


def _key(article_id: int) -> str:
    return f"discussion:{article_id}:version"


def discussion_version(article_id: int) -> str:
    """The article's current discussion version."""
    version = cache.get(_key(article_id))
    if version is None:
        # add(): of two workers starting a version at once, one wins.
        cache.add(_key(article_id), uuid4().hex, timeout=None)
        # Evicted again at once (a full cache): a token of this request alone.
        version = cache.get(_key(article_id)) or uuid4().hex
    return version


def discussion_changed(article_id: int) -> None:
    """Give the article's discussion a new version once the transaction in
    progress commits (at once outside one)."""
    transaction.on_commit(partial(_new_version, article_id))


def _new_version(article_id: int) -> None:
    cache.set(_key(article_id), uuid4().hex, timeout=None)

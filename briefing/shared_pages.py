"""Version tokens for what anonymous readers are shown from the shared cache.

An article's version changes whenever anything shown under it changes (a
comment posted, edited, deleted or moderated: the comments app says so), and
the site's version whenever a site-wide switch does (commenting paused, the
auto-close delay). A cached page is kept under the versions current when it
was read, so it is never served again once they change, on any worker or
instance (the tokens live in the shared cache).

A token is replaced only after the change commits: a reader who renders
between the write and the commit reads the old token, so what they cache
under it is never served again.
"""

from functools import partial
from uuid import uuid4

from django.core.cache import cache
from django.db import transaction

SITE = "site"


def _key(scope) -> str:
    return f"version:{scope}"


def current(scope) -> str:
    """The current version of `scope` (an article's id, or SITE)."""
    version = cache.get(_key(scope))
    if version is None:
        # add(): of two workers starting a version at once, one wins.
        cache.add(_key(scope), uuid4().hex, timeout=None)
        # Evicted again at once (a full cache): a token of this request alone.
        version = cache.get(_key(scope)) or uuid4().hex
    return version


def changed(scope) -> None:
    """Give `scope` a new version once the transaction in progress commits
    (at once outside one)."""
    transaction.on_commit(partial(_new_version, scope))


def _new_version(scope) -> None:
    cache.set(_key(scope), uuid4().hex, timeout=None)

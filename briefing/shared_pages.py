"""Whole article pages that anonymous readers share through the cache.

Every anonymous reader sees the same article page, so it is rendered once and
kept in the shared cache under the versions of what it shows: the article's
(its text, its discussion) and the site's (commenting paused, the auto-close
delay). Whatever changes what a page shows calls `changed()` once, and the
page is never served again, on any worker or instance, because its key names
versions that are no longer current.

A page is kept with the versions it was rendered under, so that a hit reads
the page and the current versions together, in one read of the cache, and
asks nothing of the database (`SharedPage`).

A version is replaced only after the change commits: a reader who renders
between the write and the commit reads the old version, so what they keep
under it is never served again. `BRIEFING_SHARED_PAGE_SECONDS` bounds what no
change announces: authors' Online/Offline, display names, a discussion closing
by itself at its time, or its slow mode ending at its time.

The same versions make the validators (`ETag`) of every anonymous page: an
article's names the site's and the article's, and the pages that show many
articles (the front page, a profile, the feed) name the site's and one that
every article's change renews (`ANY`). A conditional request whose validator
is still current answers 304 from the cache alone, without a statement to
the database (`not_modified`), and `publish` lets shared caches (deploy/'s
nginx, a CDN) keep the page for a moment.
"""

import hashlib
import re
import time
from functools import partial, wraps
from uuid import uuid4

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import parse_etags

SITE = "site"
# Renewed by every article's change (its text, its discussion): the version
# of the pages that show many articles.
ANY = "any"
# The discussion's order: a query parameter, else the reader's remembered
# choice in a cookie (see comments.discussion). Each order is its own page.
SORT_PARAMETER = "sort"
SORT_COOKIE = "comment_sort"


def changed(article_id: int | None = None) -> None:
    """Say that what the article's pages show changed (the whole site's,
    without an article), once the transaction in progress commits."""
    if article_id is None:
        transaction.on_commit(partial(_new_version, SITE))
    else:
        transaction.on_commit(partial(_new_versions, article_id, ANY))


def _version_key(scope) -> str:
    return f"version:{scope}"


def _current(*scopes) -> list[str]:
    """The scopes' current versions, read from the cache at once."""
    keys = [_version_key(scope) for scope in scopes]
    found = cache.get_many(keys)
    versions = []
    for key in keys:
        version = found.get(key)
        if version is None:
            # add(): of two workers starting a version at once, one wins.
            cache.add(key, uuid4().hex, timeout=None)
            # Evicted again at once (a full cache): a version of this request alone.
            version = cache.get(key) or uuid4().hex
        versions.append(version)
    return versions


def _new_version(scope) -> None:
    cache.set(_version_key(scope), uuid4().hex, timeout=None)


def _new_versions(*scopes) -> None:
    cache.set_many({_version_key(scope): uuid4().hex for scope in scopes}, None)


def _variant(request: HttpRequest) -> str | None:
    """What of the request makes its page, if every anonymous reader asking
    for it alike would be served the same page: the page of the list, the
    discussion's order, the language. None for a page of the reader's own.

    The language is the one Django's LocaleMiddleware picks (the reader's
    choice in a cookie, else Accept-Language), so each is its own page.
    """
    page = request.GET.get("page", "1")
    # The order asked for, else the remembered one, except on a link to
    # a page by number, which is oldest first (comments.discussion).
    sort = request.GET.get(SORT_PARAMETER, "")
    if SORT_PARAMETER not in request.GET and "page" not in request.GET:
        sort = request.COOKIES.get(SORT_COOKIE, "")
    shared = (
        settings.BRIEFING_SHARED_PAGE_SECONDS
        and request.method in ("GET", "HEAD")
        and not request.user.is_authenticated
        # A message waiting for this reader ("you signed out") is theirs.
        and CookieStorage.cookie_name not in request.COOKIES
        and set(request.GET) <= {"page", SORT_PARAMETER}
        and page.isascii()
        and page.isdigit()
        and len(page) < 8
        and (sort == "" or (sort.isascii() and sort.isalpha() and len(sort) < 12))
    )
    if not shared:
        return None
    return f"{page}:{sort}:{translation.get_language()}"


# How long shared caches (deploy/'s nginx micro-cache, a CDN) may serve an
# anonymous page without asking (s-maxage), and then how much longer they
# may serve it while they ask (stale-while-revalidate): together at most
# 2 s, so a new comment reaches anonymous readers within 2 s (the contract),
# while a story read 1,000 times a second costs the instances about one
# request a second per page, most of them a 304 from the cache alone.
# Browsers keep nothing (max-age=0): they ask every time, and their
# conditional requests cost no database statement.
SHARED_CACHE_SECONDS = 1
STALE_WHILE_REVALIDATE_SECONDS = 1
# A page also shows what no change announces (see the module's docstring):
# its validator changes every BRIEFING_SHARED_PAGE_SECONDS by this clock, so
# it lasts no longer than its shared copy would.
_clock = time.time
# "<article id or 0>-<digest>", weak once a compressing proxy passed it on.
_ETAG_PATTERN = re.compile(r'^(?:W/)?"(\d{1,18})-[0-9a-f]{32}"$')


def _etag(request: HttpRequest, variant: str, tag, versions) -> str:
    period = int(_clock() // settings.BRIEFING_SHARED_PAGE_SECONDS)
    made_of = "\n".join([request.path, variant, *versions, str(period)])
    return f'"{tag}-{hashlib.sha256(made_of.encode()).hexdigest()[:32]}"'


def page_etag(request: HttpRequest, article_id: int | None = None) -> str | None:
    """The validator of the anonymous page `request` asks for: an article's
    (`article_id`) or one that shows many articles; None for a page of the
    reader's own. An article's names it, so that a conditional request can
    be answered before the article is looked up."""
    variant = _variant(request)
    if variant is None:
        return None
    if article_id is None:
        return _etag(request, variant, 0, _current(SITE, ANY))
    return _etag(request, variant, article_id, _current(SITE, article_id))


def publish(response: HttpResponse, etag: str | None) -> HttpResponse:
    """Give the anonymous page its validator and let shared caches keep it
    (briefly, see SHARED_CACHE_SECONDS). `briefing.middleware.cache_headers`
    makes it private again if it sets a cookie."""
    if etag is not None and response.status_code in (200, 304):
        response.headers["ETag"] = etag
        response.headers["Cache-Control"] = (
            f"public, max-age=0, s-maxage={SHARED_CACHE_SECONDS}, "
            f"stale-while-revalidate={STALE_WHILE_REVALIDATE_SECONDS}"
        )
        # The session cookie says who reads; the language, which page.
        patch_vary_headers(response, ["Cookie", "Accept-Language"])
    return response


def not_modified(request: HttpRequest, article: bool = False) -> HttpResponse | None:
    """304 for a conditional request whose validator is still current (from
    the cache alone, no database statement), else None. For an article the
    article is the one the validator names (`page_etag`); the path is part
    of the validator, so it answers only for the page it was made for."""
    candidates = parse_etags(request.headers.get("If-None-Match", ""))
    if not candidates or _variant(request) is None:
        return None
    if article:
        ids = {m[1] for m in map(_ETAG_PATTERN.match, candidates[:4]) if m}
        etags = [page_etag(request, int(article_id)) for article_id in ids]
    else:
        etags = [page_etag(request)]
    for etag in etags:
        if (response := get_conditional_response(request, etag=etag)) is not None:
            return publish(response, etag)
    return None


def anonymous_page(view):
    """A view of a page that shows many articles, the same to every
    anonymous reader: validators, shared caching, 304 without the database."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if (response := not_modified(request)) is not None:
            return response
        etag = page_etag(request)
        response = view(request, *args, **kwargs)
        return publish(response, etag)

    return wrapped


# Each worker's memory of which article a slug names, learnt from the
# database on a miss: what lets a hit find the article's version, and so its
# page, in one read of the cache. A memory gone stale (the article renamed,
# deleted, its slug given to another) costs nothing but a miss: the page is
# kept under the article's id and the path it was rendered for, and every
# change to an article renews its version.
_article_ids: dict[str, int] = {}
# Slugs of published articles only; forgotten all at once past this many.
_ARTICLE_IDS_KEPT = 10_000


def _page_key(article_id: int, variant: str) -> str:
    return f"article-page:{article_id}:{variant}"


class SharedPage:
    """The shared copy of one article page for one request, if the request
    is one every anonymous reader would make alike.

    The copy is kept with the versions it was rendered under and its path:
    a hit reads it, the site's version and the article's in one `get_many`,
    without a statement to the database. A copy whose versions are no longer
    current is never served.
    """

    def __init__(self, request: HttpRequest, slug: str):
        self.request = request
        self.slug = slug
        self.variant = _variant(request)
        self.article_id = self.versions = self.key = self.etag = None

    def get(self) -> HttpResponse | None:
        """The page as an earlier reader was served it, if it is current."""
        article_id = _article_ids.get(self.slug)
        if self.variant is None or article_id is None:
            return None
        key = _page_key(article_id, self.variant)
        scopes = [_version_key(SITE), _version_key(article_id)]
        found = cache.get_many([key, *scopes])
        versions = [found.get(scope) for scope in scopes]
        if None in versions:
            return None
        # Read before the article is: a change committed after this read
        # renews a version, so a page rendered from older rows is not served.
        self.article_id, self.versions = article_id, versions
        entry = found.get(key)
        if entry is None or entry[0] != versions or entry[1] != self.request.path:
            return None
        etag = _etag(self.request, self.variant, article_id, versions)
        response = HttpResponse(entry[2])
        vary(response)
        return publish(response, etag)

    def found(self, article) -> None:
        """The article the slug names, read from the database after a miss."""
        if self.variant is None:
            return
        if _article_ids.get(self.slug) != article.pk:
            if len(_article_ids) >= _ARTICLE_IDS_KEPT:
                _article_ids.clear()
            _article_ids[self.slug] = article.pk
        if self.article_id != article.pk:
            self.article_id, self.versions = article.pk, _current(SITE, article.pk)
        self.key = _page_key(article.pk, self.variant)
        self.etag = _etag(self.request, self.variant, article.pk, self.versions)

    def not_found(self) -> None:
        """No published article has the slug (any longer)."""
        _article_ids.pop(self.slug, None)

    def keep(self, response) -> None:
        """Share `response` once it is rendered, unless it is someone's own."""
        vary(response)
        if self.key is not None:
            publish(response, self.etag)
            response.add_post_render_callback(self._keep)

    def _keep(self, response) -> None:
        # A page that carries a CSRF token or an error is nobody else's.
        if (
            response.status_code == 200
            and b"csrfmiddlewaretoken" not in response.content
        ):
            entry = (self.versions, self.request.path, response.content)
            cache.set(self.key, entry, settings.BRIEFING_SHARED_PAGE_SECONDS)


def vary(response) -> None:
    """An article page differs by language (the cookie or Accept-Language)
    and by reader (the session cookie): a cache in front must key it so."""
    patch_vary_headers(response, ("Accept-Language", "Cookie"))

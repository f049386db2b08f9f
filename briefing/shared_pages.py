"""Whole article pages that anonymous readers share through the cache.

Every anonymous reader sees the same article page, so it is rendered once and
kept in the shared cache under the versions of what it shows: the article's
(its text, its discussion) and the site's (commenting paused, the auto-close
delay). Whatever changes what a page shows calls `changed()` once, and the
page is never served again, on any worker or instance, because its key names
versions that are no longer current.

A version is replaced only after the change commits: a reader who renders
between the write and the commit reads the old version, so what they keep
under it is never served again. `BRIEFING_SHARED_PAGE_SECONDS` bounds what no
change announces: authors' Online/Offline, display names, a discussion closing
by itself at its time, or its slow mode ending at its time.
"""

from functools import partial
from uuid import uuid4

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers

SITE = "site"
# The discussion's order: a query parameter, else the reader's remembered
# choice in a cookie (see comments.discussion). Each order is its own page.
SORT_PARAMETER = "sort"
SORT_COOKIE = "comment_sort"


def changed(article_id: int | None = None) -> None:
    """Say that what the article's pages show changed (the whole site's,
    without an article), once the transaction in progress commits."""
    transaction.on_commit(
        partial(_new_version, SITE if article_id is None else article_id)
    )


def _version_key(scope) -> str:
    return f"version:{scope}"


def _current(scope) -> str:
    version = cache.get(_version_key(scope))
    if version is None:
        # add(): of two workers starting a version at once, one wins.
        cache.add(_version_key(scope), uuid4().hex, timeout=None)
        # Evicted again at once (a full cache): a version of this request alone.
        version = cache.get(_version_key(scope)) or uuid4().hex
    return version


def _new_version(scope) -> None:
    cache.set(_version_key(scope), uuid4().hex, timeout=None)


class SharedPage:
    """The shared copy of one article page for one request, if the request
    is one every anonymous reader would make alike."""

    def __init__(self, request: HttpRequest, article):
        self.key = self._key(request, article)

    @staticmethod
    def _key(request: HttpRequest, article) -> str | None:
        page = request.GET.get("page", "1")
        # The order asked for, else the remembered one, except on a link to
        # a page by number, which is oldest first (comments.discussion).
        sort = request.GET.get(SORT_PARAMETER, "")
        if SORT_PARAMETER not in request.GET and "page" not in request.GET:
            sort = request.COOKIES.get(SORT_COOKIE, "")
        shared = (
            settings.BRIEFING_SHARED_PAGE_SECONDS
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
        # Each language is its own page: the one LocaleMiddleware chose from
        # the language cookie or Accept-Language.
        return (
            f"article-page:{article.pk}:{_current(SITE)}:{_current(article.pk)}"
            f":{page}:{sort}:{translation.get_language()}"
        )

    def get(self) -> HttpResponse | None:
        """The page as an earlier reader was served it, if it is current."""
        if self.key is None:
            return None
        content = cache.get(self.key)
        if content is None:
            return None
        response = HttpResponse(content)
        vary(response)
        return response

    def keep(self, response) -> None:
        """Share `response` once it is rendered, unless it is someone's own."""
        vary(response)
        if self.key is not None:
            response.add_post_render_callback(self._keep)

    def _keep(self, response) -> None:
        # A page that carries a CSRF token or an error is nobody else's.
        if (
            response.status_code == 200
            and b"csrfmiddlewaretoken" not in response.content
        ):
            cache.set(self.key, response.content, settings.BRIEFING_SHARED_PAGE_SECONDS)


def vary(response) -> None:
    """An article page differs by language (the cookie or Accept-Language)
    and by reader (the session cookie): a cache in front must key it so."""
    patch_vary_headers(response, ("Accept-Language", "Cookie"))

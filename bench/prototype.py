"""Prototype, not part of the product: the anonymous article page from the
shared cache, measured by the benchmark to show what it would buy.

The key holds the article's slug, the page number and a *discussion version*:
a random token kept in the shared cache (file cache on one machine, Redis
across instances) and replaced after commit whenever a comment of the article
or the article itself is saved or deleted. Every worker and instance reads the
same token, so the next request anywhere misses and renders afresh; an entry
lives at most PAGE_TTL seconds, which bounds how stale Online/Offline and a
changed display name can be (last_seen itself has a one-minute resolution).
Signed-in readers never get a cached page: theirs holds the form, their own
pending comments and links that depend on who they are.

Only the serving side is here, which is what the benchmark times (a hit).
Nothing bumps the version in this prototype, so that the benchmark's writes
measure the product alone: to land it, a new token must be set after commit
where comments change (comments.moderation.change_status,
post_comment, edit_comment; not from signals, which QuerySet.update()
bypasses) and where an article is saved, with tests that a change shows at
once through another process.
"""

import re
from uuid import uuid4

from django.core.cache import cache
from django.http import HttpResponse

from briefing.views import ArticleView

PAGE_TTL = 60
_PAGE_NUMBER = re.compile(r"^[0-9]{1,6}$")
_article_view = ArticleView.as_view()


def _version_key(slug: str) -> str:
    return f"bench:discussion-version:{slug}"


def cached_article(request, slug):
    page = request.GET.get("page", "1")
    if (
        request.method != "GET"
        or request.user.is_authenticated
        or "messages" in request.COOKIES
        or not _PAGE_NUMBER.match(page)
        or len(request.GET) > 1
    ):
        return _article_view(request, slug=slug)
    version = cache.get(_version_key(slug))
    if version is None:
        cache.add(_version_key(slug), uuid4().hex, timeout=None)
        version = cache.get(_version_key(slug))
    key = f"bench:article-page:{slug}:{page}:{version}"
    cached = cache.get(key)
    if cached is not None:
        content, content_type = cached
        return HttpResponse(content, content_type=content_type)
    response = _article_view(request, slug=slug)
    if response.status_code == 200:
        response.render()
        cache.set(key, (response.content, response["Content-Type"]), PAGE_TTL)
    return response

import sys
from functools import partial

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django.views.generic import DetailView, ListView, TemplateView
from django.views.static import serve

from . import versions
from .models import Article

DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)


class FrontPageView(ListView):
    """Published articles, newest first; each item shows its comment count."""

    paginate_by = 10
    template_name = "briefing/front_page.html"

    def get_queryset(self):
        return Article.objects.published().select_related("author")

    def paginate_queryset(self, queryset, page_size):
        """As under an article (Django's `Paginator.get_page`): what is no
        number ("abc") shows the first page, a number out of range the last,
        rather than a 404 for a link mistyped or outlived by its page."""
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()


class ArticleView(DetailView):
    """One published article, then its discussion (pulled in by the template).

    Anonymous readers all see the same page, so it is rendered once and shared
    through the cache, under the versions of what it shows (`versions`): a
    new, edited, deleted or moderated comment, an edited article or a
    site-wide switch is seen at once by everyone, on every worker. Signed-in
    readers' pages hold their own form and links and are never cached.
    """

    template_name = "briefing/article_detail.html"

    def get_queryset(self):
        return Article.objects.published().select_related("author")

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        key = self._shared_page_key()
        if key is not None:
            page = cache.get(key)
            if page is not None:
                return HttpResponse(page)
        response = self.render_to_response(self.get_context_data(object=self.object))
        if key is not None:
            response.add_post_render_callback(partial(_share_page, key))
        return response

    def _shared_page_key(self) -> str | None:
        """The cache key of this page if every anonymous reader sees it alike."""
        request = self.request
        page = request.GET.get("page", "1")
        shared = (
            SHARED_PAGE_SECONDS
            and not request.user.is_authenticated
            # A message waiting for this reader ("you signed out") is theirs.
            and CookieStorage.cookie_name not in request.COOKIES
            and set(request.GET) <= {"page"}
            and page.isascii()
            and page.isdigit()
            and len(page) < 8
        )
        if not shared:
            return None
        article = self.object
        return (
            f"article-page:{article.pk}:{article.updated_at.timestamp()}:"
            f"{versions.current(versions.SITE)}:{versions.current(article.pk)}:{page}"
        )


# How long anonymous readers may share a rendered article page. Every change
# to what it shows gives it a new key at once, so this bounds only what no
# change announces: authors' Online/Offline, display names, a discussion
# closing by itself at its time. 0 renders every page afresh (the benchmark
# times the uncached page that way).
SHARED_PAGE_SECONDS = 60


def _share_page(key: str, response) -> None:
    # A page that carries a CSRF token or an error is nobody else's.
    if response.status_code == 200 and b"csrfmiddlewaretoken" not in response.content:
        cache.set(key, response.content, SHARED_PAGE_SECONDS)


class GuidelinesView(TemplateView):
    template_name = "briefing/guidelines.html"


class RobotsView(TemplateView):
    template_name = "robots.txt"
    content_type = "text/plain"


@require_safe
def media(request, path):
    """An editor's upload from MEDIA_ROOT. Django's static `serve` answers
    conditional requests and refuses paths outside the folder; an upload
    never changes under its name (a new one gets a new name), so browsers
    and proxies may keep it for a year."""
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


@require_safe
def favicon(request):
    """/favicon.ico, which browsers ask for where no page names an icon (a
    feed, a download): the site's SVG icon. Not a permanent redirect: the
    icon's address changes with its content."""
    response = redirect(static("favicon.svg"))
    response["Cache-Control"] = "public, max-age=86400"
    return response


@never_cache
@require_safe
def healthz(request):
    """200 "ok" when the database and the shared cache answer, 503 otherwise."""
    problems = []
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as error:
        problems.append(f"database: {error.__class__.__name__}")
    try:
        cache.set("healthz", "ok", timeout=10)
        if cache.get("healthz") != "ok":
            problems.append("cache: value not stored")
    except Exception as error:
        problems.append(f"cache: {error.__class__.__name__}")
    if problems:
        return HttpResponse(
            "unavailable: " + "; ".join(problems), status=503, content_type="text/plain"
        )
    return HttpResponse("ok", content_type="text/plain")


def server_error(request):
    """The 500 page; while the database is unreachable, a 503 that says so.

    During a database restart requests fail with a connection error: that is
    an outage to wait out (Retry-After), not a bug, and load balancers and
    clients treat 503 that way.
    """
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_UNAVAILABLE):
        response = render(request, "503.html", status=503)
        response["Retry-After"] = "5"
        return response
    return render(request, "500.html", status=500)

import sys

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import InterfaceError, OperationalError, connection
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.decorators import method_decorator
from django.utils.translation import check_for_language
from django.views import i18n
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST, require_safe
from django.views.generic import DetailView, ListView, TemplateView
from django.views.static import serve

from .models import Article
from .shared_pages import SharedPage, anonymous_page, not_modified

DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)


@method_decorator(anonymous_page, name="get")
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

    Anonymous readers share the rendered page (`shared_pages`); signed-in
    readers' pages hold their own form and links and are never shared.
    """

    template_name = "briefing/article_detail.html"

    def get_queryset(self):
        return Article.objects.published().select_related("author")

    def get(self, request, *args, **kwargs):
        # A reader's copy still current: 304 before the article is looked up.
        if (response := not_modified(request, article=True)) is not None:
            return response
        # A copy every anonymous reader shares: from the cache alone.
        shared = SharedPage(request, self.kwargs["slug"])
        if (page := shared.get()) is not None:
            return page
        try:
            self.object = self.get_object()
        except Http404:
            shared.not_found()
            raise
        shared.found(self.object)
        response = self.render_to_response(self.get_context_data(object=self.object))
        shared.keep(response)
        return response


# The switch in every page's footer posts here. An anonymous reader's form
# carries no CSRF token: the article pages they are served are shared by every
# anonymous reader (shared_pages), so a token in them would be someone else's,
# and a token would keep the page from being shared at all. For them the view
# is exempt: all a forged post could do is set the language cookie, which
# changes how the site reads (the next click on the switch changes it back),
# never what it does or what anyone else sees. A signed-in reader's pages are
# their own and carry a token, and for them the choice is stored on the
# account, so their post is checked as any other.
@csrf_exempt
@require_POST
def set_language(request):
    """Django's set_language (the language cookie, then back to `next`); for
    a signed-in reader, the language is also remembered on the account, for
    their pages on any browser and for their e-mails."""
    if request.user.is_authenticated:
        return _set_readers_language(request)
    return i18n.set_language(request)


@csrf_protect
def _set_readers_language(request):
    response = i18n.set_language(request)
    language = request.POST.get(i18n.LANGUAGE_QUERY_PARAMETER, "")
    if language in dict(settings.LANGUAGES) and check_for_language(language):
        get_user_model().objects.filter(pk=request.user.pk).update(language=language)
    return response


_catalog = i18n.JavaScriptCatalog.as_view()


@require_safe
def javascript_catalog(request):
    """The words briefing.js writes, in the reader's language: the same for
    every reader of a language, so kept an hour, varying on Accept-Language
    and on the cookies (the language switch's)."""
    response = _catalog(request)
    patch_cache_control(response, public=True, max_age=3600)
    patch_vary_headers(response, ("Accept-Language", "Cookie"))
    return response


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

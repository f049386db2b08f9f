"""The product's URLs plus the benchmark's yardsticks.

`constant/` answers a fixed text through the full middleware stack: the least
any Django page can cost here, the limit the article page is compared with.
`uncached-article/` is the product's article page with the anonymous readers'
shared page cache turned off: what every cache miss renders. The
product serves neither.
"""

from django.http import HttpResponse
from django.test import override_settings
from django.urls import path
from django.views.decorators.http import require_safe

from briefing import views
from briefing.urls import urlpatterns as product_urlpatterns

_article_view = views.ArticleView.as_view()


@require_safe
def constant(request):
    return HttpResponse("ok", content_type="text/plain")


@require_safe
def uncached_article(request, slug):
    # Rendered here, while pages are not shared.
    with override_settings(BRIEFING_SHARED_PAGE_SECONDS=0):
        response = _article_view(request, slug=slug)
        if hasattr(response, "render"):
            response.render()
        return response


urlpatterns = [
    path("bench/constant/", constant, name="bench_constant"),
    path("bench/uncached-article/<str:slug>/", uncached_article, name="bench_uncached"),
    *product_urlpatterns,
]

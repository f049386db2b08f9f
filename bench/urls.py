"""The product's URLs plus the benchmark's yardsticks.

`constant/` answers a fixed text through the full middleware stack: the least
any Django page can cost here, the limit the article page is compared with.
`cached-article/` is the prototype of a shared-cache article page for
anonymous readers (bench/prototype.py), measured but not part of the product.
"""

from django.http import HttpResponse
from django.urls import path
from django.views.decorators.http import require_safe

from briefing.urls import urlpatterns as product_urlpatterns

from .prototype import cached_article


@require_safe
def constant(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/constant/", constant, name="bench_constant"),
    path("bench/cached-article/<str:slug>/", cached_article, name="bench_cached"),
    *product_urlpatterns,
]

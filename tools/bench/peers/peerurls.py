"""URLs of the peer site: the article page, the app's own URLs, a constant."""

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import include, path
from peerapp.models import Article


def article(request, slug):
    template = (
        "xtd.html"
        if "django_comments_xtd" in settings.INSTALLED_APPS
        else "contrib.html"
    )
    return render(request, template, {"article": get_object_or_404(Article, slug=slug)})


def constant(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("articles/<slug:slug>/", article),
    path("constant/", constant),
    path(
        "comments/",
        include(
            "django_comments_xtd.urls"
            if "django_comments_xtd" in settings.INSTALLED_APPS
            else "django_comments.urls"
        ),
    ),
]

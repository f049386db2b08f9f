from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from . import views
from .accounts.urls import allauth_overrides
from .feeds import LatestArticlesFeed
from .shared_pages import anonymous_page
from .sitemaps import ArticleSitemap

# The admin's sign-in is the site's (throttled, two-factor): no side door.
admin.site.login = secure_admin_login(admin.site.login)
# Staff come to the admin to moderate: it says whose and what it is.
admin.site.site_header = _("Briefing moderation")
admin.site.site_title = _("Briefing moderation")
admin.site.index_title = _("The moderator's desk")

briefing_patterns = [
    path("", views.FrontPageView.as_view(), name="front_page"),
    path("articles/<str:slug>/", views.ArticleView.as_view(), name="article"),
    path("guidelines/", views.GuidelinesView.as_view(), name="guidelines"),
    path("feeds/articles/", anonymous_page(LatestArticlesFeed()), name="feed"),
]

urlpatterns = [
    path("", include((briefing_patterns, "briefing"))),
    path("", include("comments.urls")),
    path("", include("notifications.urls")),
    path("", include("briefing.accounts.urls")),
    path("accounts/", include(allauth_overrides)),
    path("accounts/", include("allauth.urls")),
    # Django's set_language (django.conf.urls.i18n's URL), wrapped: see the view.
    path("i18n/setlang/", views.set_language, name="set_language"),
    # The words briefing.js writes, in the page's language.
    path("jsi18n/", views.javascript_catalog, name="javascript_catalog"),
    path("admin/", admin.site.urls),
    path(
        "sitemap.xml",
        sitemap,
        {"sitemaps": {"articles": ArticleSitemap}},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    path("robots.txt", views.RobotsView.as_view(), name="robots"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("media/<path:path>", views.media, name="media"),
    path("healthz", views.healthz, name="healthz"),
]

handler500 = "briefing.views.server_error"

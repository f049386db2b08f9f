from django.contrib.sitemaps import Sitemap

from .models import Article


class ArticleSitemap(Sitemap):
    changefreq = "daily"

    def items(self):
        return Article.objects.published()

    def lastmod(self, item):
        return item.updated_at

from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy

from .models import Article


class LatestArticlesFeed(Feed):
    title = "Briefing: latest articles"
    link = reverse_lazy("briefing:front_page")
    description = "News and analysis from Briefing."

    def items(self):
        return Article.objects.published().select_related("author")[:20]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.lead

    def item_pubdate(self, item):
        return item.published_at

    def item_author_name(self, item):
        return item.author.get_short_name()

from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .models import Article


class LatestArticlesFeed(Feed):
    title = _("Briefing: latest articles")
    link = reverse_lazy("briefing:front_page")
    description = _("News and analysis from Briefing.")

    def language(self):
        """The reader's: the titles and descriptions are in it."""
        return get_language()

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

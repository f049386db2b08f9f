from django.contrib.syndication.views import Feed
from django.db.models import Count, Q
from django.urls import reverse_lazy
from django.utils.feedgenerator import Rss201rev2Feed
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .models import Article


class RssWithCommentCounts(Rss201rev2Feed):
    """RSS 2.0 with each item's discussion: `<comments>`, its address, and
    `<slash:comments>`, its count (the Slash module's element, which feed
    readers and WordPress's own feeds use: RSS 2.0 has none for a count)."""

    SLASH = "http://purl.org/rss/1.0/modules/slash/"

    def rss_attributes(self):
        return {**super().rss_attributes(), "xmlns:slash": self.SLASH}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        # From the item's absolute link: the feed's `item_comments` would go
        # out as the site-relative path it returns.
        handler.addQuickElement("comments", item["link"] + "#comments")
        handler.addQuickElement("slash:comments", str(item["comment_count"]))


class LatestArticlesFeed(Feed):
    feed_type = RssWithCommentCounts
    title = _("Briefing: latest articles")
    link = reverse_lazy("briefing:front_page")
    description = _("News and analysis from Briefing.")

    def language(self):
        """The reader's: the titles and descriptions are in it."""
        return get_language()

    def items(self):
        # Published comments, as the front page counts them; one statement.
        from comments.models import Status

        return (
            Article.objects.published()
            .select_related("author")
            .annotate(
                comment_count=Count(
                    "comments", filter=Q(comments__status=Status.PUBLISHED)
                )
            )[:20]
        )

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.lead

    def item_pubdate(self, item):
        return item.published_at

    def item_author_name(self, item):
        return item.author.get_short_name()

    def item_extra_kwargs(self, item):
        return {"comment_count": item.comment_count}

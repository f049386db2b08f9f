"""What readers do with each other's comments: Respect, ignoring a reader,
and the visits that tell what is new to them."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from briefing.models import Article

from .comment import (
    Comment,
)


class Respect(models.Model):
    """A reader's appreciation of someone else's comment: one per reader per
    comment, taken back by deleting it. `Comment.respect_count` keeps the
    count the discussion shows without counting rows on every page."""

    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, related_name="respects"
    )
    reader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="respects"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "reader"], name="one_respect_per_reader"
            )
        ]
        # A reader's recent respects (the rate limit, the export).
        indexes = [models.Index(fields=["reader", "created_at"])]

    def __str__(self):
        return f"Respect for comment {self.comment_id} by reader {self.reader_id}"


# A reader's visits to an article closer together than this are one visit:
# no write on every page view, as with the Online status.
VISIT_RESOLUTION = timedelta(minutes=5)


class ArticleVisitQuerySet(models.QuerySet):
    def record(self, reader, article, last_number: int, visit=None) -> None:
        """Note that `reader` opened `article` when its discussion ended at
        `last_number`. `visit` is their previous visit as the page read it
        (None for a first one): it is written again only when comments were
        published since and VISIT_RESOLUTION has passed, so most page views
        write nothing."""
        now = timezone.now()
        if visit is None:
            self.get_or_create(
                reader=reader,
                article=article,
                defaults={"last_number": last_number, "visited_at": now},
            )
        elif (
            last_number > visit.last_number
            and now - visit.visited_at >= VISIT_RESOLUTION
        ):
            self.filter(pk=visit.pk).update(last_number=last_number, visited_at=now)


class ArticleVisit(models.Model):
    """Where the discussion under an article ended when a reader last opened
    it, so that their next visit marks what was published since."""

    reader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    last_number = models.PositiveIntegerField(default=0)
    visited_at = models.DateTimeField(default=timezone.now)

    objects = ArticleVisitQuerySet.as_manager()

    class Meta:
        ordering = ["-visited_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["reader", "article"], name="one_visit_per_article"
            )
        ]

    def __str__(self):
        return f"Reader {self.reader_id} on article {self.article_id}"


class IgnoreQuerySet(models.QuerySet):
    def ignores(self, ignorer, ignored) -> bool:
        """Whether `ignorer` ignores `ignored`: their comments are folded for
        them, and nothing `ignored` does notifies them."""
        return self.filter(ignorer=ignorer, ignored=ignored).exists()


class Ignore(models.Model):
    """A reader who does not want to read another: that reader's comments
    are folded for them. Staff cannot be ignored (`comments.conversation`)."""

    ignorer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ignoring"
    )
    ignored = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ignored_by"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = IgnoreQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["ignorer", "ignored"], name="ignore_once"),
            models.CheckConstraint(
                condition=~Q(ignorer=models.F("ignored")), name="ignore_not_oneself"
            ),
        ]

    def __str__(self):
        return f"Reader {self.ignorer_id} ignores reader {self.ignored_id}"

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from . import shared_pages


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """Articles readers may see: drafts and scheduled ones stay hidden."""
        return self.filter(published_at__lte=timezone.now())


class Article(models.Model):
    """A piece an editor publishes; the discussion hangs underneath it.

    The body is plain text with a light markup (see `briefing.markup`):
    blank lines separate paragraphs, lines starting with ">" are a quotation
    and a line after them starting with a dash is its attribution, and
    [text](https://…) is a link. Nothing an editor types is trusted as HTML.
    """

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True, allow_unicode=True)
    lead = models.TextField(help_text="One or two sentences shown on the front page.")
    body = models.TextField(
        help_text=(
            "Blank lines separate paragraphs. Start lines with “>” for a "
            "quotation and follow them with a line starting “—” for its "
            "attribution. Links: [text](https://example.com)."
        )
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="articles",
        limit_choices_to={"is_staff": True},
    )
    published_at = models.DateTimeField(
        "publication time",
        null=True,
        blank=True,
        help_text="Empty for a draft; a future time schedules the article.",
    )
    photo_credits = models.CharField(
        "used photos", max_length=300, blank=True, help_text="Photo credits."
    )
    comments_open = models.BooleanField(
        default=True, help_text="Untick to close the discussion now."
    )
    comments_auto_close = models.BooleanField(
        "close comments automatically",
        default=True,
        help_text=(
            "Close the discussion the configured number of days after "
            "publication (unless a closing time is set below)."
        ),
    )
    comments_close_at = models.DateTimeField(
        "comments close at",
        null=True,
        blank=True,
        help_text="Close the discussion at this time instead.",
    )
    premoderated = models.BooleanField(
        "premoderate comments",
        default=False,
        help_text="Every comment waits for a moderator's approval.",
    )
    comments_slow_until = models.DateTimeField(
        "slow mode until",
        null=True,
        blank=True,
        editable=False,
        help_text="A surge of comments slowed the discussion down until then.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [models.Index(fields=["-published_at", "-id"])]

    def __str__(self):
        return self.title

    # Whoever saves an article (an editor, a moderator's discussion switch,
    # a script), its shared pages are renewed: a model's save is the one way
    # every change passes.
    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        shared_pages.changed(self.pk)

    def get_absolute_url(self):
        return reverse("briefing:article", args=[self.slug])

    def delete(self, *args, **kwargs):
        shared_pages.changed(self.pk)
        return super().delete(*args, **kwargs)

    @property
    def slow_mode_until(self) -> datetime | None:
        """When the discussion's slow mode ends, or None when it is not on."""
        until = self.comments_slow_until
        return until if until is not None and until > timezone.now() else None

    def comments_close_time(self, auto_close_days: int) -> datetime | None:
        """When the discussion closes by itself, or None if it never does."""
        if self.comments_close_at is not None:
            return self.comments_close_at
        if self.comments_auto_close and self.published_at is not None:
            return self.published_at + timedelta(days=auto_close_days)
        return None

from datetime import datetime, timedelta
from io import BytesIO
from pathlib import PurePosixPath

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import models
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from PIL import Image

from . import shared_pages


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """Articles readers may see: drafts and scheduled ones stay hidden."""
        return self.filter(published_at__lte=timezone.now())


# Widths of the smaller copies of a lead image that browsers pick from
# (srcset): a phone, a tablet or laptop, a large or dense screen.
IMAGE_WIDTHS = (480, 960, 1440)


def rendition_name(name: str, width: int) -> str:
    """Where the `width` pixels wide copy of the image stored as `name` is."""
    path = PurePosixPath(name)
    return str(path.with_name(f"{path.stem}-{width}w.jpg"))


class Article(models.Model):
    """A piece an editor publishes; the discussion hangs underneath it.

    The body is plain text with a light markup (see `briefing.markup`):
    blank lines separate paragraphs, lines starting with ">" are a quotation
    and a line after them starting with a dash is its attribution, and
    [text](https://…) is a link. Nothing an editor types is trusted as HTML.
    """

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True, allow_unicode=True)
    lead = models.TextField(
        help_text=_("One or two sentences shown on the front page.")
    )
    body = models.TextField(
        help_text=(
            _(
                "Blank lines separate paragraphs. Start lines with “>” for a "
                "quotation and follow them with a line starting “—” for its "
                "attribution. Links: [text](https://example.com)."
            )
        )
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="articles",
        limit_choices_to={"is_staff": True},
    )
    published_at = models.DateTimeField(
        _("publication time"),
        null=True,
        blank=True,
        help_text=_("Empty for a draft; a future time schedules the article."),
    )
    image = models.ImageField(
        _("lead image"),
        upload_to="articles/%Y/%m/",
        blank=True,
        width_field="image_width",
        height_field="image_height",
        help_text=_("Shown above the body, at least 1,440 pixels wide at best."),
    )
    image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_alt = models.CharField(
        _("image description"),
        max_length=300,
        blank=True,
        help_text=_("What the image shows, for readers who cannot see it."),
    )
    image_caption = models.CharField(_("caption"), max_length=300, blank=True)
    photo_credits = models.CharField(
        _("used photos"),
        max_length=300,
        blank=True,
        help_text=_("Who made the lead image (shown as “Used photos:” with it)."),
    )
    comments_open = models.BooleanField(
        default=True, help_text=_("Untick to close the discussion now.")
    )
    comments_auto_close = models.BooleanField(
        _("close comments automatically"),
        default=True,
        help_text=(
            _(
                "Close the discussion the configured number of days after "
                "publication (unless a closing time is set below)."
            )
        ),
    )
    comments_close_at = models.DateTimeField(
        _("comments close at"),
        null=True,
        blank=True,
        help_text=_("Close the discussion at this time instead."),
    )
    premoderated = models.BooleanField(
        _("premoderate comments"),
        default=False,
        help_text=_("Every comment waits for a moderator's approval."),
    )
    comments_slow_until = models.DateTimeField(
        _("slow mode until"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("A surge of comments slowed the discussion down until then."),
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
    # every change passes. Deletions, one or the admin's many at once, pass
    # through `post_delete` (below).
    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        shared_pages.changed(self.pk)

    def get_absolute_url(self):
        return reverse("briefing:article", args=[self.slug])

    def image_widths(self) -> list[int]:
        """Widths of the copies made of the lead image: those narrower than it."""
        if not self.image:
            return []
        return [width for width in IMAGE_WIDTHS if width < self.image_width]

    def make_image_renditions(self) -> None:
        """Store the lead image's smaller copies (JPEG) beside it.

        Called when an editor saves a new image, not on every save: it reads
        and writes image files.
        """
        storage = self.image.storage
        with self.image.open("rb"), Image.open(self.image) as original:
            original = original.convert("RGB")
            for width in self.image_widths():
                height = round(self.image_height * width / self.image_width)
                copy = original.resize((width, height), Image.Resampling.LANCZOS)
                encoded = BytesIO()
                copy.save(encoded, "JPEG", quality=82, optimize=True, progressive=True)
                name = rendition_name(self.image.name, width)
                storage.delete(name)
                storage.save(name, ContentFile(encoded.getvalue()))

    @property
    def image_srcset(self) -> str:
        """The lead image's srcset: its copies and itself, each with its width."""
        storage = self.image.storage
        candidates = [
            f"{storage.url(rendition_name(self.image.name, width))} {width}w"
            for width in self.image_widths()
        ]
        return ", ".join([*candidates, f"{self.image.url} {self.image_width}w"])

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


@receiver(post_delete, sender=Article)
def _article_deleted(sender, instance, **kwargs):
    # Its pages and validators are never served again.
    shared_pages.changed(instance.pk)

"""What moderators configure: word lists, the site-wide settings, each
article's discussion switches, and the surge brake's counters."""

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from briefing.models import Article
from briefing.text import skeleton

from .comment import (
    SINGLE_WORD,
)

WORD_LISTS_CACHE_KEY = "comments:word-lists"


class Word(models.Model):
    """An entry of the word lists: banned words reject, suspect words hold."""

    class Action(models.TextChoices):
        BANNED = "banned", _("banned: reject the comment")
        SUSPECT = "suspect", _("suspect: hold for review")

    word = models.CharField(max_length=100, unique=True)
    action = models.CharField(max_length=10, choices=Action.choices)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("word")
        verbose_name_plural = _("words")
        ordering = ["word"]

    def __str__(self):
        return self.word

    def clean(self):
        """One word of letters or digits, not a look-alike of a listed one:
        the matcher compares whole words under their skeletons."""
        self.word = self.word.strip()
        key = skeleton(self.word)
        if not SINGLE_WORD.fullmatch(key):
            raise ValidationError(
                {"word": _("Enter one word of letters or digits, without spaces.")}
            )
        twin = next(
            (
                word
                for word in Word.objects.exclude(pk=self.pk).values_list(
                    "word", flat=True
                )
                if skeleton(word) == key
            ),
            None,
        )
        if twin is not None:
            raise ValidationError(
                {"word": f"“{twin}” is already listed and matches the same word."}
            )

    @classmethod
    def lists(cls) -> dict[str, tuple[str, str]]:
        """{skeleton of the word: (word, action)}, from the shared cache."""
        lists = cache.get(WORD_LISTS_CACHE_KEY)
        if lists is None:
            lists = {
                skeleton(word): (word, action)
                for word, action in cls.objects.values_list("word", "action")
            }
            cache.set(WORD_LISTS_CACHE_KEY, lists, timeout=None)
        return lists


class ArticleDiscussion(Article):
    """An article as moderators see it: the switches of its discussion
    (open, closing time, premoderated), never its text, which is the
    editors'. A proxy, so moderators get these rights without the article's."""

    class Meta:
        proxy = True
        verbose_name = _("article discussion")
        verbose_name_plural = _("article discussions")


class ModerationSettings(models.Model):
    """The moderators' knobs, one row, edited in the admin."""

    CACHE_KEY = "comments:moderation-settings"

    comments_paused = models.BooleanField(
        _("pause commenting site-wide"),
        default=False,
        help_text=_("No one can post anywhere while this is on."),
    )
    auto_close_days = models.PositiveIntegerField(
        _("close discussions after (days)"), default=14
    )
    new_reader_premoderation = models.PositiveIntegerField(
        _("premoderate a reader's first comments"),
        default=1,
        help_text=_("How many of a reader's comments must be approved first."),
    )
    max_links = models.PositiveIntegerField(
        _("hold comments with more links than"), default=2
    )
    report_threshold = models.PositiveIntegerField(
        _("hold comments reported by (readers)"), default=3
    )
    posting_limit = models.PositiveIntegerField(
        _("comments per reader per window"), default=5
    )
    posting_window_seconds = models.PositiveIntegerField(
        _("posting window (seconds)"), default=60
    )
    reporting_limit = models.PositiveIntegerField(
        _("reports per reader per hour"), default=20
    )
    surge_min_comments = models.PositiveIntegerField(
        _("slow a discussion down above (comments in 5 minutes)"),
        default=30,
        help_text=_("A surge needs more than this many new comments in 5 minutes…"),
    )
    surge_factor = models.PositiveIntegerField(
        _("…and more than this many times its usual rate"),
        default=5,
        help_text=_("The usual rate: the median per 5 minutes over the last 7 days."),
    )
    slow_mode_minutes = models.PositiveIntegerField(
        _("slow mode lasts (minutes)"), default=30
    )
    slow_mode_interval_seconds = models.PositiveIntegerField(
        _("in slow mode, one comment per reader every (seconds)"), default=120
    )

    class Meta:
        verbose_name = _("moderation settings")
        verbose_name_plural = _("moderation settings")
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="one_settings_row")
        ]

    def __str__(self):
        return "Moderation settings"

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def current(cls) -> "ModerationSettings":
        """The settings, from the shared cache (every page needs them)."""
        current = cache.get(cls.CACHE_KEY)
        if current is None:
            current, _created = cls.objects.get_or_create(pk=1)
            cache.set(cls.CACHE_KEY, current, timeout=None)
        return current


class DiscussionActivity(models.Model):
    """How many comments an article received in one 5-minute window: the
    surge brake compares the current window with the usual ones without
    counting comments (`comments.surge`)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    window_start = models.DateTimeField()
    comments = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["article", "window_start"]
        verbose_name_plural = _("discussion activity")
        constraints = [
            # Also the index the counter is found and the baseline read by.
            models.UniqueConstraint(
                fields=["article", "window_start"], name="one_counter_per_window"
            )
        ]

    def __str__(self):
        return f"{self.comments} comments from {self.window_start}"


class SlowModePeriod(models.Model):
    """A time a discussion was slowed down: by a surge of comments, until
    `until`, or until a moderator ended it. The record moderators see."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="slow_mode_periods"
    )
    started_at = models.DateTimeField(default=timezone.now)
    until = models.DateTimeField()
    reason = models.CharField(max_length=300)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["article", "started_at"])]
        verbose_name = _("slow mode period")

    def __str__(self):
        return f"Slow mode of article {self.article_id} from {self.started_at}"

import re

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from briefing.models import Article
from briefing.text import skeleton

EDIT_WINDOW_MINUTES = 15
BODY_MAX_LENGTH = 5000
WORD_LISTS_CACHE_KEY = "comments:word-lists"
# A word as the word lists see it: letters and digits, nothing between them.
SINGLE_WORD = re.compile(r"[^\W_]+")


class Status(models.TextChoices):
    PENDING = "pending", "awaiting moderation"
    PUBLISHED = "published", "published"
    REJECTED = "rejected", "rejected"
    DELETED = "deleted", "deleted by its author"


class Rule(models.TextChoices):
    """What put a comment where it is, besides a moderator's hand."""

    ARTICLE_PREMODERATION = "article_premoderation", "article premoderated"
    NEW_READER = "new_reader", "reader's first comments"
    BANNED_WORD = "banned_word", "banned word"
    SUSPECT_WORD = "suspect_word", "suspect word"
    LINKS = "links", "too many links"
    REPORTS = "reports", "reported by readers"
    PREMODERATED_READER = "premoderated_reader", "reader always premoderated"
    BAN = "ban", "author banned"
    ACCOUNT_ERASED = "account_erased", "author's account erased"


class CommentQuerySet(models.QuerySet):
    def visible(self):
        """What everyone sees in a discussion: published comments, and the
        placeholders of deleted ones, which keep numbering and replies readable.

        A comment its author withdrew while it was pending or rejected leaves
        no placeholder: nobody saw it, so it never had a number.
        """
        withdrawn_unseen = ModerationEvent.objects.filter(
            comment=OuterRef("pk"),
            to_status=Status.DELETED,
            from_status__in=[Status.PENDING, Status.REJECTED],
        )
        return self.filter(
            Q(status=Status.PUBLISHED)
            | Q(~Exists(withdrawn_unseen), status=Status.DELETED)
        )

    def published(self):
        return self.filter(status=Status.PUBLISHED)

    def awaiting_moderation(self):
        """The moderation queue: pending comments and published ones with open
        reports. Served by the partial index `comment_needs_decision`."""
        return self.filter(NEEDS_DECISION)

    def in_discussion_order(self):
        return self.order_by("created_at", "id")


NEEDS_DECISION = Q(status=Status.PENDING) | Q(
    status=Status.PUBLISHED, open_reports__gt=0
)


class Comment(models.Model):
    """A reader's comment under an article.

    The body is stored exactly as typed (trimmed), never pre-escaped: it is
    escaped when shown. Every change of `status` goes through
    `comments.moderation.change_status`, which also writes the audit trail.
    """

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comments"
    )
    reply_to = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replies",
        verbose_name="reply to",
    )
    body = models.TextField(max_length=BODY_MAX_LENGTH)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING
    )
    rule = models.CharField(
        "rule that fired",
        max_length=30,
        choices=Rule.choices,
        blank=True,
        help_text="The automatic rule that last decided the status, if any.",
    )
    moderation_reason = models.CharField(
        "reason",
        max_length=300,
        blank=True,
        help_text="Why it is held or rejected; a rejected comment's author sees it.",
    )
    open_reports = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="Reports not yet dismissed (kept for the queue's index).",
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=False)
    edited_at = models.DateTimeField(null=True, blank=True, editable=False)
    idempotency_key = models.UUIDField(null=True, blank=True, editable=False)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        permissions = [("can_moderate", "Can moderate comments")]
        indexes = [
            # The discussion under an article, page by page.
            models.Index(
                fields=["article", "status", "created_at", "id"],
                name="comment_discussion",
            ),
            # The discussion in reading order, whatever the statuses shown: a
            # page reads 50 rows in index order instead of sorting them all
            # (5,000 comments: 1.3x the cost of 50 without it, 1.0x with it).
            models.Index(
                fields=["article", "created_at", "id"], name="comment_in_article"
            ),
            # A reader's comments: profile, rate limit, history.
            models.Index(fields=["author", "created_at"], name="comment_by_author"),
            # The moderation queue opens on a tiny part of a huge table.
            models.Index(
                fields=["created_at", "id"],
                name="comment_needs_decision",
                condition=NEEDS_DECISION,
            ),
            # The admin's other views: by status, by the rule that fired, or
            # everything, newest first, a page at a time without sorting.
            models.Index(
                fields=["status", "created_at", "id"], name="comment_by_status"
            ),
            models.Index(fields=["rule", "created_at", "id"], name="comment_by_rule"),
            models.Index(fields=["created_at", "id"], name="comment_by_time"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "idempotency_key"],
                name="comment_posted_once",
                condition=Q(idempotency_key__isnull=False),
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="comment_status_valid"
            ),
        ]

    def __str__(self):
        # Ids only: naming the author or the article would cost a query
        # wherever a comment is printed (admin titles, logs).
        return f"Comment #{self.pk}"

    def get_absolute_url(self):
        return reverse("comments:permalink", args=[self.pk]) + f"#{self.anchor}"

    @property
    def anchor(self) -> str:
        return f"comment-{self.pk}"

    @property
    def is_editable(self) -> bool:
        return self.status in (
            Status.PENDING,
            Status.PUBLISHED,
        ) and timezone.now() - self.created_at < timezone.timedelta(
            minutes=EDIT_WINDOW_MINUTES
        )


class CommentRevision(models.Model):
    """An earlier version of an edited comment, kept for moderators."""

    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, related_name="revisions"
    )
    body = models.TextField()
    written_at = models.DateTimeField(help_text="When this version was written.")

    class Meta:
        ordering = ["comment", "-written_at"]
        indexes = [models.Index(fields=["comment", "written_at"])]

    def __str__(self):
        return f"Version of comment {self.comment_id} from {self.written_at}"


class ModerationEvent(models.Model):
    """The audit trail: one row per change of a comment's status."""

    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The moderator or author who acted; empty when a rule fired.",
    )
    rule = models.CharField(max_length=30, choices=Rule.choices, blank=True)
    from_status = models.CharField(max_length=10, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=Status.choices)
    reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["comment", "created_at", "id"]
        indexes = [models.Index(fields=["comment", "created_at"])]

    def __str__(self):
        by = self.actor or self.get_rule_display() or "system"
        return f"{self.from_status or 'new'} → {self.to_status} by {by}"


class Report(models.Model):
    """A reader's report of someone else's comment: one per reader per comment."""

    class Reason(models.TextChoices):
        SPAM = "spam", "spam"
        ABUSE = "abuse", "abuse or harassment"
        OFF_TOPIC = "off_topic", "off topic"
        OTHER = "other", "something else"

    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, related_name="reports"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reports"
    )
    reason = models.CharField(max_length=10, choices=Reason.choices)
    details = models.TextField(max_length=1000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    dismissed_at = models.DateTimeField(null=True, blank=True)
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "reporter"], name="one_report_per_reader"
            )
        ]
        indexes = [models.Index(fields=["reporter", "created_at"])]

    def __str__(self):
        return f"{self.get_reason_display()} report on comment {self.comment_id}"


class SanctionQuerySet(models.QuerySet):
    def active(self):
        now = timezone.now()
        return self.filter(lifted_at__isnull=True).filter(
            Q(until__isnull=True) | Q(until__gt=now)
        )


class Sanction(models.Model):
    """A moderator's measure against a reader, shown to them when they post."""

    class Kind(models.TextChoices):
        BAN = "ban", "ban"
        SUSPENSION = "suspension", "suspension"
        PREMODERATION = "premoderation", "always premoderate"

    reader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sanctions"
    )
    kind = models.CharField(max_length=15, choices=Kind.choices)
    until = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Required for a suspension; empty means until lifted.",
    )
    reason = models.CharField(max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    lifted_at = models.DateTimeField(
        null=True, blank=True, help_text="Set to lift the sanction early."
    )

    objects = SanctionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["reader", "lifted_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="suspension") | Q(until__isnull=False),
                name="suspension_has_end",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} of {self.reader}"

    @property
    def blocks_posting(self) -> bool:
        return self.kind in (self.Kind.BAN, self.Kind.SUSPENSION)

    def summary(self) -> str:
        """A few words for moderators: "banned until 01 Dec 2026 10:00"."""
        verb = {
            self.Kind.BAN: "banned",
            self.Kind.SUSPENSION: "suspended",
            self.Kind.PREMODERATION: "always premoderated",
        }[self.kind]
        if self.until is None:
            return verb
        return f"{verb} until {timezone.localtime(self.until):%d %b %Y %H:%M}"

    def explanation(self) -> str:
        """What the reader is told when they try to post."""
        if self.kind == self.Kind.BAN:
            until = (
                f" until {timezone.localtime(self.until):%d %B %Y %H:%M}"
                if self.until
                else ""
            )
            return f"You are banned from commenting{until}. Reason: {self.reason}"
        if self.kind == self.Kind.SUSPENSION:
            return (
                "Your commenting is suspended until "
                f"{timezone.localtime(self.until):%d %B %Y %H:%M}. "
                f"Reason: {self.reason}"
            )
        return f"Your comments wait for a moderator's approval. Reason: {self.reason}"


class Word(models.Model):
    """An entry of the word lists: banned words reject, suspect words hold."""

    class Action(models.TextChoices):
        BANNED = "banned", "banned: reject the comment"
        SUSPECT = "suspect", "suspect: hold for review"

    word = models.CharField(max_length=100, unique=True)
    action = models.CharField(max_length=10, choices=Action.choices)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
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
                {"word": "Enter one word of letters or digits, without spaces."}
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
        verbose_name = "article discussion"
        verbose_name_plural = "article discussions"


class ModerationSettings(models.Model):
    """The moderators' knobs, one row, edited in the admin."""

    CACHE_KEY = "comments:moderation-settings"

    comments_paused = models.BooleanField(
        "pause commenting site-wide",
        default=False,
        help_text="No one can post anywhere while this is on.",
    )
    auto_close_days = models.PositiveIntegerField(
        "close discussions after (days)", default=14
    )
    new_reader_premoderation = models.PositiveIntegerField(
        "premoderate a reader's first comments",
        default=1,
        help_text="How many of a reader's comments must be approved first.",
    )
    max_links = models.PositiveIntegerField(
        "hold comments with more links than", default=2
    )
    report_threshold = models.PositiveIntegerField(
        "hold comments reported by (readers)", default=3
    )
    posting_limit = models.PositiveIntegerField(
        "comments per reader per window", default=5
    )
    posting_window_seconds = models.PositiveIntegerField(
        "posting window (seconds)", default=60
    )
    reporting_limit = models.PositiveIntegerField(
        "reports per reader per hour", default=20
    )

    class Meta:
        verbose_name = "moderation settings"
        verbose_name_plural = "moderation settings"
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
            current, _ = cls.objects.get_or_create(pk=1)
            cache.set(cls.CACHE_KEY, current, timeout=None)
        return current

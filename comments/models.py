import hashlib
import re
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from briefing.models import Article
from briefing.text import skeleton, without_invisible

EDIT_WINDOW_MINUTES = 15
# Comments moderators may feature above one article's discussion.
FEATURED_LIMIT = 3
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
    CAMPAIGN = "campaign", "likely campaign: the same text from several readers"
    REJECTION_RATE = "rejection_rate", "many of the reader's recent comments rejected"
    SLOW_MODE = "slow_mode", "slow mode: a reader without approved comments"


def sentence(text: str) -> str:
    """`text` ending as a sentence does, whether or not its writer ended it."""
    text = text.strip()
    return text if not text or text[-1] in ".!?…" else f"{text}."


def text_fingerprint(body: str) -> str:
    """What two bodies a reader would read as the same text share: words
    compared as the word lists compare them (case, look-alike letters and
    invisible characters folded), spacing ignored."""
    folded = skeleton(without_invisible(body))
    # A text without letters or digits ("!!!", emoji) is compared as it is.
    words = " ".join(SINGLE_WORD.findall(folded)) or " ".join(folded.split())
    return hashlib.blake2b(words.encode(), digest_size=16).hexdigest()


class RemovalReason(models.TextChoices):
    """The standard reasons a moderator removes a comment for: the author is
    told the reason's name, and the discussion's placeholder names it."""

    SPAM = "spam", "spam"
    ABUSE = "abuse", "abuse or harassment"
    HATE = "hate", "hate speech"
    OFF_TOPIC = "off_topic", "off topic"
    PERSONAL_DATA = "personal_data", "personal data"
    MISINFORMATION = "misinformation", "misinformation"
    ILLEGAL = "illegal", "illegal content"
    OTHER = "other", "other"


class CommentQuerySet(models.QuerySet):
    def visible(self):
        """What a discussion shows everyone: every comment that was ever
        published, in its place and under its number, either itself or, once
        removed, a placeholder saying why, so "see comment 7" keeps pointing
        at the same place. A comment nobody but its author saw has no number.
        """
        return self.filter(number__isnull=False)

    def unpublished_by(self, reader):
        """`reader`'s own comments that others cannot see: pending or
        rejected (those never published have no place in the discussion)."""
        return self.filter(author=reader, status__in=[Status.PENDING, Status.REJECTED])

    def next_number(self, article_id: int) -> int:
        """The number the next comment published under the article takes.

        Call it inside the transaction that publishes, after locking the
        article's row (`comments.moderation`), so two comments published at
        once cannot take the same number.
        """
        last = self.filter(article_id=article_id).aggregate(last=models.Max("number"))
        return (last["last"] or 0) + 1

    def published(self):
        return self.filter(status=Status.PUBLISHED)

    def awaiting_moderation(self):
        """The moderation queue: pending comments and published ones with open
        reports. Served by the partial index `comment_needs_decision`."""
        return self.filter(NEEDS_DECISION)

    def in_discussion_order(self):
        return self.order_by("number")

    def featured(self):
        """The comments moderators feature above the discussion, as long as
        they are published; served by the partial index `comment_featured`."""
        return self.filter(featured_at__isnull=False, status=Status.PUBLISHED)


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
    removal_reason = models.CharField(
        "standard reason",
        max_length=20,
        choices=RemovalReason.choices,
        blank=True,
        help_text="The standard reason a moderator removed it for.",
    )
    number = models.PositiveIntegerField(
        null=True,
        blank=True,
        editable=False,
        help_text=(
            "Its place in the discussion, given when it is first published "
            "and never changed, even when it is removed."
        ),
    )
    open_reports = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="Reports not yet dismissed (kept for the queue's index).",
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=False)
    edited_at = models.DateTimeField(null=True, blank=True, editable=False)
    idempotency_key = models.UUIDField(null=True, blank=True, editable=False)
    fingerprint = models.CharField(
        max_length=32,
        blank=True,
        editable=False,
        help_text="The text as the repeat rules compare it (`text_fingerprint`).",
    )
    featured_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When a moderator featured it above the discussion.",
    )
    respect_count = models.PositiveIntegerField(
        "respects",
        default=0,
        editable=False,
        help_text="Readers who respect it, kept in step with their Respects.",
    )

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
            # A reader's own comments under an article, above the form.
            models.Index(
                fields=["article", "author", "created_at"], name="comment_own"
            ),
            # A reader's comments: profile, rate limit, history.
            models.Index(fields=["author", "created_at"], name="comment_by_author"),
            # The same text posted again (a reader's repeat, a campaign).
            models.Index(fields=["fingerprint", "created_at"], name="comment_by_text"),
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
            # The few featured comments above an article's discussion.
            models.Index(
                fields=["article", "featured_at"],
                name="comment_featured",
                condition=Q(featured_at__isnull=False),
            ),
            # The discussion sorted by respect, a page at a time.
            models.Index(
                fields=["article", "-respect_count", "number"],
                name="comment_by_respect",
                condition=Q(number__isnull=False),
            ),
        ]
        constraints = [
            # Also the index the discussion is read by, a page in number order.
            models.UniqueConstraint(
                fields=["article", "number"],
                name="comment_number_once",
                condition=Q(number__isnull=False),
            ),
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

    def statement_of_reasons(self) -> str:
        """What a rejected comment's author is told: the standard reason's
        name (or the rule's, which names its own), then the note. "Other"
        has no name worth telling: its note, which it requires, says it."""
        note = sentence(self.moderation_reason)
        if self.removal_reason and self.removal_reason != RemovalReason.OTHER:
            name = RemovalReason(self.removal_reason).label
        elif self.rule and not self.removal_reason:
            name = Rule(self.rule).label
        else:
            return note or f"{RemovalReason.OTHER.label}."
        return f"{name}. {note}".rstrip()

    @property
    def is_public(self) -> bool:
        """Whether others see it in the discussion (itself or its
        placeholder), as `CommentQuerySet.visible()` selects."""
        return self.number is not None

    def is_reportable_by(self, reader) -> bool:
        """Readers report others' comments, never their own."""
        return self.author_id != reader.pk

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
        indexes = [
            models.Index(fields=["comment", "created_at"]),
            # The decisions of the last day (the queue's timeliness).
            models.Index(fields=["created_at"], name="event_by_time"),
        ]

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

    def clean(self):
        """A suspension has an end, and an end is in the future."""
        if self.kind == self.Kind.SUSPENSION and self.until is None:
            raise ValidationError({"until": "A suspension needs an end."})
        if (
            self._state.adding
            and self.until is not None
            and self.until <= timezone.now()
        ):
            raise ValidationError(
                {"until": f"The end of a {self.kind} must be in the future."}
            )

    @property
    def state(self) -> str:
        """ "in force", "ended" (its date passed) or "lifted" (by a moderator),
        as `SanctionQuerySet.active()` selects the first."""
        if self.lifted_at is not None:
            return "lifted"
        if self.until is not None and self.until <= timezone.now():
            return "ended"
        return "in force"

    @property
    def in_force(self) -> bool:
        return self.state == "in force"

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
        """What the reader is told on the article and when they try to post."""
        reason = sentence(self.reason)
        if self.kind == self.Kind.BAN:
            until = (
                f" until {timezone.localtime(self.until):%d %B %Y %H:%M}"
                if self.until
                else ""
            )
            return f"You are banned from commenting{until}. Reason: {reason}"
        if self.kind == self.Kind.SUSPENSION:
            return (
                "Your commenting is suspended until "
                f"{timezone.localtime(self.until):%d %B %Y %H:%M}. "
                f"Reason: {reason}"
            )
        return f"Your comments wait for a moderator's approval. Reason: {reason}"


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
    surge_min_comments = models.PositiveIntegerField(
        "slow a discussion down above (comments in 5 minutes)",
        default=30,
        help_text="A surge needs more than this many new comments in 5 minutes…",
    )
    surge_factor = models.PositiveIntegerField(
        "…and more than this many times its usual rate",
        default=5,
        help_text="The usual rate: the median per 5 minutes over the last 7 days.",
    )
    slow_mode_minutes = models.PositiveIntegerField(
        "slow mode lasts (minutes)", default=30
    )
    slow_mode_interval_seconds = models.PositiveIntegerField(
        "in slow mode, one comment per reader every (seconds)", default=120
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


class DiscussionActivity(models.Model):
    """How many comments an article received in one 5-minute window: the
    surge brake compares the current window with the usual ones without
    counting comments (`comments.surge`)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    window_start = models.DateTimeField()
    comments = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["article", "window_start"]
        verbose_name_plural = "discussion activity"
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
        verbose_name = "slow mode period"

    def __str__(self):
        return f"Slow mode of article {self.article_id} from {self.started_at}"

"""A reader's comment: its states, the rules that move it, its place in the
discussion (`number`), and the queries views, admin and feeds share."""

import hashlib
import re

from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from briefing.models import Article
from briefing.text import skeleton, without_invisible

EDIT_WINDOW_MINUTES = 15

# Comments moderators may feature above one article's discussion.
FEATURED_LIMIT = 3

BODY_MAX_LENGTH = 5000

# A word as the word lists see it: letters and digits, nothing between them.
SINGLE_WORD = re.compile(r"[^\W_]+")


class Status(models.TextChoices):
    PENDING = "pending", _("awaiting moderation")
    PUBLISHED = "published", _("published")
    REJECTED = "rejected", _("rejected")
    DELETED = "deleted", _("deleted by its author")


class Rule(models.TextChoices):
    """What put a comment where it is, besides a moderator's hand."""

    ARTICLE_PREMODERATION = "article_premoderation", _("article premoderated")
    NEW_READER = "new_reader", _("reader's first comments")
    BANNED_WORD = "banned_word", _("banned word")
    SUSPECT_WORD = "suspect_word", _("suspect word")
    LINKS = "links", _("too many links")
    REPORTS = "reports", _("reported by readers")
    PREMODERATED_READER = "premoderated_reader", _("reader always premoderated")
    BAN = "ban", _("author banned")
    ACCOUNT_ERASED = "account_erased", _("author's account erased")
    CAMPAIGN = "campaign", _("likely campaign: the same text from several readers")
    REJECTION_RATE = (
        "rejection_rate",
        _("many of the reader's recent comments rejected"),
    )
    SLOW_MODE = "slow_mode", _("slow mode: a reader without approved comments")


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

    SPAM = "spam", _("spam")
    ABUSE = "abuse", _("abuse or harassment")
    HATE = "hate", _("hate speech")
    OFF_TOPIC = "off_topic", _("off topic")
    PERSONAL_DATA = "personal_data", _("personal data")
    MISINFORMATION = "misinformation", _("misinformation")
    ILLEGAL = "illegal", _("illegal content")
    OTHER = "other", _("other")


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
        # "number is not null" lets the database read the maximum from the
        # end of the partial index comment_number_once, rather than every
        # comment of the discussion (5,000 rows, inside the write lock).
        last = self.filter(article_id=article_id, number__isnull=False).aggregate(
            last=models.Max("number")
        )
        return (last["last"] or 0) + 1

    def published(self):
        return self.filter(status=Status.PUBLISHED)

    def awaiting_moderation(self):
        """The moderation queue: pending comments and published ones with open
        reports. Served by the partial index `comment_needs_decision`."""
        return self.filter(NEEDS_DECISION)

    def in_discussion_order(self):
        return self.order_by("number")

    def with_answered(self):
        """Each comment with what its reply line shows of the comment it
        answers: `answered_status`, `answered_number`, `answered_username`.
        Read by the answered comment's key, row by row: joined instead, the
        answered comments made PostgreSQL hash the whole table under a long
        discussion, and its first page cost grew with the discussion."""
        answered = self.model.objects.filter(pk=OuterRef("reply_to_id"))
        return self.annotate(
            answered_status=Subquery(answered.values("status")[:1]),
            answered_number=Subquery(answered.values("number")[:1]),
            answered_username=Subquery(answered.values("author__username")[:1]),
        )

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
        verbose_name=_("reply to"),
    )
    body = models.TextField(_("body"), max_length=BODY_MAX_LENGTH)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    rule = models.CharField(
        _("rule that fired"),
        max_length=30,
        choices=Rule.choices,
        blank=True,
        help_text=_("The automatic rule that last decided the status, if any."),
    )
    moderation_reason = models.CharField(
        _("reason"),
        max_length=300,
        blank=True,
        help_text=_("Why it is held or rejected; a rejected comment's author sees it."),
    )
    removal_reason = models.CharField(
        _("standard reason"),
        max_length=20,
        choices=RemovalReason.choices,
        blank=True,
        help_text=_("The standard reason a moderator removed it for."),
    )
    number = models.PositiveIntegerField(
        null=True,
        blank=True,
        editable=False,
        help_text=(
            _(
                "Its place in the discussion, given when it is first published "
                "and never changed, even when it is removed."
            )
        ),
    )
    open_reports = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text=_("Reports not yet dismissed (kept for the queue's index)."),
    )
    created_at = models.DateTimeField(
        _("created at"), default=timezone.now, db_index=False
    )
    edited_at = models.DateTimeField(
        _("edited at"), null=True, blank=True, editable=False
    )
    idempotency_key = models.UUIDField(null=True, blank=True, editable=False)
    fingerprint = models.CharField(
        max_length=32,
        blank=True,
        editable=False,
        help_text=_("The text as the repeat rules compare it (`text_fingerprint`)."),
    )
    featured_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text=_("When a moderator featured it above the discussion."),
    )
    respect_count = models.PositiveIntegerField(
        _("respects"),
        default=0,
        editable=False,
        help_text=_("Readers who respect it, kept in step with their Respects."),
    )

    objects = CommentQuerySet.as_manager()

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
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
        return gettext("Comment #%(number)s") % {"number": self.pk}

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

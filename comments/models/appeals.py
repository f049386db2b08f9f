"""A reader's appeal against the rejection of their comment.

The internal complaint handling the EU's Digital Services Act asks of a
platform: the author of a rejected comment asks, once, within
APPEAL_WINDOW of the rejection, that another moderator look again. The
appeal keeps what it was about (who or which rule rejected the comment,
when, and the reasons the author was given) as it stood when they appealed,
so the decision is taken on that, whatever happens to the comment since.
The rules live in `comments.moderation.appeals`.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .comment import Comment, Rule, Status

APPEAL_WINDOW = timedelta(days=14)
APPEAL_MAX_LENGTH = 1000
DECISION_REASON_MAX_LENGTH = 300


class AppealState(models.TextChoices):
    OPEN = "open", _("open")
    UPHELD = "upheld", _("upheld: the comment stays rejected")
    REVERSED = "reversed", _("reversed: the comment is published again")


class AppealQuerySet(models.QuerySet):
    def awaiting_decision(self):
        """The appeals' queue: open appeals whose comment is still rejected
        (one its author deleted, or a moderator published meanwhile, has
        nothing left to decide). Served by the partial index `appeal_open`."""
        return self.filter(state=AppealState.OPEN, comment__status=Status.REJECTED)

    def by_author(self, reader):
        return self.filter(comment__author=reader)


class Appeal(models.Model):
    """The author of a rejected comment asks for a second decision."""

    comment = models.OneToOneField(
        Comment,
        on_delete=models.CASCADE,
        related_name="appeal",
        verbose_name=_("comment"),
    )
    text = models.TextField(
        _("appeal"), max_length=APPEAL_MAX_LENGTH, help_text=_("The author's words.")
    )
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=AppealState.choices,
        default=AppealState.OPEN,
    )
    created_at = models.DateTimeField(_("appealed at"), default=timezone.now)
    # The rejection appealed against, as it stood when the author appealed.
    rejected_at = models.DateTimeField(_("rejected at"))
    rejected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("rejected by"),
        help_text=_("The moderator who rejected the comment; empty when a rule did."),
    )
    rejected_by_rule = models.CharField(
        _("rule that rejected"), max_length=30, choices=Rule.choices, blank=True
    )
    rejection_reasons = models.CharField(
        _("reasons for the rejection"),
        max_length=400,
        blank=True,
        help_text=_("The statement of reasons the author was given."),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.CharField(
        _("reason for the decision"),
        max_length=DECISION_REASON_MAX_LENGTH,
        blank=True,
        help_text=_("Why the rejection was upheld or reversed; its author reads it."),
    )

    objects = AppealQuerySet.as_manager()

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["created_at", "id"]
        indexes = [
            # The appeals' queue: the open ones, oldest first.
            models.Index(
                fields=["created_at", "id"],
                name="appeal_open",
                condition=Q(state="open"),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=AppealState.values), name="appeal_state_valid"
            ),
            # Decided means by someone, at some time; open means neither.
            models.CheckConstraint(
                condition=(Q(state="open") & Q(decided_at__isnull=True))
                | (~Q(state="open") & Q(decided_at__isnull=False)),
                name="appeal_decided_when_closed",
            ),
        ]

    def __str__(self):
        return gettext("Appeal on comment #%(number)s") % {"number": self.comment_id}

    def get_absolute_url(self):
        return reverse("comments:appeal", args=[self.comment_id])

    @property
    def is_open(self) -> bool:
        return self.state == AppealState.OPEN

    @property
    def rejected_by_a_rule(self) -> bool:
        return self.rejected_by_id is None

"""How promptly the queue is worked: what waits, since when, and how long a
decision usually takes, read from the comments and their audit trail.

The admin's front page, the author of a waiting comment and the operator's
`/metrics` all read these figures, so they say the same thing.
"""

import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.cache import cache
from django.db.models import DateTimeField, F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import ngettext

from .models import Comment, ModerationEvent, Status

DECISION_WINDOW = timedelta(hours=24)
USUAL_WAIT_CACHE_KEY = "comments:usual-wait"
# The usual wait is told to every author of a held comment: counted again
# at most this often, not on each post.
USUAL_WAIT_CACHE_SECONDS = 300


def decision_seconds(since: datetime) -> list[float]:
    """How long each comment waited for a moderator's decision taken since
    `since`: from when it was held (posted held, or held later by a rule) to
    when a moderator published or rejected it."""
    held_at = (
        ModerationEvent.objects.filter(
            comment=OuterRef("comment"),
            to_status=Status.PENDING,
            created_at__lte=OuterRef("created_at"),
        )
        .order_by("-created_at", "-id")
        .values("created_at")[:1]
    )
    decisions = (
        ModerationEvent.objects.filter(
            created_at__gte=since,
            from_status=Status.PENDING,
            to_status__in=[Status.PUBLISHED, Status.REJECTED],
            actor__isnull=False,
        )
        .order_by()
        .annotate(
            held_at=Coalesce(
                Subquery(held_at, output_field=DateTimeField()),
                F("comment__created_at"),
            )
        )
        .values_list("created_at", "held_at")
    )
    return [max((decided - held).total_seconds(), 0.0) for decided, held in decisions]


@dataclass(frozen=True)
class QueueState:
    pending: int
    reported: int
    oldest_pending_at: datetime | None
    # Each decision of the last DECISION_WINDOW, in seconds of waiting.
    decisions: list[float]

    @property
    def oldest_pending_seconds(self) -> float:
        if self.oldest_pending_at is None:
            return 0.0
        return max((timezone.now() - self.oldest_pending_at).total_seconds(), 0.0)

    @property
    def median_decision_seconds(self) -> float | None:
        return statistics.median(self.decisions) if self.decisions else None


def queue_state() -> QueueState:
    """The queue now, each figure read through an index of its own."""
    pending = Comment.objects.filter(status=Status.PENDING)
    oldest = pending.order_by("created_at", "id").values_list("created_at", flat=True)
    return QueueState(
        pending=pending.count(),
        reported=Comment.objects.awaiting_moderation()
        .filter(open_reports__gt=0)
        .count(),
        oldest_pending_at=oldest.first(),
        decisions=decision_seconds(timezone.now() - DECISION_WINDOW),
    )


def duration_words(seconds: float) -> str:
    """ "about 12 minutes", "about 3 hours": a wait as a reader says it."""
    minutes = max(round(seconds / 60), 1)
    if minutes < 90:
        return ngettext("about %(n)d minute", "about %(n)d minutes", minutes) % {
            "n": minutes
        }
    hours = round(minutes / 60)
    return ngettext("about %(n)d hour", "about %(n)d hours", hours) % {"n": hours}


def usual_wait() -> str:
    """How long moderators took to decide over the last day, in words, or
    "" when they decided nothing then (no figure is better than a guess)."""
    median = cache.get(USUAL_WAIT_CACHE_KEY)
    if median is None:
        decisions = decision_seconds(timezone.now() - DECISION_WINDOW)
        # -1: counted, and nothing was decided.
        median = statistics.median(decisions) if decisions else -1
        cache.set(USUAL_WAIT_CACHE_KEY, median, USUAL_WAIT_CACHE_SECONDS)
    return duration_words(median) if median >= 0 else ""

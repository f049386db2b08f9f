"""How promptly the queue is worked: what waits, since when, and how long a
decision usually takes, read from the comments and their audit trail.

The admin's front page, the author of a waiting comment and the operator's
`/metrics` all read these figures, so they say the same thing; and when the
oldest waits longer than BRIEFING_QUEUE_ALERT_MINUTES, the moderators are
told by mail, from the task worker, at most once an hour.
"""

import logging
import smtplib
import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMessage, mailers
from django.db import transaction
from django.db.models import DateTimeField, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext

from briefing.accounts.models import User

from .models import Comment, ModerationEvent, ModerationSettings, QueueAlert, Status

logger = logging.getLogger(__name__)

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


# However long the queue keeps waiting, moderators get one alert an hour.
ALERT_INTERVAL = timedelta(hours=1)


def watch_wait() -> None:
    """A comment has just been held: once the commit lands, have the worker
    look at the queue when that comment could have waited too long. Each
    held comment asks for its own look, so the oldest always has one."""
    limit = timedelta(minutes=settings.BRIEFING_QUEUE_ALERT_MINUTES)
    check = alert_if_queue_waits.using(run_after=timezone.now() + limit)
    transaction.on_commit(check.enqueue)


@task
def alert_if_queue_waits() -> str:
    """Mail the moderators if the oldest pending comment has waited longer
    than BRIEFING_QUEUE_ALERT_MINUTES and they were not told within the
    hour; safe to run any number of times, on any number of workers."""
    limit = timedelta(minutes=settings.BRIEFING_QUEUE_ALERT_MINUTES)
    with transaction.atomic():
        # The settings' row serialises the workers' looks: one alert, not two.
        settings_row = ModerationSettings.objects.select_for_update()
        list(settings_row.filter(pk=ModerationSettings.current().pk).values("pk"))
        state = queue_state()
        if state.oldest_pending_at is None or (
            state.oldest_pending_seconds < limit.total_seconds()
        ):
            return "on time"
        if QueueAlert.objects.filter(sent_at__gt=timezone.now() - ALERT_INTERVAL):
            return "told within the hour"
        recipients = moderator_recipients()
        if not recipients:
            logger.warning("the queue waits and no moderator has a verified address")
            return "no one to tell"
        try:
            sent = mailers.default.send_messages(
                [
                    _alert_message(state, address, language)
                    for address, language in recipients
                ]
            )
        except (smtplib.SMTPException, OSError) as error:
            # The next comment held asks again.
            logger.error("queue alert not sent: %s", error)
            return "mail failed"
        QueueAlert.objects.create(
            pending=state.pending,
            oldest_pending_seconds=int(state.oldest_pending_seconds),
            recipients=sent or 0,
        )
    return "sent"


def moderator_recipients() -> list[tuple[str, str]]:
    """The verified addresses of the active accounts that may moderate, each
    with the language its account reads its mails in."""
    may_moderate = (
        Q(is_superuser=True)
        | Q(groups__permissions__codename="can_moderate")
        | Q(user_permissions__codename="can_moderate")
    )
    addresses = EmailAddress.objects.filter(
        primary=True,
        verified=True,
        user__in=User.objects.filter(
            may_moderate, is_active=True, is_staff=True
        ).values("pk"),
    ).values_list("email", "user__language")
    return sorted(
        {
            (address, language or settings.LANGUAGE_CODE)
            for address, language in addresses
        }
    )


def _alert_message(state: QueueState, address: str, language: str) -> EmailMessage:
    """The alert to one moderator, in their language (as notifications are)."""
    with translation.override(language):
        return _alert_in_active_language(state, address)


def _alert_in_active_language(state: QueueState, address: str) -> EmailMessage:
    context = {
        "state": state,
        "oldest_wait": duration_words(state.oldest_pending_seconds),
        "limit_minutes": settings.BRIEFING_QUEUE_ALERT_MINUTES,
        "queue_link": settings.BRIEFING_SITE_URL
        + reverse("admin:comments_comment_changelist"),
    }
    subject = ngettext(
        "%(count)d comment waits for moderation, the oldest for %(wait)s",
        "%(count)d comments wait for moderation, the oldest for %(wait)s",
        state.pending,
    ) % {"count": state.pending, "wait": context["oldest_wait"]}
    return EmailMessage(
        subject=subject,
        body=render_to_string("comments/queue_alert.txt", context),
        to=[address],
    )

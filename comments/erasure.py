"""Erasing readers' words: with their account, or once a rejection is old.

What moderators decided stays (the ModerationEvent trail: who, what, why);
the text goes, with its earlier versions.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from briefing.accounts.models import User

from .conversation import withdraw_respects
from .models import (
    Appeal,
    ArticleVisit,
    Comment,
    CommentRevision,
    Ignore,
    ModerationEvent,
    Report,
    Rule,
    Status,
)
from .moderation import BATCH_SIZE, change_status_of_all

security_log = logging.getLogger("briefing.security")

ERASED_REASON = "Removed with its author's account"


def erase_author(reader: User) -> None:
    """Empty everything `reader` wrote, inside the account's erasure.

    Their seen comments become placeholders that keep their number and place
    (deleted, by the rule ACCOUNT_ERASED); the ones nobody saw (pending,
    rejected) leave no trace in the discussion, as a withdrawn comment does.
    Their reports stay, so the counts moderators rely on stay true, without
    the words the reader added.
    """
    comments = Comment.objects.filter(author=reader)
    change_status_of_all(
        comments,
        Status.DELETED,
        actor=None,
        rule=Rule.ACCOUNT_ERASED,
        reason=ERASED_REASON,
    )
    CommentRevision.objects.filter(comment__author=reader).delete()
    comments.exclude(body="").update(body="", idempotency_key=None)
    Appeal.objects.by_author(reader).exclude(text="").update(text="")
    Report.objects.filter(reporter=reader).exclude(details="").update(details="")
    withdraw_respects(reader)
    Ignore.objects.filter(Q(ignorer=reader) | Q(ignored=reader)).delete()
    ArticleVisit.objects.filter(reader=reader).delete()


def erase_expired_rejections() -> int:
    """Erase the text of comments rejected more than
    BRIEFING_REJECTED_RETENTION_DAYS ago; returns how many.

    The rejection's time is its latest trail entry (a comment rejected again
    after an edit counts from then). Safe to run twice or at once: a comment
    re-read under its lock that is no longer rejected keeps its text.
    """
    cutoff = timezone.now() - timedelta(days=settings.BRIEFING_REJECTED_RETENTION_DAYS)
    rejected_at = Subquery(
        ModerationEvent.objects.filter(
            comment=OuterRef("pk"), to_status=Status.REJECTED
        )
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    expired = list(
        Comment.objects.filter(status=Status.REJECTED)
        .exclude(body="")
        .alias(rejected_at=Coalesce(rejected_at, "created_at"))
        .filter(rejected_at__lt=cutoff)
        .values_list("pk", flat=True)
    )
    erased = 0
    for start in range(0, len(expired), BATCH_SIZE):
        with transaction.atomic():
            batch = list(
                Comment.objects.select_for_update()
                .filter(pk__in=expired[start : start + BATCH_SIZE])
                .filter(status=Status.REJECTED)
                .exclude(body="")
                .values_list("pk", flat=True)
            )
            CommentRevision.objects.filter(comment__in=batch).delete()
            Appeal.objects.filter(comment__in=batch).exclude(text="").update(text="")
            erased += Comment.objects.filter(pk__in=batch).update(body="")
    if erased:
        security_log.info(
            "text of %s comments rejected before %s erased (retention)",
            erased,
            cutoff.isoformat(),
        )
    return erased

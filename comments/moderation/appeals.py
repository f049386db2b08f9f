"""Appeals against rejections: who may appeal, who may decide, and what a
decision does. The reader's page and the admin both call these.

- The author of a rejected comment appeals once, within APPEAL_WINDOW of
  the rejection, in at most APPEAL_MAX_LENGTH characters.
- A moderator other than the one who rejected it decides (any moderator
  when a rule rejected it), never the comment's own author: upheld, the
  comment stays rejected; reversed, it is published again, in its old place
  under its old number if it had one (`change_status` keeps numbers).
- Filing and deciding are recorded in the comment's trail, and the author
  is told of the decision.
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from briefing.accounts.models import User

from .. import notifying
from ..models import (
    APPEAL_MAX_LENGTH,
    APPEAL_WINDOW,
    DECISION_REASON_MAX_LENGTH,
    Appeal,
    AppealState,
    Comment,
    ModerationEvent,
    Status,
)
from .rules import PostingRefused, security_log
from .status import _audit, _lock, change_status


class AppealRefused(PostingRefused):
    """The appeal cannot be filed or decided; `message` says why."""


def last_rejection(comment: Comment) -> ModerationEvent | None:
    """The trail's entry that rejected `comment` last, or None when the
    trail has none (a comment stored rejected by other means)."""
    return (
        ModerationEvent.objects.filter(comment=comment, to_status=Status.REJECTED)
        .select_related("actor")
        .order_by("-created_at", "-id")
        .first()
    )


def appeal_deadline(comment: Comment, rejection: ModerationEvent | None = None):
    """Until when `comment`'s rejection may be appealed."""
    rejection = rejection or last_rejection(comment)
    rejected_at = rejection.created_at if rejection else comment.created_at
    return rejected_at + APPEAL_WINDOW


def appeal_refusal(comment: Comment, author: User) -> AppealRefused | None:
    """Why `author` may not appeal `comment` now, or None when they may."""
    if comment.author_id != author.pk:
        return AppealRefused(
            _("Only the author of a comment can appeal its rejection.")
        )
    if Appeal.objects.filter(comment=comment).exists():
        return AppealRefused(
            _("You have already appealed this decision: a comment is appealed once.")
        )
    if comment.status != Status.REJECTED:
        return AppealRefused(_("Only a rejected comment can be appealed."))
    deadline = appeal_deadline(comment)
    if timezone.now() > deadline:
        return AppealRefused(
            ngettext(
                "The %(days)d day for appealing this decision ended on %(time)s.",
                "The %(days)d days for appealing this decision ended on %(time)s.",
                APPEAL_WINDOW.days,
            )
            % {
                "days": APPEAL_WINDOW.days,
                "time": date_format(timezone.localtime(deadline), "DATETIME_FORMAT"),
            }
        )
    return None


def file_appeal(comment: Comment, author: User, text: str) -> Appeal:
    """`author` appeals the rejection of their `comment` with `text`
    (AppealRefused when they may not)."""
    text = text.strip()
    if not text:
        raise AppealRefused(_("Say why the decision should be changed."), status=400)
    if len(text) > APPEAL_MAX_LENGTH:
        raise AppealRefused(
            _("An appeal can be %(limit)d characters at most.")
            % {"limit": APPEAL_MAX_LENGTH},
            status=400,
        )
    with transaction.atomic():
        _lock(comment)
        refusal = appeal_refusal(comment, author)
        if refusal is not None:
            raise refusal
        rejection = last_rejection(comment)
        appeal = Appeal.objects.create(
            comment=comment,
            text=text,
            rejected_at=rejection.created_at if rejection else comment.created_at,
            rejected_by=rejection.actor if rejection else None,
            rejected_by_rule=(rejection.rule if rejection else comment.rule),
            rejection_reasons=comment.statement_of_reasons()[:400],
        )
        _audit(comment, comment.status, actor=author, reason="Appealed by its author")
    security_log.info("appeal %s filed on comment %s", appeal.pk, comment.pk)
    return appeal


def decision_refusal(appeal: Appeal, moderator: User) -> AppealRefused | None:
    """Why `moderator` may not decide `appeal`, or None when they may."""
    if not moderator.has_perm("comments.change_appeal"):
        return AppealRefused(_("Only moderators decide appeals."))
    if not appeal.is_open:
        return AppealRefused(_("This appeal has already been decided."))
    if appeal.comment.status != Status.REJECTED:
        return AppealRefused(
            _(
                "The comment is no longer rejected (%(status)s): there is nothing "
                "to decide."
            )
            % {"status": appeal.comment.get_status_display()}
        )
    if appeal.comment.author_id == moderator.pk:
        return AppealRefused(_("You cannot decide an appeal on your own comment."))
    if appeal.rejected_by_id is not None and appeal.rejected_by_id == moderator.pk:
        return AppealRefused(
            _("You rejected this comment: another moderator decides its appeal.")
        )
    return None


def decide_appeal(
    appeal: Appeal, moderator: User, *, reverse: bool, reason: str
) -> Appeal:
    """`moderator` decides `appeal`: reversed (`reverse`) publishes the
    comment again, upheld keeps it rejected; `reason` is told to the author
    and kept in the trail. AppealRefused when they may not decide it."""
    reason = " ".join(reason.split())[:DECISION_REASON_MAX_LENGTH]
    if not reason:
        raise AppealRefused(_("Give the reason for the decision."), status=400)
    with transaction.atomic():
        appeal = (
            Appeal.objects.select_for_update(of=("self",))
            .select_related("comment__article", "comment__author", "comment__reply_to")
            .get(pk=appeal.pk)
        )
        comment = appeal.comment
        _lock(comment)
        refusal = decision_refusal(appeal, moderator)
        if refusal is not None:
            raise refusal
        appeal.state = AppealState.REVERSED if reverse else AppealState.UPHELD
        appeal.decided_by = moderator
        appeal.decided_at = timezone.now()
        appeal.decision_reason = reason
        appeal.save(
            update_fields=["state", "decided_by", "decided_at", "decision_reason"]
        )
        if reverse:
            first_publication = notifying.never_published(comment)
            change_status(
                comment,
                Status.PUBLISHED,
                actor=moderator,
                reason=f"Appeal reversed the rejection: {reason}",
            )
            # Shown for the first time: the reader it answers hears of it.
            if first_publication:
                notifying.first_published(comment)
        else:
            _audit(
                comment,
                comment.status,
                actor=moderator,
                reason=f"Appeal upheld the rejection: {reason}",
            )
        notifying.appeal_decided(comment, moderator=moderator, appeal=appeal)
    security_log.info(
        "appeal %s on comment %s %s by %s",
        appeal.pk,
        comment.pk,
        appeal.state,
        moderator,
    )
    return appeal


def waiting_appeals() -> tuple[int, datetime | None]:
    """How many appeals await a decision, and since when the oldest has."""
    waiting = Appeal.objects.awaiting_decision()
    oldest = waiting.order_by("created_at", "id").values_list("created_at", flat=True)
    return waiting.count(), oldest.first()

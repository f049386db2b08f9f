"""Readers' reports on others' comments, and moderators dismissing them."""

from datetime import timedelta

from django.conf import settings as django_settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from briefing.accounts.models import User

from ..models import (
    Comment,
    ModerationSettings,
    Report,
    Rule,
    Status,
)
from .posting import (
    _posting_sanctions,
)
from .rules import (
    PostingRefused,
    security_log,
)
from .status import (
    _close_reports,
    _lock,
    _open_reports,
    change_status,
)


def dismiss_reports(comment: Comment, moderator: User, reports=None) -> int:
    """The reports were unfounded: close them (all open ones, or those of
    `reports`), and publish what they held once none is left open.

    Returns how many reports were closed.
    """
    with transaction.atomic():
        _lock(comment)
        closed = _close_reports(comment, moderator, reports)
        if (
            comment.status == Status.PENDING
            and comment.rule == Rule.REPORTS
            and not comment.open_reports
        ):
            change_status(
                comment, Status.PUBLISHED, actor=moderator, reason="Reports dismissed"
            )
    if closed:
        security_log.info(
            "%s reports on comment %s dismissed by %s", closed, comment.pk, moderator
        )
    return closed


def delete_reports(reports, moderator: User) -> int:
    """Remove reports outright (the admin's delete), keeping each comment's
    count of open reports true."""
    with transaction.atomic():
        comment_ids = set(reports.values_list("comment_id", flat=True))
        deleted, _by_model = reports.delete()
        for comment_id in comment_ids:
            Comment.objects.filter(pk=comment_id).update(
                open_reports=_open_reports(comment_id)
            )
    security_log.info("%s reports deleted by %s", deleted, moderator)
    return deleted


class AlreadyReported(Exception):
    pass


class NotReportable(PostingRefused):
    def __init__(self):
        super().__init__("You can't report your own comment.")


def report_comment(
    comment: Comment, reporter: User, reason: str, details: str = ""
) -> Report:
    """File a report; enough different readers' reports hold the comment.

    A reader's own comment is not theirs to report.
    """
    if not comment.is_reportable_by(reporter):
        raise NotReportable
    moderation = ModerationSettings.current()
    with transaction.atomic():
        # The reporter's row serialises their reports (rate limit), the
        # comment's row the count that crosses the threshold.
        list(User.objects.select_for_update().filter(pk=reporter.pk).values("pk"))
        # A banned or suspended reader may read, not act on the discussion:
        # reports would hold others' comments for them.
        _posting_sanctions(reporter)
        if Report.objects.filter(comment=comment, reporter=reporter).exists():
            raise AlreadyReported
        if django_settings.BRIEFING_RATE_LIMITS:
            recent = Report.objects.filter(
                reporter=reporter, created_at__gte=timezone.now() - timedelta(hours=1)
            ).count()
            if recent >= moderation.reporting_limit:
                raise PostingRefused(
                    _("You can file %(limit)d reports an hour. Please try again later.")
                    % {"limit": moderation.reporting_limit},
                    status=429,
                    retry_after=3600,
                )
        _lock(comment)
        report = Report.objects.create(
            comment=comment, reporter=reporter, reason=reason, details=details
        )
        comment.open_reports += 1
        Comment.objects.filter(pk=comment.pk).update(open_reports=comment.open_reports)
        if (
            comment.status == Status.PUBLISHED
            and comment.open_reports >= moderation.report_threshold
        ):
            change_status(
                comment,
                Status.PENDING,
                rule=Rule.REPORTS,
                reason=f"Reported by {comment.open_reports} readers",
            )
    return report

"""What moderators keep about comments: earlier versions, the trail of
status changes, readers' reports."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from .comment import (
    Comment,
    Rule,
    Status,
)


class CommentRevision(models.Model):
    """An earlier version of an edited comment, kept for moderators."""

    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, related_name="revisions"
    )
    body = models.TextField(_("body"))
    written_at = models.DateTimeField(
        _("written at"), help_text=_("When this version was written.")
    )

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
        help_text=_("The moderator or author who acted; empty when a rule fired."),
    )
    rule = models.CharField(max_length=30, choices=Rule.choices, blank=True)
    from_status = models.CharField(
        _("from status"), max_length=10, choices=Status.choices, blank=True
    )
    to_status = models.CharField(_("to status"), max_length=10, choices=Status.choices)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["comment", "created_at", "id"]
        indexes = [
            models.Index(fields=["comment", "created_at"]),
            # The decisions of the last day (the queue's timeliness).
            models.Index(fields=["created_at"], name="event_by_time"),
        ]

    def __str__(self):
        return gettext("%(from)s → %(to)s by %(by)s") % {
            "from": self.get_from_status_display() or pgettext("status", "new"),
            "to": self.get_to_status_display(),
            "by": self.actor or self.get_rule_display() or gettext("the system"),
        }


class Report(models.Model):
    """A reader's report of someone else's comment: one per reader per comment."""

    class Reason(models.TextChoices):
        SPAM = "spam", _("spam")
        ABUSE = "abuse", _("abuse or harassment")
        OFF_TOPIC = "off_topic", _("off topic")
        OTHER = "other", _("something else")

    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, related_name="reports"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reports"
    )
    reason = models.CharField(_("reason"), max_length=10, choices=Reason.choices)
    details = models.TextField(_("details"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    dismissed_at = models.DateTimeField(null=True, blank=True)
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "reporter"], name="one_report_per_reader"
            )
        ]
        indexes = [models.Index(fields=["reporter", "created_at"])]

    def __str__(self):
        return gettext("%(reason)s report on comment %(number)s") % {
            "reason": self.get_reason_display(),
            "number": self.comment_id,
        }


class QueueAlert(models.Model):
    """A mail that told the moderators the queue waited too long: kept so
    that they are told at most once an hour, and to show when they were."""

    sent_at = models.DateTimeField(_("sent at"), default=timezone.now, db_index=True)
    pending = models.PositiveIntegerField(_("comments pending"))
    oldest_pending_seconds = models.PositiveIntegerField(
        _("oldest pending for (seconds)")
    )
    recipients = models.PositiveIntegerField(_("moderators told"))

    class Meta:
        verbose_name = _("queue alert")
        verbose_name_plural = _("queue alerts")
        ordering = ["-sent_at"]

    def __str__(self):
        return gettext("Queue alert of %(time)s") % {
            "time": f"{self.sent_at:%Y-%m-%d %H:%M}"
        }

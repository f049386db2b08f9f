"""What a reader is told, on the site and by e-mail.

The app knows nothing of comments: whoever decides something (posting,
moderation, appeals) calls `notifications.delivery.notify` with what to show
and where it links, and the notification keeps that as text.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    """What happened; each kind can be mailed or not (EmailPreference)."""

    REPLY = "reply", _("Replies to your comments")
    APPROVED = "approved", _("Your comments approved by a moderator")
    REJECTED = "rejected", _("Your comments rejected by a moderator")
    FEATURED = "featured", _("Your comments featured by a moderator")
    REPORT_OUTCOME = "report_outcome", _("What became of your reports")
    APPEAL_DECIDED = "appeal_decided", _("Decisions on your appeals")


# Replies and moderators' decisions are mailed unless the reader says no;
# the rest only if they ask for it.
MAILED_BY_DEFAULT = frozenset(
    {Kind.REPLY, Kind.APPROVED, Kind.REJECTED, Kind.APPEAL_DECIDED}
)


class MailState(models.TextChoices):
    DUE = "due", _("due")
    SENT = "sent", _("sent")
    SKIPPED = "skipped", _("not needed")
    FAILED = "failed", _("given up")


class NotificationQuerySet(models.QuerySet):
    def for_reader(self, reader):
        return self.filter(recipient=reader).order_by("-created_at", "-id")

    def unread(self):
        return self.filter(read_at__isnull=True)

    def mark_read(self) -> int:
        return self.unread().update(read_at=timezone.now())


class Notification(models.Model):
    """One thing that happened to a reader: what, who did it, where it is.

    `mail_state` is the record of the e-mail: the mail task locks the row,
    checks it is still due, sends, and marks it sent in one transaction, so a
    task run twice sends once.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who did it: the reader who replied, the moderator who decided.",
    )
    text = models.CharField(max_length=400, help_text="What happened, in words.")
    title = models.CharField(
        max_length=300, blank=True, help_text="What it is about (the article)."
    )
    excerpt = models.CharField(max_length=300, blank=True)
    url = models.CharField(
        max_length=500, help_text="The site's path to what happened."
    )
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    mail_state = models.CharField(
        max_length=10, choices=MailState.choices, default=MailState.DUE
    )
    mail_attempts = models.PositiveSmallIntegerField(default=0)
    mailed_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["recipient", "-created_at", "-id"], name="notification_inbox"
            ),
            # The header's unread count reads a handful of rows per reader.
            models.Index(
                fields=["recipient"],
                name="notification_unread",
                condition=Q(read_at__isnull=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=Kind.values), name="notification_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(mail_state__in=MailState.values),
                name="notification_mail_state_valid",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} for user #{self.recipient_id}"

    def get_absolute_url(self):
        return self.url


class EmailPreferenceQuerySet(models.QuerySet):
    def mailed_kinds(self, reader) -> dict[str, bool]:
        """Whether each kind reaches `reader` by e-mail: their choice, else
        the default."""
        chosen = dict(self.filter(reader=reader).values_list("kind", "mailed"))
        return {kind: chosen.get(kind, kind in MAILED_BY_DEFAULT) for kind in Kind}

    def is_mailed(self, reader, kind: str) -> bool:
        chosen = self.filter(reader=reader, kind=kind).values_list("mailed", flat=True)
        return next(iter(chosen), kind in MAILED_BY_DEFAULT)

    def choose(self, reader, kind: str, mailed: bool) -> None:
        self.update_or_create(reader=reader, kind=kind, defaults={"mailed": mailed})


class EmailPreference(models.Model):
    """A reader's choice for one kind; without a row the default holds."""

    reader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="email_preferences",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    mailed = models.BooleanField()

    objects = EmailPreferenceQuerySet.as_manager()

    class Meta:
        ordering = ["reader", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["reader", "kind"], name="email_preference_once_per_kind"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=Kind.values), name="email_preference_kind_valid"
            ),
        ]

    def __str__(self):
        state = "on" if self.mailed else "off"
        return f"{self.get_kind_display()}: e-mail {state} for user #{self.reader_id}"

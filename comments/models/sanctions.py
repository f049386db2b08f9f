"""Moderators' measures against a reader."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import dateformat, timezone
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from .comment import (
    sentence,
)


class SanctionQuerySet(models.QuerySet):
    def active(self, now=None):
        """Sanctions in force `now` (by default the present moment; a
        prepared query's `Parameter`, `briefing.prepared`, when compiled once)."""
        now = timezone.now() if now is None else now
        return self.filter(lifted_at__isnull=True).filter(
            Q(until__isnull=True) | Q(until__gt=now)
        )


class Sanction(models.Model):
    """A moderator's measure against a reader, shown to them when they post."""

    class Kind(models.TextChoices):
        BAN = "ban", _("ban")
        SUSPENSION = "suspension", _("suspension")
        PREMODERATION = "premoderation", _("always premoderate")

    reader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sanctions"
    )
    kind = models.CharField(max_length=15, choices=Kind.choices)
    until = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("Required for a suspension; empty means until lifted."),
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
        null=True, blank=True, help_text=_("Set to lift the sanction early.")
    )

    objects = SanctionQuerySet.as_manager()

    class Meta:
        verbose_name = _("sanction")
        verbose_name_plural = _("sanctions")
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
            raise ValidationError({"until": _("A suspension needs an end.")})
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
            self.Kind.BAN: pgettext("sanction", "banned"),
            self.Kind.SUSPENSION: pgettext("sanction", "suspended"),
            self.Kind.PREMODERATION: pgettext("sanction", "always premoderated"),
        }[self.kind]
        if self.until is None:
            return verb
        return gettext("%(sanction)s until %(time)s") % {
            "sanction": verb,
            "time": dateformat.format(timezone.localtime(self.until), "d M Y H:i"),
        }

    def explanation(self) -> str:
        """What the reader is told on the article and when they try to post."""
        reason = sentence(self.reason)
        # "05 December 2026 16:39", "05 декабря 2026 16:39": E is the month
        # as a date says it (the genitive in Russian).
        until = (
            dateformat.format(timezone.localtime(self.until), "d E Y H:i")
            if self.until
            else ""
        )
        if self.kind == self.Kind.BAN:
            if until:
                return gettext(
                    "You are banned from commenting until %(until)s. Reason: %(reason)s"
                ) % {"until": until, "reason": reason}
            return gettext("You are banned from commenting. Reason: %(reason)s") % {
                "reason": reason
            }
        if self.kind == self.Kind.SUSPENSION:
            return gettext(
                "Your commenting is suspended until %(until)s. Reason: %(reason)s"
            ) % {"until": until, "reason": reason}
        return gettext(
            "Your comments wait for a moderator's approval. Reason: %(reason)s"
        ) % {"reason": reason}


NOTE_MAX_LENGTH = 1000


class ModeratorNote(models.Model):
    """What one moderator wants the others to know about a reader ("warned
    by mail on 3 May", "same person as …"): shown beside the reader's
    comments in the queue, to moderators only, never to the reader. Notes
    are kept, as sanctions are: added, not edited or deleted."""

    reader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="moderator_notes",
        verbose_name=_("reader"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("author"),
        help_text=_("The moderator who wrote it."),
    )
    text = models.TextField(_("note"), max_length=NOTE_MAX_LENGTH)
    created_at = models.DateTimeField(_("written at"), default=timezone.now)

    class Meta:
        verbose_name = _("moderator note")
        verbose_name_plural = _("moderator notes")
        ordering = ["-created_at", "-id"]
        # A page of the queue reads the notes on its authors.
        indexes = [models.Index(fields=["reader", "created_at"], name="note_by_reader")]

    def __str__(self):
        return gettext("Note on reader %(reader)s by %(author)s") % {
            "reader": self.reader_id,
            "author": self.author_id,
        }

import re
import unicodedata
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from briefing.text import skeleton

ONLINE_WINDOW = timedelta(minutes=5)

# Bidirectional embedding, override and isolate controls: in a name they can
# turn the text shown after it around ("Paul" + U+202E + "gnp.exe").
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")

USERNAME_PUNCTUATION = frozenset(".@+-_")


@deconstructible
class UsernameValidator:
    """Letters of any alphabet (with their combining marks, as Hindi or Thai
    need), digits and . @ + - _, words joined by single spaces ("Alexander
    Dutov", "1_2")."""

    message = _("Use letters, digits, single spaces between words and . @ + - _ only.")
    code = "invalid"

    def __call__(self, value: str) -> None:
        words = value.split(" ")
        allowed = all(
            char in USERNAME_PUNCTUATION or unicodedata.category(char)[0] in "LMN"
            for word in words
            for char in word
        )
        starts_with_mark = any(
            word and unicodedata.category(word[0]).startswith("M") for word in words
        )
        if not allowed or "" in words or starts_with_mark:
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other):
        return isinstance(other, UsernameValidator)


username_validator = UsernameValidator()


class ReaderManager(UserManager):
    def get_by_natural_key(self, username):
        """Sign-in ignores case and look-alike letters."""
        return self.get(username_key=skeleton(username))

    def looking_like(self, username: str):
        """Readers whose username is the same as `username` ignoring case and
        look-alike letters: "paul3390", or "Paul3390" spelt with Cyrillic
        letters, would pose as "Paul3390"."""
        return self.filter(username_key=skeleton(username))

    def due_for_erasure(self):
        """Readers who asked to delete their account, once the grace is over
        (and not cancelled, nor erased already)."""
        return self.filter(
            erased_at__isnull=True,
            deletion_requested_at__lte=timezone.now() - deletion_grace(),
        )


def deletion_grace() -> timedelta:
    """How long a reader may change their mind about deleting their account."""
    return timedelta(hours=settings.BRIEFING_DELETION_GRACE_HOURS)


class User(AbstractUser):
    """A reader (and, with staff rights, an editor or a moderator).

    `username_key` is the skeleton of the username: unique, so nobody can
    register "paul3390", or "Paul3390" spelt with Cyrillic letters, beside
    "Paul3390".
    """

    username = models.CharField(
        _("username"),
        max_length=150,
        unique=True,
        validators=[username_validator],
        help_text=_("Letters, digits, single spaces and . @ + - _ (150 at most)."),
        error_messages={"unique": _("A reader with that username already exists.")},
    )
    username_key = models.CharField(max_length=150, unique=True, editable=False)
    display_name = models.CharField(_("display name"), max_length=60, blank=True)
    last_seen = models.DateTimeField(_("last seen"), null=True, blank=True)
    # Asked to delete the account: it posts no more, and is erased once the
    # grace has passed unless the reader cancels (then this is empty again).
    deletion_requested_at = models.DateTimeField(
        _("deletion requested"), null=True, blank=True, editable=False
    )
    # Erased: the row stays for the comments' and the trail's foreign keys,
    # with nothing left that says who the reader was.
    erased_at = models.DateTimeField(_("erased"), null=True, blank=True, editable=False)
    # The language the reader chose (the switch in the footer) or signed up
    # in: their pages and their e-mails are in it. Empty: the browser's.
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, blank=True
    )

    objects = ReaderManager()

    class Meta:
        verbose_name = _("reader")
        verbose_name_plural = _("readers")
        ordering = ["username"]

    def __str__(self):
        return self.username

    def save(self, *args, **kwargs):
        self.username = self.username.strip()
        self.username_key = skeleton(self.username)
        if (
            kwargs.get("update_fields") is not None
            and "username" in kwargs["update_fields"]
        ):
            kwargs["update_fields"] = {*kwargs["update_fields"], "username_key"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("accounts:profile", args=[self.username])

    @property
    def is_online(self) -> bool:
        return (
            self.last_seen is not None
            and timezone.now() - self.last_seen < ONLINE_WINDOW
        )

    def get_short_name(self) -> str:
        """The name shown beside the username: the display name, or the
        username for a reader who chose none."""
        return self.display_name or self.username

    @property
    def deletion_pending(self) -> bool:
        return self.deletion_requested_at is not None and self.erased_at is None

    @property
    def erasure_due_at(self):
        """When the job erases this account, if the reader asked for it."""
        if self.deletion_requested_at is None:
            return None
        return self.deletion_requested_at + deletion_grace()

    @property
    def mail_language(self) -> str:
        """The language of the e-mails the reader is sent."""
        return self.language or settings.LANGUAGE_CODE

    @property
    def label(self) -> str:
        """The seed's "username (display name)"."""
        return f"{self.username} ({self.get_short_name()})"


class Attempt(models.Model):
    """One attempt at an action that is limited per address (and per reader):
    a sign-in, a sign-up, a password reset, a verification mail, a two-factor
    code. Counted by `throttle` in the database, so the limits hold across
    every worker and instance, with or without Redis."""

    class Action(models.TextChoices):
        SIGN_IN = "sign_in", _("sign-in")
        SIGN_UP = "sign_up", _("sign-up")
        PASSWORD_RESET = "password_reset", _("password reset")
        VERIFICATION_MAIL = "verification_mail", _("verification mail")
        TWO_FACTOR = "two_factor", _("two-factor code")

    action = models.CharField(max_length=20, choices=Action, default=Action.SIGN_IN)
    # Whom the attempt was about: a username's skeleton, an address, a reader.
    subject = models.CharField(max_length=254, blank=True)
    address = models.GenericIPAddressField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["action", "subject", "created_at"],
                name="accounts_attempt_subject",
            ),
            models.Index(
                fields=["action", "address", "created_at"],
                name="accounts_attempt_address",
            ),
        ]

    def __str__(self):
        return f"{self.get_action_display()} {self.subject} from {self.address} at {self.created_at}"


class DataExport(models.Model):
    """One download of a reader's data: counted (in the database, so across
    workers and instances) to limit how often the heavy export runs."""

    reader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exports"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["reader", "created_at"])]

    def __str__(self):
        return f"Export for reader {self.reader_id} at {self.created_at}"

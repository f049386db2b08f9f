"""Abuse limits on the account pages, one mechanism for all of them.

Every limited action (signing in, signing up, asking for a password reset,
asking for a verification mail, typing a two-factor code) is a row of
`Attempt` in the database. An attempt is stored first and counted
afterwards, each in its own statement, committed at once: whatever the
number of workers and instances, with or without Redis, the k-th attempt to
be stored counts the k-1 before it, so no more than the limit ever get
through (at worst two racing attempts both see each other and both wait).
A cache counter gives no such guarantee: the database and file caches' `incr`
read, then write, so two workers can both read 4 and both write 5.
allauth's own limits count in the cache, and are therefore turned off
(`ACCOUNT_RATE_LIMITS = False`): these replace them.

A refusal is a cool-off, never a lockout: a refused attempt is not kept, so
once the counted ones are older than the window the action is open again,
and sign-in failures count per (username, address) and per address, so
nobody can lock a reader out from another address.
"""

import logging
import math
from dataclasses import dataclass
from datetime import timedelta
from enum import Enum

from allauth.account.auth_backends import AuthenticationBackend
from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from briefing.text import skeleton

from .addresses import client_address
from .models import Attempt, User

security_log = logging.getLogger("briefing.security")


class Per(Enum):
    """What a limit counts attempts of."""

    ADDRESS = "address"
    SUBJECT_AND_ADDRESS = "subject and address"
    SUBJECT = "subject"


@dataclass(frozen=True)
class Limit:
    """At most `count` attempts within `window`."""

    count: int
    window: timedelta
    per: Per


SIGN_IN_WINDOW = timedelta(minutes=15)
# Failures a reader may make from one address within the window: enough for
# a mistyped password or two, too few for guessing.
SIGN_IN_FAILURES_PER_READER = 5
# Failures from one address, whatever the username: stops one machine from
# trying a common password on many accounts, yet leaves room for an office or
# a school behind one address.
SIGN_IN_FAILURES_PER_ADDRESS = 30
SIGN_IN_LIMITS = [
    Limit(SIGN_IN_FAILURES_PER_READER, SIGN_IN_WINDOW, Per.SUBJECT_AND_ADDRESS),
    Limit(SIGN_IN_FAILURES_PER_ADDRESS, SIGN_IN_WINDOW, Per.ADDRESS),
]

SIGN_UP_WINDOW = timedelta(hours=1)
SIGN_UPS_PER_ADDRESS = 10
# Each reset request sends mail to whatever address is typed in.
PASSWORD_RESET_WINDOW = timedelta(hours=1)
PASSWORD_RESETS_PER_ADDRESS = 5
# Verification mail asked for again, per reader: a few lost mails, no flood.
VERIFICATION_MAIL_WINDOW = timedelta(hours=1)
VERIFICATION_MAILS_PER_READER = 3
# Two-factor codes are six digits: five wrong ones per reader in 15 minutes,
# whatever the address (whoever types them already has the password).
TWO_FACTOR_FAILURES_PER_READER = 5

# Rows older than the longest window count for nothing.
LONGEST_WINDOW = max(SIGN_IN_WINDOW, SIGN_UP_WINDOW, PASSWORD_RESET_WINDOW)


@dataclass(frozen=True)
class Refusal:
    """Why a request is refused, and after how many seconds it may be retried."""

    message: str
    retry_after: int


def _wait_text(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}


def start(
    action: Attempt.Action, address: str, subject: str, limits: list[Limit]
) -> tuple[Attempt | None, int]:
    """Store one attempt, then count it against `limits`.

    Returns the stored attempt, or None and the seconds until the attempt
    would be allowed (the refused attempt is not kept).
    """
    now = timezone.now()
    attempt = Attempt.objects.create(
        action=action, subject=subject, address=address, created_at=now
    )
    retry_after = 0
    for limit in limits:
        earlier = Attempt.objects.filter(
            action=action, created_at__gte=now - limit.window
        ).exclude(pk=attempt.pk)
        if limit.per in (Per.ADDRESS, Per.SUBJECT_AND_ADDRESS):
            earlier = earlier.filter(address=address)
        if limit.per in (Per.SUBJECT, Per.SUBJECT_AND_ADDRESS):
            earlier = earlier.filter(subject=subject)
        latest = list(
            earlier.order_by("-created_at").values_list("created_at", flat=True)[
                : limit.count
            ]
        )
        if len(latest) == limit.count:
            # The oldest of the latest `count` must age out of the window.
            seconds = (latest[-1] + limit.window - now).total_seconds()
            retry_after = max(retry_after, math.ceil(seconds), 1)
    if retry_after:
        attempt.delete()
        return None, retry_after
    return attempt, 0


def forget_old_attempts() -> None:
    # Limited actions are rare in normal use: tidying up on each one keeps
    # the table to the attempts of the last window.
    Attempt.objects.filter(created_at__lt=timezone.now() - LONGEST_WINDOW).delete()


# Sign-in throttling ----------------------------------------------------------


class SignInAttempt:
    """One attempt to sign in with a password, counted before it is checked.

    The attempt is stored as a failure first: however many arrive at once,
    no more than the limit get their password checked. A successful attempt
    removes its row (and the reader's earlier failures from that address).
    """

    def __init__(self, request: HttpRequest, login: str):
        self.login = login
        self.subject = skeleton(login)[:254]
        self.address = client_address(request)
        self.row: Attempt | None = None

    def start(self) -> Refusal | None:
        self.row, retry_after = start(
            Attempt.Action.SIGN_IN, self.address, self.subject, SIGN_IN_LIMITS
        )
        if self.row is not None:
            return None
        security_log.warning(
            "sign-in throttled for %r from %s; retry after %d s",
            self.login,
            self.address,
            retry_after,
        )
        return Refusal(
            _(
                "Too many failed attempts to sign in. For your safety, signing in "
                "from here is paused: please try again in %(wait)s, or reset your "
                "password."
            )
            % {"wait": _wait_text(retry_after)},
            retry_after,
        )

    def failed(self) -> None:
        """Keep the row as a failure."""
        security_log.warning("sign-in failed for %r from %s", self.login, self.address)
        forget_old_attempts()

    def succeeded(self) -> None:
        Attempt.objects.filter(
            action=Attempt.Action.SIGN_IN, subject=self.subject, address=self.address
        ).delete()


class ThrottledAuthenticationBackend(AuthenticationBackend):
    """allauth's backend (username or e-mail address), behind the sign-in
    throttle, finding usernames as the site spells them: ignoring case and
    look-alike letters.

    Every password sign-in passes here (the admin's sign-in is the site's).
    A throttled attempt is refused before its password is checked, and the
    refusal is left on the request (`request.sign_in_refusal`) for the view
    to answer 429. A failure raises PermissionDenied so that no later backend
    checks the same password again.
    """

    def authenticate(self, request, **credentials):
        login = credentials.get("username") or credentials.get("email")
        if request is None or not login or not credentials.get("password"):
            return super().authenticate(request, **credentials)
        attempt = SignInAttempt(request, login)
        refusal = attempt.start()
        if refusal is not None:
            request.sign_in_refusal = refusal
            raise PermissionDenied(refusal.message)
        user = super().authenticate(request, **credentials)
        if user is None:
            attempt.failed()
            raise PermissionDenied
        attempt.succeeded()
        return user

    async def aauthenticate(self, request, **credentials):
        return await sync_to_async(self.authenticate)(request, **credentials)

    def _authenticate_by_username(
        self, username: str, password: str
    ) -> AbstractBaseUser | None:
        return self._check_password(
            User.objects.looking_like(username).first(), password
        )


# Limits on the other account actions --------------------------------------


def _refuse_or_admit(
    action: Attempt.Action,
    request: HttpRequest,
    subject: str,
    limits: list[Limit],
    message: str,
) -> Refusal | None:
    address = client_address(request)
    attempt, retry_after = start(action, address, subject, limits)
    if attempt is not None:
        forget_old_attempts()
        return None
    security_log.warning(
        "%s throttled from %s%s (limit %s); retry after %d s",
        Attempt.Action(action).label,
        address,
        f" for {subject!r}" if subject else "",
        ", ".join(f"{limit.count} per {limit.window}" for limit in limits),
        retry_after,
    )
    return Refusal(message % {"wait": _wait_text(retry_after)}, retry_after)


def sign_up_refusal(request: HttpRequest) -> Refusal | None:
    """Count a sign-up from the request's address; refuse one too many.

    Lifted with the other rate limits by BRIEFING_RATE_LIMITS=off.
    """
    if not settings.BRIEFING_RATE_LIMITS:
        return None
    return _refuse_or_admit(
        Attempt.Action.SIGN_UP,
        request,
        "",
        [Limit(SIGN_UPS_PER_ADDRESS, SIGN_UP_WINDOW, Per.ADDRESS)],
        _(
            "Too many accounts were created from your network recently. Please "
            "try again in %(wait)s."
        ),
    )


def password_reset_refusal(request: HttpRequest) -> Refusal | None:
    """Count a password-reset request from the request's address; refuse one
    too many, so the form cannot be used to send mail to anyone in bulk."""
    return _refuse_or_admit(
        Attempt.Action.PASSWORD_RESET,
        request,
        "",
        [Limit(PASSWORD_RESETS_PER_ADDRESS, PASSWORD_RESET_WINDOW, Per.ADDRESS)],
        _(
            "Too many password resets were asked for from your network recently. "
            "Please try again in %(wait)s."
        ),
    )


def verification_mail_refusal(request: HttpRequest) -> Refusal | None:
    """Count a verification mail the signed-in reader asks for again."""
    return _refuse_or_admit(
        Attempt.Action.VERIFICATION_MAIL,
        request,
        str(request.user.pk),
        [Limit(VERIFICATION_MAILS_PER_READER, VERIFICATION_MAIL_WINDOW, Per.SUBJECT)],
        _(
            "Too many verification mails were sent to you recently. Please check "
            "your inbox (and its spam folder), or try again in %(wait)s."
        ),
    )


def two_factor_refusal(request: HttpRequest, user: AbstractBaseUser) -> Refusal | None:
    """Count a two-factor code typed for `user`, before it is checked; the
    attempt is forgotten when the code was right (`two_factor_succeeded`)."""
    return _refuse_or_admit(
        Attempt.Action.TWO_FACTOR,
        request,
        str(user.pk),
        [Limit(TWO_FACTOR_FAILURES_PER_READER, SIGN_IN_WINDOW, Per.SUBJECT)],
        _("Too many wrong codes. For your safety, please try again in %(wait)s."),
    )


def two_factor_succeeded(user: AbstractBaseUser) -> None:
    Attempt.objects.filter(
        action=Attempt.Action.TWO_FACTOR, subject=str(user.pk)
    ).delete()

"""Abuse limits on signing in and signing up, shared by every worker and instance.

Nothing here counts in process memory: failed sign-ins are rows of
`FailedSignIn` in the database, sign-ups a counter in the shared cache. The
client address comes from `X-Forwarded-For` only when the request arrives
from one of `BRIEFING_TRUSTED_PROXIES`.

Sign-in throttling has a cool-off, never a lockout: failures count per
(username, address) and per address, and a refused address may try again once
its failures are older than the window. Nobody can lock a reader out from
another address.
"""

import fcntl
import ipaddress
import logging
import math
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from functools import cache as memoize

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.cache import caches
from django.core.cache.backends.memcached import BaseMemcachedCache
from django.core.cache.backends.redis import RedisCache
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils import timezone

from briefing.text import skeleton

from .models import FailedSignIn

security_log = logging.getLogger("briefing.security")

SIGN_IN_WINDOW = timedelta(minutes=15)
# Failures a reader may make from one address within the window: enough for
# a mistyped password or two, too few for guessing.
SIGN_IN_FAILURES_PER_READER = 5
# Failures from one address, whatever the username: stops one machine from
# trying a common password on many accounts, yet leaves room for an office or
# a school behind one address.
SIGN_IN_FAILURES_PER_ADDRESS = 30

SIGN_UP_WINDOW = timedelta(hours=1)
SIGN_UPS_PER_ADDRESS = 10
# Each reset request sends mail to whatever address is typed in.
PASSWORD_RESET_WINDOW = timedelta(hours=1)
PASSWORD_RESETS_PER_ADDRESS = 5

UNKNOWN_ADDRESS = "0.0.0.0"


@dataclass(frozen=True)
class Refusal:
    """Why a request is refused, and after how many seconds it may be retried."""

    message: str
    retry_after: int


def _wait_text(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


# Client address ------------------------------------------------------------


@memoize
def _trusted_networks(
    entries: tuple[str, ...],
) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    try:
        return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)
    except ValueError as error:
        raise ImproperlyConfigured(
            f"BRIEFING_TRUSTED_PROXIES holds an entry that is neither an address "
            f"nor a network: {error}"
        ) from error


def _parse(address: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        parsed = ipaddress.ip_address(address.strip())
    except ValueError:
        return None
    # gunicorn on a dual-stack socket reports IPv4 clients as ::ffff:a.b.c.d.
    if isinstance(parsed, ipaddress.IPv6Address) and parsed.ipv4_mapped:
        return parsed.ipv4_mapped
    return parsed


def _is_trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    networks = _trusted_networks(tuple(settings.BRIEFING_TRUSTED_PROXIES))
    return any(address in network for network in networks)


def client_address(request: HttpRequest) -> str:
    """The address of the client that sent `request`.

    Behind trusted proxies, each proxy appends the address it received the
    request from to `X-Forwarded-For`; reading from the right, the first
    address that is not a trusted proxy is the client. Whatever lies further
    left was written by the client itself and proves nothing.
    """
    remote = _parse(request.META.get("REMOTE_ADDR", ""))
    if remote is None:
        return UNKNOWN_ADDRESS
    client = remote
    if _is_trusted(remote):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        for hop in reversed(forwarded):
            address = _parse(hop)
            if address is None:
                break
            client = address
            if not _is_trusted(address):
                break
    return str(client)


# Sign-in throttling ----------------------------------------------------------


class SignInAttempt:
    """One attempt to sign in with a password, counted before it is checked.

    `start()` stores the attempt as a failure first and counts afterwards, so
    concurrent attempts see each other: however many arrive at once, no more
    than the limit get their password checked. A successful attempt removes
    its row (and the reader's earlier failures from that address).
    """

    def __init__(self, request: HttpRequest, username: str):
        self.username = username
        self.username_key = skeleton(username)[:150]
        self.address = client_address(request)
        self.row: FailedSignIn | None = None

    def start(self) -> Refusal | None:
        now = timezone.now()
        self.row = FailedSignIn.objects.create(
            username_key=self.username_key, address=self.address, created_at=now
        )
        recent = FailedSignIn.objects.filter(
            address=self.address, created_at__gte=now - SIGN_IN_WINDOW
        )
        counts = recent.aggregate(
            address=Count("pk"),
            reader=Count("pk", filter=Q(username_key=self.username_key)),
        )
        limits = [
            (
                Q(username_key=self.username_key),
                counts["reader"],
                SIGN_IN_FAILURES_PER_READER,
            ),
            (Q(), counts["address"], SIGN_IN_FAILURES_PER_ADDRESS),
        ]
        retry_after = max(
            (
                self._seconds_until_below(recent.filter(which), count, limit, now)
                for which, count, limit in limits
                if count > limit
            ),
            default=0,
        )
        if not retry_after:
            return None
        self.row.delete()
        self.row = None
        security_log.warning(
            "sign-in throttled for %r from %s: %d failures for the reader, %d "
            "for the address in %d minutes; retry after %d s",
            self.username,
            self.address,
            counts["reader"] - 1,
            counts["address"] - 1,
            SIGN_IN_WINDOW.total_seconds() // 60,
            retry_after,
        )
        return Refusal(
            "Too many failed attempts to sign in. For your safety, signing in "
            f"from here is paused: please try again in {_wait_text(retry_after)}, "
            "or reset your password.",
            retry_after,
        )

    def _seconds_until_below(self, failures, count: int, limit: int, now) -> int:
        """Seconds until fewer than `limit` failures besides this one remain."""
        earlier = failures.exclude(pk=self.row.pk).order_by("created_at")
        # Of the count - 1 earlier failures, the oldest count - limit must age
        # out of the window; the next one's age decides when.
        deciding = earlier.values_list("created_at", flat=True)[count - 1 - limit]
        return max(1, math.ceil((deciding + SIGN_IN_WINDOW - now).total_seconds()))

    def failed(self) -> None:
        """Keep the row as a failure, and forget failures older than the window."""
        security_log.warning(
            "sign-in failed for %r from %s", self.username, self.address
        )
        # Failed sign-ins are rare in normal use: tidying up on each one keeps
        # the table to the failures of the last window.
        FailedSignIn.objects.filter(
            created_at__lt=timezone.now() - SIGN_IN_WINDOW
        ).delete()

    def succeeded(self) -> None:
        FailedSignIn.objects.filter(
            username_key=self.username_key, address=self.address
        ).delete()


class ThrottledModelBackend(ModelBackend):
    """Django's ModelBackend, behind the sign-in throttle.

    Every password sign-in (the site's and the admin's) passes here. A
    throttled attempt is refused before its password is checked, and the
    refusal is left on the request (`request.sign_in_refusal`) for the view
    to answer 429. A failure raises PermissionDenied so that no later backend
    checks the same password again.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None or not username or not password:
            return super().authenticate(request, username, password, **kwargs)
        attempt = SignInAttempt(request, username)
        refusal = attempt.start()
        if refusal is not None:
            request.sign_in_refusal = refusal
            raise PermissionDenied(refusal.message)
        user = super().authenticate(request, username, password, **kwargs)
        if user is None:
            attempt.failed()
            raise PermissionDenied
        attempt.succeeded()
        return user

    async def aauthenticate(self, request, username=None, password=None, **kwargs):
        return await sync_to_async(self.authenticate)(
            request, username, password, **kwargs
        )


# Sign-up limit ---------------------------------------------------------------


@contextmanager
def _machine_lock() -> Iterator[None]:
    """Serialise the workers of this machine (the file cache's `incr` is not
    atomic: it reads, then writes)."""
    path = settings.VAR_DIR / "throttle.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def count_hit(key: str, window: timedelta) -> tuple[int, int]:
    """Count one hit on `key` in a fixed window that starts at the first hit.

    Returns the hits so far in the window and the seconds left in it. Redis
    and memcached increment atomically across every instance; the other
    caches are shared by one machine's workers at most, whose counting a
    file lock serialises.
    """
    cache = caches["default"]
    seconds = math.ceil(window.total_seconds())
    now = time.time()
    if isinstance(cache, RedisCache | BaseMemcachedCache):
        cache.add(f"{key}:ends", now + seconds, seconds)
        cache.add(key, 0, seconds)
        try:
            hits = cache.incr(key)
        except ValueError:
            # The window ended between add() and incr(): this hit opens a new one.
            cache.set(key, 1, seconds)
            hits = 1
        if hits == 1:
            # Redis INCR on a key that expired a moment earlier creates one
            # that never expires: give the new window its end.
            cache.touch(key, seconds)
        ends = cache.get(f"{key}:ends", now + seconds)
    else:
        with _machine_lock():
            hits, ends = cache.get(key, (0, 0.0))
            if ends <= now:
                hits, ends = 0, now + seconds
            hits += 1
            cache.set(key, (hits, ends), math.ceil(ends - now))
    return hits, max(1, math.ceil(ends - now))


def sign_up_refusal(request: HttpRequest) -> Refusal | None:
    """Count a sign-up from the request's address; refuse one too many.

    Lifted with the other rate limits by BRIEFING_RATE_LIMITS=off.
    """
    if not settings.BRIEFING_RATE_LIMITS:
        return None
    address = client_address(request)
    hits, retry_after = count_hit(f"briefing:sign-ups:{address}", SIGN_UP_WINDOW)
    if hits <= SIGN_UPS_PER_ADDRESS:
        return None
    security_log.warning(
        "sign-up throttled from %s: %d sign-ups in %d minutes; retry after %d s",
        address,
        hits,
        SIGN_UP_WINDOW.total_seconds() // 60,
        retry_after,
    )
    return Refusal(
        f"Too many accounts were created from your network recently. Please "
        f"try again in {_wait_text(retry_after)}.",
        retry_after,
    )


def password_reset_refusal(request: HttpRequest) -> Refusal | None:
    """Count a password-reset request from the request's address; refuse one
    too many, so the form cannot be used to send mail to anyone in bulk."""
    address = client_address(request)
    hits, retry_after = count_hit(
        f"briefing:password-resets:{address}", PASSWORD_RESET_WINDOW
    )
    if hits <= PASSWORD_RESETS_PER_ADDRESS:
        return None
    security_log.warning(
        "password reset throttled from %s: %d requests; retry after %d s",
        address,
        hits,
        retry_after,
    )
    return Refusal(
        "Too many password resets were asked for from your network recently. "
        f"Please try again in {_wait_text(retry_after)}.",
        retry_after,
    )

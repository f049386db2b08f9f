from datetime import datetime, timedelta

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from .models import User

# Online status needs "seen in the last 5 minutes", not every request: one
# write per reader per minute at most.
LAST_SEEN_RESOLUTION = timedelta(minutes=1)


def record_last_seen(get_response):
    """Note when a signed-in reader was last seen, for Online/Offline."""

    def middleware(request):
        user = request.user
        if user.is_authenticated:
            now = timezone.now()
            if user.last_seen is None or now - user.last_seen >= LAST_SEEN_RESOLUTION:
                User.objects.filter(pk=user.pk).update(last_seen=now)
                user.last_seen = now
        return get_response(request)

    return middleware


def reader_language(get_response):
    """A signed-in reader reads in the language remembered on their account
    (set by the language switch), on any browser; LocaleMiddleware has chosen
    one from the cookie or Accept-Language before the reader was known, and
    its response half then says which language the page is in."""

    def middleware(request):
        user = request.user
        if user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return get_response(request)

    return middleware


# When this session's row in allauth's list was last brought up to date.
SESSION_ACTIVITY_RECORDED_AT = "briefing_session_activity_recorded_at"


def note_session_activity_at_sign_in(sender, request, **kwargs):
    """Signing in writes the session's row (allauth.usersessions does, on the
    same signal): the first page after it need not write it again."""
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_ACTIVITY_RECORDED_AT] = timezone.now().isoformat()


def record_session_activity(get_response):
    """Keep the last seen time, address and device of each session in the
    sessions list (/accounts/sessions/) up to date, once a minute at most.

    allauth's own tracking (USERSESSIONS_TRACK_ACTIVITY) writes on every
    signed-in request. Here the time of the last write is kept in the session
    itself, which is loaded anyway, so a request within the minute costs no
    statement.
    """

    def middleware(request):
        if request.user.is_authenticated and request.session.session_key:
            now = timezone.now()
            recorded_at = request.session.get(SESSION_ACTIVITY_RECORDED_AT)
            if (
                recorded_at is None
                or now - datetime.fromisoformat(recorded_at) >= LAST_SEEN_RESOLUTION
            ):
                UserSession.objects.create_from_request(request)
                request.session[SESSION_ACTIVITY_RECORDED_AT] = now.isoformat()
        return get_response(request)

    return middleware


def require_staff_two_factor(get_response):
    """With BRIEFING_STAFF_2FA on, no admin page opens for a staff member
    until their address is verified and two-factor sign-in (TOTP) is set up:
    they are sent to do that first. Pages other than the admin's cost nothing.
    """

    def middleware(request):
        user = request.user
        if (
            settings.BRIEFING_STAFF_2FA
            and user.is_authenticated
            and user.is_staff
            and request.path.startswith(reverse("admin:index"))
        ):
            if not EmailAddress.objects.filter(user=user, verified=True).exists():
                messages.warning(
                    request,
                    _(
                        "Staff must verify their e-mail address before using the "
                        "admin: follow the link in the mail we sent, or send it again."
                    ),
                )
                return redirect("account_email")
            if not Authenticator.objects.filter(
                user=user, type=Authenticator.Type.TOTP
            ).exists():
                messages.warning(
                    request,
                    _(
                        "Staff must set up two-factor sign-in before using the "
                        "admin: add an authenticator app below."
                    ),
                )
                return redirect("mfa_activate_totp")
        return get_response(request)

    return middleware

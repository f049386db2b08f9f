"""Account events in the security log (logger `briefing.security`), one line
each, from allauth's signals. Failed and throttled sign-ins are logged by
the throttle, which sees them first."""

import logging

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from allauth.usersessions.adapter import DefaultUserSessionsAdapter

from .addresses import client_address

security_log = logging.getLogger("briefing.security")


def _address(request) -> str:
    return client_address(request) if request is not None else "-"


def signed_in(sender, request, user, **kwargs):
    security_log.info("signed in: %r from %s", user.username, _address(request))


def password_changed(sender, request, user, **kwargs):
    security_log.info("password changed: %r from %s", user.username, _address(request))


def password_reset(sender, request, user, **kwargs):
    security_log.info(
        "password reset by mail: %r from %s", user.username, _address(request)
    )


def email_changed(sender, request, user, from_email_address, to_email_address, **kw):
    security_log.info(
        "e-mail changed: %r from %s to %s (from %s)",
        user.username,
        from_email_address.email if from_email_address else "-",
        to_email_address.email,
        _address(request),
    )


def email_confirmed(sender, request, email_address, **kwargs):
    security_log.info(
        "e-mail verified: %r %s from %s",
        email_address.user.username,
        email_address.email,
        _address(request),
    )


def two_factor_added(sender, request, user, authenticator, **kwargs):
    security_log.info(
        "two-factor set up: %r %s from %s",
        user.username,
        authenticator.type,
        _address(request),
    )


def two_factor_removed(sender, request, user, authenticator, **kwargs):
    security_log.warning(
        "two-factor removed: %r %s from %s",
        user.username,
        authenticator.type,
        _address(request),
    )


def two_factor_used(sender, request, user, authenticator, **kwargs):
    security_log.info(
        "two-factor used: %r %s from %s",
        user.username,
        authenticator.type,
        _address(request),
    )


def two_factor_failed(sender, request, user, authenticator, **kwargs):
    security_log.warning(
        "two-factor failed: %r from %s", user.username, _address(request)
    )


def connect() -> None:
    account_signals.user_logged_in.connect(signed_in)
    account_signals.password_changed.connect(password_changed)
    account_signals.password_reset.connect(password_reset)
    account_signals.email_changed.connect(email_changed)
    account_signals.email_confirmed.connect(email_confirmed)
    mfa_signals.authenticator_added.connect(two_factor_added)
    mfa_signals.authenticator_removed.connect(two_factor_removed)
    mfa_signals.authenticator_used.connect(two_factor_used)
    mfa_signals.authentication_failed.connect(two_factor_failed)


class UserSessionsAdapter(DefaultUserSessionsAdapter):
    """allauth's sessions, with each one ended in the security log."""

    def end_sessions(self, sessions):
        sessions = list(sessions)
        for session in sessions:
            security_log.info(
                "session ended: %r at %s (%s)",
                session.user.username,
                session.ip,
                session.user_agent[:80],
            )
        super().end_sessions(sessions)

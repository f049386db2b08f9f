"""A reader's copy of everything the site holds about them (`/accounts/export/`).

The account's part is here; every other app adds its own through the
`personal_data_requested` signal, so this module knows none of them.
"""

import logging
import math
from datetime import timedelta

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.db import transaction
from django.utils import timezone

from .models import DataExport, User
from .signals import personal_data_requested

security_log = logging.getLogger("briefing.security")

EXPORT_WINDOW = timedelta(days=1)
# Enough to retry a failed download; each export reads all of a reader's rows.
EXPORTS_PER_WINDOW = 3


class ExportLimitReached(Exception):
    def __init__(self, retry_after: int):
        super().__init__(f"Export limit reached; retry after {retry_after} s")
        self.retry_after = retry_after


def export_account(user: User) -> dict:
    """The reader's data as JSON-ready values; raises ExportLimitReached
    beyond EXPORTS_PER_WINDOW a day.

    The reader's row is held while the exports are counted and the new one
    recorded, so parallel requests (any worker, any instance) cannot pass
    the limit together.
    """
    now = timezone.now()
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).values_list("pk").get()
        recent = list(
            DataExport.objects.filter(
                reader=user, created_at__gt=now - EXPORT_WINDOW
            ).values_list("created_at", flat=True)[:EXPORTS_PER_WINDOW]
        )
        if len(recent) >= EXPORTS_PER_WINDOW:
            # The oldest counted export leaves the window first.
            frees_at = min(recent) + EXPORT_WINDOW
            raise ExportLimitReached(
                max(1, math.ceil((frees_at - now).total_seconds()))
            )
        DataExport.objects.create(reader=user, created_at=now)
    data = {"exported_at": now, "account": _account(user)}
    for _receiver, sections in personal_data_requested.send(sender=User, user=user):
        data.update(sections)
    security_log.info("data export by %r (reader %s)", user.username, user.pk)
    return data


def _account(user: User) -> dict:
    return {
        "username": user.username,
        "display_name": user.display_name,
        "email": user.email,
        "email_addresses": [
            {
                "email": address.email,
                "verified": address.verified,
                "primary": address.primary,
            }
            for address in EmailAddress.objects.filter(user=user).order_by("email")
        ],
        "date_joined": user.date_joined,
        "last_login": user.last_login,
        "last_seen": user.last_seen,
        "deletion_requested_at": user.deletion_requested_at,
        # Which kinds of two-factor sign-in are set up; never their secrets.
        "two_factor": [
            {"type": authenticator.type, "created_at": authenticator.created_at}
            for authenticator in Authenticator.objects.filter(user=user).order_by("pk")
        ],
        "sessions": [
            {
                "address": session.ip,
                "device": session.user_agent,
                "signed_in_at": session.created_at,
                "last_seen_at": session.last_seen_at,
            }
            for session in UserSession.objects.filter(user=user).order_by("created_at")
        ],
        "exports": list(
            DataExport.objects.filter(reader=user)
            .order_by("created_at")
            .values_list("created_at", flat=True)
        ),
    }

"""Deleting an account: asked for, cancelled during the grace, then erased.

Each request enqueues its erasure on the task worker, due when the grace
ends (`tasks.erase_account_when_due`); `erase_due_accounts()` (`manage.py
erase_accounts`) erases whatever is due, for task rows lost with a database
restore. Each erasure holds the reader's row and checks its state in the
same transaction, so it may run twice, or twice at once, and erases each
account once.
"""

import logging
import secrets
from datetime import datetime
from functools import partial

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.db import transaction
from django.utils import timezone

from .models import Attempt, DataExport, User
from .signals import account_erased

security_log = logging.getLogger("briefing.security")


def request_deletion(user: User, password: str) -> datetime:
    """Stop the account now and schedule its erasure; returns when it is due.

    Every other session of the reader is signed out: the password is stored
    again with a fresh salt, which changes the hash each session was opened
    under, so Django drops those sessions on their next request (whatever
    view signed them in); allauth's recorded sessions are ended outright.
    """
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.deletion_requested_at is None:
            user.deletion_requested_at = timezone.now()
        user.set_password(password)
        user.save(update_fields=["deletion_requested_at", "password"])
        _end_sessions(user)
        _enqueue_erasure(user)
    security_log.info(
        "account deletion asked by %r (reader %s), erasure due %s",
        user.username,
        user.pk,
        user.erasure_due_at.isoformat(),
    )
    return user.erasure_due_at


def _enqueue_erasure(user: User) -> None:
    # tasks.py imports this module.
    from .tasks import erase_account_when_due

    erasure = erase_account_when_due.using(run_after=user.erasure_due_at)
    transaction.on_commit(partial(erasure.enqueue, user.pk))


def cancel_deletion(user: User) -> bool:
    """Keep the account after all. False when there was nothing to cancel."""
    # One UPDATE checks the state and changes it: an erasure that holds the
    # row first leaves nothing for it to match.
    cancelled = (
        User.objects.filter(pk=user.pk, erased_at__isnull=True)
        .exclude(deletion_requested_at=None)
        .update(deletion_requested_at=None)
    )
    if cancelled:
        user.deletion_requested_at = None
        security_log.info(
            "account deletion cancelled by %r (reader %s)", user.username, user.pk
        )
    return bool(cancelled)


def erase_account(user: User) -> bool:
    """Erase `user` if their grace has passed. False when it had not, when
    they cancelled, or when another run erased them first."""
    with transaction.atomic():
        user = (
            User.objects.due_for_erasure()
            .select_for_update()
            .filter(pk=user.pk)
            .first()
        )
        if user is None:
            return False
        # The other apps first, while the account still says whose it was.
        account_erased.send(sender=User, user=user)
        EmailAddress.objects.filter(user=user).delete()
        Authenticator.objects.filter(user=user).delete()
        _end_sessions(user)
        DataExport.objects.filter(reader=user).delete()
        # Sign-ins name the username's skeleton, other limited actions the reader.
        Attempt.objects.filter(subject__in=[user.username_key, str(user.pk)]).delete()
        user.groups.clear()
        user.user_permissions.clear()
        # Unique and unguessable, so the old username is free for anyone and
        # nobody can find or sign in to what is left.
        user.username = f"erased-{secrets.token_hex(16)}"
        user.display_name = ""
        user.first_name = ""
        user.last_name = ""
        user.email = ""
        user.set_unusable_password()
        user.is_active = False
        user.is_staff = False
        user.is_superuser = False
        user.last_login = None
        user.last_seen = None
        user.erased_at = timezone.now()
        user.save()
    security_log.info("account of reader %s erased", user.pk)
    return True


def erase_due_accounts() -> int:
    """Erase every account whose grace has passed; returns how many."""
    return sum(erase_account(user) for user in User.objects.due_for_erasure())


def _end_sessions(user: User) -> None:
    for session in UserSession.objects.filter(user=user):
        session.end()

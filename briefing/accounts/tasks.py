"""The accounts' background work, run by `manage.py db_worker`."""

from django.tasks import task

from . import erasure
from .models import User


@task
def erase_account_when_due(user_id: int) -> str:
    """Erase the account once its grace is over; nothing if the reader
    cancelled, asked again later (that request has its own task) or another
    run erased it first. Safe to run twice, or twice at once."""
    erased = erasure.erase_account(User(pk=user_id))
    return "erased" if erased else "not due"

"""The erasure jobs run on the task worker: each request to delete an
account, and each day's rejections, enqueue the run that erases them when
due; `manage.py db_worker` (here its `--batch` run, in process) does it."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from briefing.accounts import erasure
from briefing.accounts.models import User
from comments import moderation
from comments.models import Comment, ModerationEvent, Status

from .test_account_deletion import ask_deletion, client_for, grace_over

# The worker commits and closes connections as it goes: the tests' data must
# be committed for it, not held in a test's transaction (and the groups the
# migrations made are put back after each test).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ERASE_ACCOUNT = "briefing.accounts.tasks.erase_account_when_due"
EXPIRE_REJECTIONS = "comments.retention.erase_expired_rejections"


def run_the_worker() -> None:
    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)


def make_due(task_path: str) -> None:
    DBTaskResult.objects.filter(task_path=task_path).update(run_after=timezone.now())


def test_asking_to_delete_an_account_enqueues_its_erasure_when_the_grace_ends(
    reader,
):
    ask_deletion(client_for(reader))

    reader.refresh_from_db()
    erasure = DBTaskResult.objects.get(task_path=ERASE_ACCOUNT)
    assert erasure.args_kwargs["args"] == [reader.pk]
    assert erasure.run_after == reader.erasure_due_at

    # Not due yet: the worker leaves it for later.
    run_the_worker()
    reader.refresh_from_db()
    assert reader.erased_at is None


def test_the_worker_erases_the_account_once_the_grace_is_over(reader):
    ask_deletion(client_for(reader))
    grace_over(reader)
    make_due(ERASE_ACCOUNT)

    run_the_worker()

    erased = User.objects.get(pk=reader.pk)
    assert erased.erased_at is not None
    assert erased.username.startswith("erased-")
    assert DBTaskResult.objects.get(task_path=ERASE_ACCOUNT).return_value == "erased"


def test_an_account_kept_after_all_is_not_erased_by_its_task(reader):
    ask_deletion(client_for(reader))
    # As signing in again during the grace does.
    assert erasure.cancel_deletion(reader)
    make_due(ERASE_ACCOUNT)

    run_the_worker()

    reader.refresh_from_db()
    assert reader.erased_at is None
    assert DBTaskResult.objects.get(task_path=ERASE_ACCOUNT).return_value == "not due"


def test_the_days_first_rejection_enqueues_the_run_that_expires_it(
    article, other_reader, moderator, make_comment, settings
):
    settings.BRIEFING_REJECTED_RETENTION_DAYS = 30
    first, second = (
        make_comment(article, other_reader, text) for text in ("First.", "Second.")
    )

    moderation.reject(first, moderator, "", "spam")
    moderation.reject(second, moderator, "", "spam")

    run = DBTaskResult.objects.get(task_path=EXPIRE_REJECTIONS)
    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    assert run.run_after == midnight + timedelta(days=31, minutes=1)


def test_the_worker_erases_the_text_of_an_expired_rejection(
    article, other_reader, moderator, make_comment, settings
):
    settings.BRIEFING_REJECTED_RETENTION_DAYS = 30
    old, recent = (
        make_comment(article, other_reader, text) for text in ("Old.", "Recent.")
    )
    moderation.reject(old, moderator, "", "spam")
    moderation.reject(recent, moderator, "", "spam")
    ModerationEvent.objects.filter(comment=old).update(
        created_at=timezone.now() - timedelta(days=31)
    )
    make_due(EXPIRE_REJECTIONS)

    run_the_worker()

    assert Comment.objects.get(pk=old.pk).body == ""
    assert Comment.objects.get(pk=recent.pk).body == "Recent."
    assert Comment.objects.get(pk=old.pk).status == Status.REJECTED

"""The queue alert: when the oldest pending comment has waited longer than
BRIEFING_QUEUE_ALERT_MINUTES, the task worker mails the moderators, at most
once an hour."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from comments import timeliness
from comments.models import QueueAlert, Status
from tests.conftest import post

pytestmark = pytest.mark.django_db

CHECK = "comments.timeliness.alert_if_queue_waits"


@pytest.fixture
def moderators(moderator, make_reader):
    """Two moderators with verified addresses, and one who has not verified
    theirs."""
    second = make_reader("second", "Second Moderator", is_staff=True)
    second.groups.add(*moderator.groups.all())
    unverified = make_reader(
        "unverified", "Unverified", is_staff=True, email_verified=False
    )
    unverified.groups.add(*moderator.groups.all())
    return [moderator, second]


@pytest.fixture
def bystanders(editor, reader):
    """An editor and a reader, with verified addresses: not moderators."""
    return [editor, reader]


def waiting_comment(make_comment, article, author, minutes):
    return make_comment(
        article,
        author,
        f"Waiting {minutes} minutes.",
        Status.PENDING,
        created_at=timezone.now() - timedelta(minutes=minutes),
    )


def test_a_held_comment_asks_for_a_look_when_it_could_have_waited_too_long(
    client, article, make_reader, settings, django_capture_on_commit_callbacks
):
    settings.BRIEFING_QUEUE_ALERT_MINUTES = 45
    newcomer = make_reader("newcomer", "Newcomer")
    client.force_login(newcomer)

    with django_capture_on_commit_callbacks(execute=True):
        post(client, article, "My first comment waits for a moderator.")

    check = DBTaskResult.objects.get(task_path=CHECK)
    expected = timezone.now() + timedelta(minutes=45)
    assert abs(check.run_after - expected) < timedelta(seconds=30)


def test_a_comment_published_at_once_asks_for_nothing(
    signed_in, article, django_capture_on_commit_callbacks, make_comment, reader
):
    # An approved comment earlier: the reader's next one is published at once.
    make_comment(article, reader, "Approved before.")

    with django_capture_on_commit_callbacks(execute=True):
        post(signed_in, article, "Published straight away.")

    assert not DBTaskResult.objects.filter(task_path=CHECK).exists()


def test_moderators_are_mailed_when_the_oldest_waits_too_long(
    moderators, bystanders, article, other_reader, make_comment
):
    waiting_comment(make_comment, article, other_reader, minutes=50)
    waiting_comment(make_comment, article, other_reader, minutes=5)

    assert timeliness.alert_if_queue_waits.call() == "sent"

    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        user.email.lower() for user in moderators
    )
    message = mail.outbox[0]
    assert message.subject == (
        "2 comments wait for moderation, the oldest for about 50 minutes"
    )
    assert "http://127.0.0.1:8000/admin/comments/comment/" in message.body
    alert = QueueAlert.objects.get()
    assert (alert.pending, alert.recipients) == (2, 2)


def test_moderators_are_told_at_most_once_an_hour(
    moderators, article, other_reader, make_comment
):
    waiting_comment(make_comment, article, other_reader, minutes=90)
    assert timeliness.alert_if_queue_waits.call() == "sent"

    assert timeliness.alert_if_queue_waits.call() == "told within the hour"
    assert len(mail.outbox) == len(moderators)

    QueueAlert.objects.update(sent_at=timezone.now() - timedelta(minutes=61))
    assert timeliness.alert_if_queue_waits.call() == "sent"
    assert len(mail.outbox) == 2 * len(moderators)


def test_no_mail_while_the_queue_is_on_time(
    moderators, article, other_reader, make_comment, settings
):
    settings.BRIEFING_QUEUE_ALERT_MINUTES = 30
    waiting_comment(make_comment, article, other_reader, minutes=20)

    assert timeliness.alert_if_queue_waits.call() == "on time"
    assert mail.outbox == []
    assert not QueueAlert.objects.exists()


def test_no_mail_when_the_queue_is_empty(moderators):
    assert timeliness.alert_if_queue_waits.call() == "on time"
    assert mail.outbox == []


def test_a_staff_member_given_the_moderation_permission_alone_is_told(
    make_reader, article, other_reader, make_comment
):
    someone = make_reader("solo", "Solo", is_staff=True)
    someone.user_permissions.add(Permission.objects.get(codename="can_moderate"))
    waiting_comment(make_comment, article, other_reader, minutes=60)

    assert timeliness.alert_if_queue_waits.call() == "sent"
    assert [message.to for message in mail.outbox] == [[someone.email.lower()]]


def test_a_failing_mail_server_records_no_alert(
    moderators, article, other_reader, make_comment, settings
):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            # Nothing listens on the discard port.
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 5},
        }
    }
    waiting_comment(make_comment, article, other_reader, minutes=60)

    assert timeliness.alert_if_queue_waits.call() == "mail failed"
    assert not QueueAlert.objects.exists()

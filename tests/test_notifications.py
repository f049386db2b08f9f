"""Notifications on the site and by e-mail, through the real URLs and the
real mail task (locmem outbox; tests/test_notification_mail_delivery.py
runs gunicorn, the worker and an SMTP server)."""

import socket
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.management import call_command
from django.tasks import TaskResultStatus
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from pytest_django.asserts import assertContains, assertNotContains

from comments import moderation
from comments.models import Comment, Ignore, Status
from notifications.delivery import notify, unread_count
from notifications.models import EmailPreference, Kind, MailState, Notification
from notifications.tasks import send_notification_mail
from notifications.tokens import unsubscribe_token

pytestmark = pytest.mark.django_db


def _reply(client, article, answered, body="I disagree, and here is why."):
    return client.post(
        reverse("comments:post", args=[article.slug]),
        {"body": body, "reply_to": answered.pk},
    )


@pytest.fixture
def answered(article, other_reader, make_comment):
    """Alexey's published comment, which Paul answers."""
    return make_comment(article, other_reader, "Oil is the future.")


def _send(notification: Notification) -> str:
    return send_notification_mail.call(notification.pk)


def test_reply_published_at_once_notifies_the_answered_author(
    signed_in, article, answered, no_new_reader_premoderation
):
    response = _reply(signed_in, article, answered)

    reply = Comment.objects.get(reply_to=answered)
    assert response.status_code == 302
    notification = Notification.objects.get()
    assert notification.recipient == answered.author
    assert notification.kind == Kind.REPLY
    assert notification.actor == reply.author
    assert notification.text == "Paul3390 (Paul) replied to your comment"
    assert notification.title == article.title
    assert notification.excerpt == "I disagree, and here is why."
    assert notification.url == reply.get_absolute_url()


def test_reply_from_a_reader_one_ignores_notifies_nobody(
    signed_in, reader, article, answered, no_new_reader_premoderation
):
    Ignore.objects.create(ignorer=answered.author, ignored=reader)

    _reply(signed_in, article, answered)

    assert Comment.objects.filter(reply_to=answered).exists()
    assert not Notification.objects.exists()


def test_featuring_a_comment_notifies_its_author(answered, moderator):
    moderation.feature(answered, moderator)

    notification = Notification.objects.get()
    assert (notification.recipient, notification.kind) == (
        answered.author,
        Kind.FEATURED,
    )
    assert notification.actor == moderator


def test_removing_a_reported_comment_notifies_its_reporters(
    answered, moderator, make_reader
):
    reporters = [make_reader(f"witness{n}", f"Witness {n}") for n in range(2)]
    for reporter in reporters:
        moderation.report_comment(answered, reporter, "abuse")

    moderation.reject(answered, moderator, "Insults", "abuse")

    outcomes = Notification.objects.filter(kind=Kind.REPORT_OUTCOME)
    assert sorted(n.recipient.username for n in outcomes) == ["witness0", "witness1"]
    assert Notification.objects.filter(
        kind=Kind.REJECTED, recipient=answered.author
    ).exists()


def test_pending_reply_notifies_nobody_until_a_moderator_approves_it(
    signed_in, article, answered, moderator
):
    _reply(signed_in, article, answered)
    reply = Comment.objects.get(reply_to=answered)
    assert reply.status == Status.PENDING
    assert not Notification.objects.exists()

    moderation.approve(reply, moderator)

    kinds = dict(Notification.objects.values_list("kind", "recipient__username"))
    assert kinds == {Kind.REPLY: "Fizik13", Kind.APPROVED: "Paul3390"}


def test_reply_to_own_comment_notifies_nobody(
    signed_in, reader, article, make_comment, no_new_reader_premoderation
):
    own = make_comment(article, reader, "My first thought.")

    _reply(signed_in, article, own, "And my second.")

    assert Comment.objects.filter(reply_to=own).exists()
    assert not Notification.objects.exists()


def test_rejection_notifies_the_author_with_the_reason(
    reader, article, make_comment, moderator
):
    comment = make_comment(article, reader, "Buy cheap oil.", Status.PENDING)

    moderation.reject(comment, moderator, "Spam")

    notification = Notification.objects.get()
    assert notification.recipient == reader
    assert notification.kind == Kind.REJECTED
    assert notification.text == "Your comment was rejected: Spam"
    assert notification.actor == moderator


def test_comment_republished_after_reports_notifies_nobody_again(
    reader, other_reader, article, answered, make_comment, moderator
):
    reply = make_comment(article, reader, "A reply.", reply_to=answered)
    moderation.change_status(reply, Status.PENDING, reason="Reported")

    moderation.approve(reply, moderator)

    assert not Notification.objects.exists()


def test_moderator_approving_own_comment_is_not_told(article, moderator, make_comment):
    comment = make_comment(article, moderator, "Staff note.", Status.PENDING)

    moderation.approve(comment, moderator)

    assert not Notification.objects.exists()


def test_notify_enqueues_the_mail_a_delay_later_only_on_commit(
    reader, other_reader, settings, django_capture_on_commit_callbacks
):
    settings.BRIEFING_NOTIFICATION_MAIL_DELAY_SECONDS = 60
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notification = notify(
            reader, Kind.REPLY, actor=other_reader, text="Hello", url="/"
        )
        assert not DBTaskResult.objects.exists()

    for callback in callbacks:
        callback()

    task = DBTaskResult.objects.get()
    assert task.task_path == "notifications.tasks.send_notification_mail"
    assert task.args_kwargs["args"] == [notification.pk]
    delay = task.run_after - timezone.now()
    assert timedelta(seconds=55) < delay <= timedelta(seconds=60)


def test_header_shows_the_unread_count_linking_to_notifications(
    signed_in, reader, other_reader, article
):
    for n in range(3):
        notify(reader, Kind.REPLY, actor=other_reader, text=f"Reply {n}", url="/")

    response = signed_in.get(article.get_absolute_url())

    assertContains(
        response,
        '<a class="notifications-link" href="/notifications/">Notifications '
        '<span class="unread-count">3<span class="visually-hidden"> unread</span>'
        "</span></a>",
        html=True,
    )


def test_anonymous_header_has_no_notifications(client, article):
    response = client.get(article.get_absolute_url())

    assertNotContains(response, "/notifications/")


def test_unread_count_costs_one_statement_then_none_while_cached(
    reader, other_reader, django_assert_num_queries
):
    notify(reader, Kind.REPLY, actor=other_reader, text="Hello", url="/")

    with django_assert_num_queries(1):
        assert unread_count(reader) == 1
    with django_assert_num_queries(0):
        assert unread_count(reader) == 1


def test_new_notification_refreshes_the_cached_count(
    reader, other_reader, django_capture_on_commit_callbacks
):
    assert unread_count(reader) == 0

    with django_capture_on_commit_callbacks(execute=True):
        notify(reader, Kind.REPLY, actor=other_reader, text="Hello", url="/")

    assert unread_count(reader) == 1


def test_notifications_page_lists_newest_first_and_marks_them_read(
    signed_in, reader, other_reader, django_assert_max_num_queries
):
    older = notify(reader, Kind.REPLY, actor=other_reader, text="Older", url="/c/1/")
    Notification.objects.filter(pk=older.pk).update(
        created_at=timezone.now() - timedelta(hours=1)
    )
    notify(reader, Kind.APPROVED, actor=other_reader, text="Newer", url="/c/2/")

    with django_assert_max_num_queries(6):
        response = signed_in.get("/notifications/")

    page = response.content.decode()
    assert page.index("Newer") < page.index("Older")
    assertContains(response, '<a href="/c/1/">Older</a>', html=True)
    assertContains(response, "notification--unread", count=2)
    assert not Notification.objects.unread().exists()
    assertNotContains(signed_in.get("/notifications/"), "notification--unread")


def test_notifications_page_shows_only_the_readers_own(signed_in, reader, other_reader):
    notify(other_reader, Kind.REPLY, actor=reader, text="Not for Paul", url="/")

    response = signed_in.get("/notifications/")

    assertNotContains(response, "Not for Paul")
    assert Notification.objects.unread().count() == 1


@pytest.mark.parametrize("url", ["/notifications/", "/accounts/notifications/"])
def test_notification_pages_require_sign_in(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_email_settings_default_to_replies_and_decisions(signed_in):
    response = signed_in.get("/accounts/notifications/")

    form = response.context["form"]
    assert {name for name, field in form.fields.items() if field.initial} == {
        "reply",
        "approved",
        "rejected",
        "appeal_decided",
    }


def test_email_settings_switch_kinds_on_and_off(signed_in, reader):
    response = signed_in.post("/accounts/notifications/", {"featured": "on"})

    assert response.status_code == 302
    assert EmailPreference.objects.mailed_kinds(reader) == {
        kind: kind == Kind.FEATURED for kind in Kind
    }


@pytest.fixture
def due_reply(reader, other_reader, article, verify_address):
    verify_address(reader)
    return notify(
        reader,
        Kind.REPLY,
        actor=other_reader,
        text="Fizik13 (Alexey) replied to your comment",
        url="/comments/7/#comment-7",
        title=article.title,
        excerpt="Oil <b>is</b> the future.",
    )


def test_mail_carries_both_parts_the_article_who_excerpt_and_link(due_reply, settings):
    settings.BRIEFING_SITE_URL = "https://briefing.example"

    assert _send(due_reply) == "sent"

    (message,) = mail.outbox
    assert message.to == ["paul3390@example.com"]
    assert message.subject == (
        "Fizik13 (Alexey) replied to your comment: Russia enters the oil and gas sector"
    )
    html = message.alternatives[0].content
    for part in (message.body, html):
        assert "Russia enters the oil and gas sector" in part
        assert "https://briefing.example/comments/7/#comment-7" in part
        assert "https://briefing.example/accounts/notifications/" in part
    assert "Oil <b>is</b> the future." in message.body
    assert "Oil &lt;b&gt;is&lt;/b&gt; the future." in html
    token = unsubscribe_token(due_reply.recipient_id, Kind.REPLY)
    assert message.extra_headers["List-Unsubscribe"] == (
        f"<https://briefing.example/unsubscribe/{token}/>"
    )
    assert message.extra_headers["List-Unsubscribe-Post"] == (
        "List-Unsubscribe=One-Click"
    )


def test_mail_task_run_twice_sends_once(due_reply):
    _send(due_reply)

    assert _send(due_reply) == "not due"
    assert len(mail.outbox) == 1
    due_reply.refresh_from_db()
    assert due_reply.mail_state == MailState.SENT


def test_notification_seen_on_the_site_is_not_mailed(due_reply, client, reader):
    client.force_login(reader)
    client.get("/notifications/")

    assert _send(due_reply) == "skipped: seen on the site"
    assert not mail.outbox


def test_no_mail_without_a_verified_address(reader, other_reader):
    EmailAddress.objects.filter(user=reader).update(verified=False)
    notification = notify(reader, Kind.REPLY, actor=other_reader, text="Hi", url="/")

    assert _send(notification) == "skipped: no verified address"
    assert not mail.outbox


def test_no_mail_for_a_kind_switched_off(due_reply, reader):
    EmailPreference.objects.choose(reader, Kind.REPLY, False)

    assert _send(due_reply) == "skipped: switched off"
    assert not mail.outbox


def test_kinds_off_by_default_are_not_mailed(reader, other_reader, verify_address):
    verify_address(reader)
    notification = notify(reader, Kind.FEATURED, actor=other_reader, text="!", url="/")

    assert _send(notification) == "skipped: switched off"


@pytest.fixture
def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_mail_server_down_retries_later_and_loses_nothing(
    due_reply, settings, closed_port, django_capture_on_commit_callbacks
):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": closed_port, "timeout": 2},
        }
    }
    settings.BRIEFING_NOTIFICATION_MAIL_RETRY_SECONDS = 60

    with django_capture_on_commit_callbacks(execute=True):
        for _attempt in range(2):
            assert _send(due_reply) == "retry"

    due_reply.refresh_from_db()
    assert due_reply.mail_state == MailState.DUE
    assert due_reply.mail_attempts == 2
    retries = DBTaskResult.objects.order_by("run_after")
    delays = [(task.run_after - timezone.now()).total_seconds() for task in retries]
    assert 55 < delays[0] <= 60
    assert 115 < delays[1] <= 120


def test_unsubscribe_link_asks_before_switching_off(client, reader):
    token = unsubscribe_token(reader.pk, Kind.REPLY)

    response = client.get(f"/unsubscribe/{token}/")

    assertContains(response, "Stop e-mails about: Replies to your comments?")
    assertContains(response, '<button type="submit" class="button">Unsubscribe')
    assert EmailPreference.objects.is_mailed(reader, Kind.REPLY)


def test_one_click_unsubscribe_without_cookies_switches_the_kind_off(
    csrf_client, reader
):
    token = unsubscribe_token(reader.pk, Kind.REJECTED)

    response = csrf_client.post(
        f"/unsubscribe/{token}/", {"List-Unsubscribe": "One-Click"}
    )

    assert response.status_code == 200
    assert not EmailPreference.objects.is_mailed(reader, Kind.REJECTED)
    assert EmailPreference.objects.is_mailed(reader, Kind.REPLY)


@pytest.mark.parametrize("token", ["nonsense", "WzEsInJlcGx5Il0:forged"])
def test_unsubscribe_with_a_bad_token_is_404(client, token):
    assert client.post(f"/unsubscribe/{token}/").status_code == 404


def test_requeue_orphaned_tasks_takes_back_only_that_workers_tasks(reader):
    mine, theirs = (
        DBTaskResult.objects.create(
            args_kwargs={"args": [1], "kwargs": {}},
            task_path="notifications.tasks.send_notification_mail",
            backend_name="default",
            status=TaskResultStatus.RUNNING,
            worker_ids=["earlier", worker],
            started_at=timezone.now(),
        )
        for worker in ("host-1", "host-2")
    )

    call_command("requeue_orphaned_tasks", "--worker-id", "host-1", verbosity=0)

    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.status == TaskResultStatus.READY
    assert theirs.status == TaskResultStatus.RUNNING

"""Notification mails end to end, with real parts: gunicorn and the task
worker it starts (as `make run` does) as subprocesses, on a SQLite database
of their own, mailing to an SMTP server on a local port (conftest's
MailTrap and MailSite). Mails are counted where they arrive."""

import http.client
import os
import signal
import sqlite3
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest

from tests.conftest import MailSite

# Long enough for a reader to open /notifications/ before the mail is due.
MAIL_DELAY_SECONDS = 3
# A duplicate would follow within a worker's poll or two.
QUIET_SECONDS = 3
CSRF_SECRET = "n" * 32

SCENARIO = """
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.cached_db import SessionStore
from django.core.cache import cache
from django.utils import timezone

from briefing.accounts.models import User
from briefing.models import Article
from comments.models import Comment, ModerationSettings

moderation = ModerationSettings.current()
moderation.new_reader_premoderation = 0
moderation.save()
cache.delete(ModerationSettings.CACHE_KEY)
tag = data["tag"]
desk, _ = User.objects.get_or_create(
    username="desk", defaults={"display_name": "Desk", "is_staff": True}
)
article = Article.objects.create(
    slug=f"article-{tag}", title=f"Article {tag}", lead="Lead.", body="Body.",
    author=desk, published_at=timezone.now() - timedelta(hours=1),
    premoderated=data["premoderated"],
)


def reader(name):
    user = User.objects.create_user(
        username=name, password="unused", display_name=name.title(),
        email=f"{name}@example.com",
    )
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return user, session.session_key


author, author_session = reader(f"author{tag}")
replier, replier_session = reader(f"replier{tag}")
answered = Comment.objects.create(
    article=article, author=author, body="Oil is the future.", status="published"
)
result = {
    "slug": article.slug,
    "answered": answered.pk,
    "author": author.username,
    "author_email": author.email,
    "author_session": author_session,
    "replier_session": replier_session,
}
"""

MAIL_STATES = """
from notifications.models import Notification

result = list(
    Notification.objects.filter(recipient__username=data["username"])
    .order_by("pk")
    .values_list("mail_state", "mail_attempts")
)
"""


@pytest.fixture(scope="module")
def mail_site(tmp_path_factory, mail_trap):
    site = MailSite(
        tmp_path_factory.mktemp("mail-site"),
        mail_trap.port,
        BRIEFING_NOTIFICATION_MAIL_DELAY_SECONDS=str(MAIL_DELAY_SECONDS),
    )
    site.migrate()
    site.start()
    yield site
    site.stop()


def _request(site, method, path, *, data=None, session=None) -> int:
    headers = {}
    body = None
    if method == "POST":
        body = urlencode({**(data or {}), "csrfmiddlewaretoken": CSRF_SECRET})
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        headers["Cookie"] = f"csrftoken={CSRF_SECRET}"
    if session:
        headers["Cookie"] = "; ".join(
            filter(None, [headers.get("Cookie"), f"sessionid={session}"])
        )
    connection = http.client.HTTPConnection("127.0.0.1", site.port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def _scenario(site, tag, *, premoderated=False) -> dict:
    return site.python(SCENARIO, tag=tag, premoderated=premoderated)


def _reply(site, scenario, body=None) -> int:
    # Each scenario's own text: the same reply from three readers would be
    # held as a likely campaign, and notify nobody.
    body = body or f"I disagree with {scenario['author']}."
    return _request(
        site,
        "POST",
        f"/articles/{scenario['slug']}/comments/",
        data={"body": body, "reply_to": scenario["answered"]},
        session=scenario["replier_session"],
    )


def _wait_for(condition, timeout=40, message="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {message}")


def _mail_states(site, scenario):
    return [
        tuple(state) for state in site.python(MAIL_STATES, username=scenario["author"])
    ]


def _only_mail(trap, scenario):
    _wait_for(lambda: trap.to(scenario["author_email"]), message="the mail")
    time.sleep(QUIET_SECONDS)
    (message,) = trap.to(scenario["author_email"])
    return message


def test_reply_is_mailed_once_with_a_one_click_unsubscribe(mail_site, mail_trap):
    scenario = _scenario(mail_site, "mailed")

    assert _reply(mail_site, scenario) == 302

    message = _only_mail(mail_trap, scenario)
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = message["List-Unsubscribe"].strip("<>")
    assert unsubscribe.startswith(f"{mail_site.base_url}/unsubscribe/")
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    for part in (text, html):
        assert "Article mailed" in part
        assert "replier" in part
        assert "I disagree with authormailed." in part
        assert f"{mail_site.base_url}/comments/" in part
    assert _mail_states(mail_site, scenario) == [("sent", 0)]

    # A mail client's one-click unsubscribe: a POST without any cookie.
    connection = http.client.HTTPConnection("127.0.0.1", mail_site.port, timeout=30)
    connection.request(
        "POST",
        urlsplit(unsubscribe).path,
        body="List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert connection.getresponse().status == 200
    connection.close()
    assert _reply(mail_site, scenario, "Another reply.") == 302

    _wait_for(
        lambda: _mail_states(mail_site, scenario) == [("sent", 0), ("skipped", 0)],
        message="the second notification to be skipped",
    )
    assert len(mail_trap.to(scenario["author_email"])) == 1


def test_pending_reply_notifies_nobody_until_a_moderator_approves_it(
    mail_site, mail_trap
):
    scenario = _scenario(mail_site, "pending", premoderated=True)

    assert _reply(mail_site, scenario) == 302
    time.sleep(MAIL_DELAY_SECONDS + QUIET_SECONDS)

    assert _mail_states(mail_site, scenario) == []
    assert not mail_trap.to(scenario["author_email"])

    mail_site.python(
        "from briefing.accounts.models import User\n"
        "from comments import moderation\n"
        "from comments.models import Comment\n"
        "reply = Comment.objects.get(reply_to_id=data['answered'])\n"
        "moderation.approve(reply, User.objects.get(username='desk'))\n",
        answered=scenario["answered"],
    )
    _only_mail(mail_trap, scenario)


def test_notification_seen_on_the_site_is_not_mailed(mail_site, mail_trap):
    scenario = _scenario(mail_site, "seen")

    assert _reply(mail_site, scenario) == 302
    seen = _request(
        mail_site, "GET", "/notifications/", session=scenario["author_session"]
    )

    assert seen == 200
    _wait_for(
        lambda: _mail_states(mail_site, scenario) == [("skipped", 0)],
        message="the notification to be skipped",
    )
    assert not mail_trap.to(scenario["author_email"])


def _gone(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return True
    return "State:\tZ" in status


def test_worker_killed_mid_mail_loses_and_duplicates_nothing(mail_site, mail_trap):
    scenario = _scenario(mail_site, "killed")
    mail_trap.stalled.clear()
    mail_trap.stall.set()
    try:
        assert _reply(mail_site, scenario) == 302
        assert mail_trap.stalled.wait(40), "the mail never reached the server"
        worker = mail_site.task_worker_pid()

        os.kill(worker, signal.SIGKILL)
        _wait_for(lambda: _gone(worker), message="the worker to die")
        # The server notices the dead client before it would accept the mail.
        time.sleep(0.5)
    finally:
        mail_trap.stall.clear()

    assert mail_site.task_worker_pid(other_than=worker)
    _only_mail(mail_trap, scenario)
    assert _mail_states(mail_site, scenario) == [("sent", 0)]


def test_mail_server_down_for_a_while_then_back_delivers_once(mail_site, mail_trap):
    scenario = _scenario(mail_site, "outage")
    mail_trap.stop()
    try:
        assert _reply(mail_site, scenario) == 302
        _wait_for(
            lambda: any(
                attempts >= 2 for _, attempts in _mail_states(mail_site, scenario)
            ),
            message="two failed attempts",
        )
        assert not mail_trap.to(scenario["author_email"])
    finally:
        mail_trap.start()

    _only_mail(mail_trap, scenario)
    ((state, attempts),) = _mail_states(mail_site, scenario)
    assert state == "sent"
    assert attempts >= 2


@pytest.fixture
def own_site(tmp_path, mail_site, mail_trap):
    """A second gunicorn with its worker, on a copy of mail_site's database."""
    site = MailSite(tmp_path, mail_trap.port)
    with (
        sqlite3.connect(mail_site.folder / "db.sqlite3") as source,
        sqlite3.connect(tmp_path / "db.sqlite3") as copy,
    ):
        source.backup(copy)
    site.start()
    yield site
    site.stop()


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL])
def test_stopping_gunicorn_stops_its_task_worker(own_site, stop):
    worker = own_site.task_worker_pid()

    os.kill(own_site.process.pid, stop)
    own_site.process.wait(40)

    _wait_for(lambda: _gone(worker), timeout=10, message="the task worker to end")


def test_sighup_reloads_gunicorn_and_restarts_its_task_worker(own_site):
    worker = own_site.task_worker_pid()

    os.kill(own_site.process.pid, signal.SIGHUP)

    assert own_site.task_worker_pid(other_than=worker)
    _wait_for(lambda: _gone(worker), timeout=10, message="the old task worker to end")
    assert own_site.process.poll() is None
    assert _request(own_site, "GET", "/healthz") == 200

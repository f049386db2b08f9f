"""Fixtures shared by the whole suite: readers, an article, a moderator."""

import itertools
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from briefing.accounts.models import User
from briefing.models import Article
from comments.models import Comment, ModerationSettings, Status
from tools.harness import MailTrap

PASSWORD = "correct horse battery staple"


def post(client, article, body: str, **fields):
    """Post `body` under `article` as the comment form does; `fields` adds
    form fields (reply_to, idempotency_key) or request headers (REMOTE_ADDR)."""
    headers = {name: fields.pop(name) for name in list(fields) if name.isupper()}
    return client.post(
        reverse("comments:post", args=[article.slug]),
        {"body": body, **fields},
        **headers,
    )


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    # Uploads (the demo's lead image) go to the test's own folder.
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tests render templates without running collectstatic first.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }


@pytest.fixture(autouse=True)
def _empty_cache():
    """The cache outlives a test's database transaction: start each one empty."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def make_reader(db):
    def make(username="reader", display_name="Reader", email_verified=True, **extra):
        extra.setdefault("email", f"{username.replace(' ', '.')}@example.com")
        user = User.objects.create_user(
            username=username, password=PASSWORD, display_name=display_name, **extra
        )
        # As a sign-up leaves it: allauth's record of the address.
        EmailAddress.objects.create(
            user=user, email=user.email.lower(), primary=True, verified=email_verified
        )
        return user

    return make


@pytest.fixture
def reader(make_reader):
    return make_reader("Paul3390", "Paul")


@pytest.fixture
def other_reader(make_reader):
    return make_reader("Fizik13", "Alexey")


@pytest.fixture
def editor(make_reader):
    user = make_reader("editor", "The Editor", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def moderator(make_reader):
    user = make_reader("moderator", "The Moderator", is_staff=True)
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


@pytest.fixture
def moderator_client(moderator):
    """The moderator's browser, signed in, beside any reader's (`client`)."""
    client = Client()
    client.force_login(moderator)
    return client


@pytest.fixture
def told():
    """The messages a response left for the next page, as the user reads them."""

    def read(response) -> list[str]:
        return [str(message) for message in get_messages(response.wsgi_request)]

    return read


@pytest.fixture
def make_article(db, make_reader):
    def make(slug="oil-and-gas", **extra):
        author = (
            extra.pop("author", None)
            or User.objects.filter(username="desk").first()
            or make_reader("desk", "News desk", is_staff=True)
        )
        extra.setdefault("published_at", timezone.now() - timedelta(hours=1))
        return Article.objects.create(
            slug=slug,
            title=extra.pop("title", "Russia enters the oil and gas sector"),
            lead=extra.pop("lead", "Moscow and Pyongyang expand cooperation."),
            body=extra.pop("body", "A paragraph.\n\n> A quotation\n— he said."),
            author=author,
            **extra,
        )

    return make


@pytest.fixture
def article(make_article):
    return make_article()


@pytest.fixture
def no_new_reader_premoderation(db):
    """Most tests are about published comments: trust new readers."""
    moderation = ModerationSettings.current()
    moderation.new_reader_premoderation = 0
    moderation.save()
    return moderation


@pytest.fixture
def make_comment(db):
    """A comment as if it had gone through the rules: a published one (or
    one deleted after publication) takes the discussion's next number."""

    def make(article, author, body="A comment.", status=Status.PUBLISHED, **extra):
        if status in (Status.PUBLISHED, Status.DELETED):
            extra.setdefault("number", Comment.objects.next_number(article.pk))
        return Comment.objects.create(
            article=article, author=author, body=body, status=status, **extra
        )

    return make


@pytest.fixture
def signed_in(client, reader):
    client.force_login(reader)
    return client


@pytest.fixture
def committing(django_capture_on_commit_callbacks):
    """Run what a block leaves for after commit, as the commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def csrf_client():
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def form_token():
    """Read the CSRF token a page's form carries, as a browser sends it back."""

    def token(response) -> str:
        match = re.search(
            r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode()
        )
        assert match, "the page has no form with a CSRF token"
        return match.group(1)

    return token


@pytest.fixture(autouse=True, scope="session")
def _private_file_cache(tmp_path_factory):
    """Give this test run a file cache of its own.

    The default file cache, var/cache, is also the running demo's and every
    other test run's on the machine: clearing it there (_empty_cache) would
    empty theirs, and their clearing would change what this run counts (a
    query budget measured on a warm cache). Redis (CACHE_URL) stays as set.
    """
    cache_settings = settings.CACHES["default"]
    if not cache_settings["BACKEND"].endswith("FileBasedCache"):
        yield
        return
    location = str(tmp_path_factory.mktemp("cache"))
    with override_settings(
        CACHES={"default": {**cache_settings, "LOCATION": location}}
    ):
        yield


@pytest.fixture
def make_discussion(db):
    """`size` published comments under `article` by `authors` in turn, each
    answering the one before, one in 17 deleted by its author, as a real
    discussion would have them; a millisecond apart from `start`."""

    def make(article, authors, size, *, start=None):
        start = start or timezone.now() - timedelta(hours=2)
        first_number = Comment.objects.next_number(article.pk)
        comments = Comment.objects.bulk_create(
            Comment(
                article=article,
                author=authors[n % len(authors)],
                body=f"Comment number {n}, see https://example.com/{n}\nsecond line",
                status=Status.DELETED if n % 17 == 16 else Status.PUBLISHED,
                created_at=start + timedelta(milliseconds=n),
                number=first_number + n,
            )
            for n in range(size)
        )
        for earlier, later in itertools.pairwise(comments):
            later.reply_to = earlier
        Comment.objects.bulk_update(comments[1:], ["reply_to"])
        return comments

    return make


@pytest.fixture
def verify_address(db):
    """Give `user` a verified primary address, as allauth records it: only
    such an address gets notification mails."""

    def verify(user):
        EmailAddress.objects.update_or_create(
            user=user,
            primary=True,
            defaults={"email": user.email.lower(), "verified": True},
        )
        return user

    return verify


def _free_port() -> int:

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def mail_trap():
    trap = MailTrap()
    trap.start()
    yield trap
    if trap.controller.loop.is_running():
        trap.stop()


_AGENT = """
import json, sys
for line in sys.stdin:
    request = json.loads(line)
    scope = {"data": request["data"]}
    try:
        exec(request["code"], scope)
        answer = {"result": scope.get("result")}
    except Exception:
        answer = {"error": traceback.format_exc()}
    sys.stdout.write(json.dumps(answer, default=str) + "\\n")
    sys.stdout.flush()
"""


class MailSite:
    """gunicorn serving Briefing with its task worker beside it (the hooks
    `make run` switches on), on a database and cache of its own, mailing to
    `mail_trap`; `python()` runs code against the same database."""

    def __init__(self, folder, smtp_port: int, **extra_env):
        self.folder = folder
        self.port = _free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.python_bin = sys.executable
        self.gunicorn = str(Path(sys.executable).parent / "gunicorn")
        self.repo = Path(__file__).resolve().parent.parent
        self.log = folder / "gunicorn.log"
        self.process = None
        self.agent = None
        self.env = {
            **{
                name: value
                for name, value in os.environ.items()
                if not name.startswith(("DJANGO_", "DATABASE_", "CACHE_", "BRIEFING_"))
            },
            "DJANGO_SETTINGS_MODULE": "tests.mail_site_settings",
            "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
            "CACHE_URL": f"filecache://{folder / 'cache'}",
            "DJANGO_EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            "BRIEFING_SITE_URL": self.base_url,
            "BRIEFING_RUN_WORKER": "on",
            "BRIEFING_RATE_LIMITS": "off",
            "BRIEFING_NOTIFICATION_MAIL_DELAY_SECONDS": "1",
            "BRIEFING_NOTIFICATION_MAIL_RETRY_SECONDS": "1",
            "BRIEFING_SMTP_TIMEOUT_SECONDS": "60",
            "PORT": str(self.port),
            "WEB_CONCURRENCY": "1",
            "GUNICORN_ACCESS_LOG": "off",
            "PYTHONDONTWRITEBYTECODE": "1",
            **extra_env,
        }

    def migrate(self) -> None:
        subprocess.run(
            [self.python_bin, "manage.py", "migrate", "--noinput", "-v0"],
            cwd=self.repo,
            env=self.env,
            check=True,
        )

    def python(self, code: str, **data):
        if self.agent is None or self.agent.poll() is not None:
            self.agent = subprocess.Popen(
                [self.python_bin, "manage.py", "shell", "--no-imports", "-c", _AGENT],
                cwd=self.repo,
                env=self.env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
        self.agent.stdin.write(json.dumps({"code": code, "data": data}) + "\n")
        self.agent.stdin.flush()
        answer = json.loads(self.agent.stdout.readline() or '{"error": "agent died"}')
        assert "error" not in answer, answer["error"]
        return answer["result"]

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [self.gunicorn, "--config", "gunicorn.conf.py", "briefing.wsgi"],
                cwd=self.repo,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text()
            try:
                with urllib.request.urlopen(f"{self.base_url}/healthz", timeout=5):
                    break
            except OSError:
                time.sleep(0.2)
        else:
            self.stop()
            raise AssertionError(f"gunicorn did not answer:\n{self.log.read_text()}")
        try:
            self.task_worker_pid()
        except AssertionError:
            self.stop()
            raise

    # Two Django processes start in turn (the orphan requeue, then the
    # worker): on a loaded machine that takes tens of seconds.
    def task_worker_pid(self, *, other_than: int | None = None, timeout=90) -> int:
        """The pid of the master's `db_worker` child, once there is one."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for children in Path(f"/proc/{self.process.pid}/task").glob("*/children"):
                for pid in map(int, children.read_text().split()):
                    try:
                        command = Path(f"/proc/{pid}/cmdline").read_bytes()
                    except OSError:
                        continue
                    if b"db_worker" in command and pid != other_than:
                        return pid
            time.sleep(0.1)
        raise AssertionError(f"no task worker:\n{self.log.read_text()}")

    def stop(self) -> None:
        if self.agent is not None:
            self.agent.stdin.close()
            self.agent.wait(10)
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(40)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def current_totp_code(secret: str) -> str:
    """The code an authenticator app shows now (RFC 6238), by allauth's helpers."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


@pytest.fixture
def sign_in_with_password():
    """Sign `user` in through the sign-in form, as a person does (allauth then
    records when they last gave their password)."""

    def sign_in(client, user, **extra):
        return client.post(
            "/accounts/login/", {"login": user.username, "password": PASSWORD}, **extra
        )

    return sign_in


@pytest.fixture
def with_totp(client, sign_in_with_password):
    """Set up an authenticator app for `user` through the site's pages;
    returns the secret."""

    def set_up(user, client=client):
        sign_in_with_password(client, user)
        # Setting up two-factor asks for the password again.
        client.post("/accounts/reauthenticate/", {"password": PASSWORD})
        client.get("/accounts/2fa/totp/activate/")
        secret = client.session["mfa.totp.secret"]
        response = client.post(
            "/accounts/2fa/totp/activate/", {"code": current_totp_code(secret)}
        )
        assert response.status_code == 302, response.content
        return secret

    return set_up

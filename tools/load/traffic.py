"""The load, fault and scale tools' traffic: a scripted browser, readers
posting and reading in threads, some posts replies to other readers'
comments, and a record of every request; then what the database holds
against what the site acknowledged, and the notification mails the task
workers sent against what the SMTP server received.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import re
import ssl
import threading
import time
import urllib.parse
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

from tools.harness import DEMO_SLUG, LOOPBACK, MailTrap, manage

PASSWORD = "load-and-fault correct horse"

_HIDDEN_INPUT = re.compile(r"<input\b[^>]*>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r'([a-z_-]+)="([^"]*)"', re.IGNORECASE)
_COMMENT_ANCHOR = re.compile(r"#comment-(\d+)$")
ACKNOWLEDGED = (302, 303)


# --------------------------------------------------------------------------
# A scripted browser


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    text: str
    elapsed: float

    def location(self) -> str:
        return self.headers.get("location", "")

    def comment_id(self) -> int | None:
        match = _COMMENT_ANCHOR.search(self.location())
        return int(match.group(1)) if match else None

    def form_field(self, name: str) -> str | None:
        """The value of the hidden or text input called `name` in the page."""
        for tag in _HIDDEN_INPUT.findall(self.text):
            attributes = dict(_ATTRIBUTE.findall(tag))
            if attributes.get("name") == name:
                return attributes.get("value", "")
        return None


class Browser:
    """One reader's browser: keeps cookies, sends Origin and Referer like a
    real one, opens a connection per request (sync gunicorn workers close
    them anyway), never follows redirects.

    `port` may be changed between requests to go to another instance with
    the same cookies. `forwarded_proto` adds X-Forwarded-Proto, as a TLS
    proxy would, for talking to an instance directly; `site_origin` is then
    the site's address the browser believes it is on (Origin and Referer).
    """

    def __init__(
        self,
        port: int,
        *,
        https: bool = False,
        forwarded_proto: str | None = None,
        site_origin: str | None = None,
        timeout: float = 40,
    ):
        self.port = port
        self.https = https
        self.forwarded_proto = forwarded_proto
        self.site_origin = site_origin
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        self.local_port: int | None = None
        # The scale test's certificate is self-signed, for 127.0.0.1 only.
        self._tls = ssl._create_unverified_context() if https else None

    @property
    def origin(self) -> str:
        if self.site_origin:
            return self.site_origin
        return f"{'https' if self.https else 'http'}://{LOOPBACK}:{self.port}"

    def signed_in(self) -> bool:
        return any(name.endswith("sessionid") for name in self.cookies)

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None
    ) -> Response:
        """Send one request; connection failures raise OSError or
        http.client.HTTPException to the caller, who counts them."""
        headers = {"Connection": "close", "User-Agent": "briefing-loadlib"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if self.forwarded_proto:
            headers["X-Forwarded-Proto"] = self.forwarded_proto
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = self.origin
            headers["Referer"] = self.origin + path
        if self._tls:
            connection = http.client.HTTPSConnection(
                LOOPBACK, self.port, timeout=self.timeout, context=self._tls
            )
        else:
            connection = http.client.HTTPConnection(
                LOOPBACK, self.port, timeout=self.timeout
            )
        started = time.monotonic()
        try:
            connection.connect()
            # Which server-side connection is ours, while no answer has come
            # (the load-and-fault script kills the worker serving a POST).
            self.local_port = connection.sock.getsockname()[1]
            connection.request(method, path, body=body, headers=headers)
            raw = connection.getresponse()
            self.local_port = None
            text = raw.read().decode("utf-8", "replace")
        finally:
            self.local_port = None
            connection.close()
        elapsed = time.monotonic() - started
        for header, value in raw.getheaders():
            if header.lower() == "set-cookie":
                self._store_cookie(value)
        return Response(
            raw.status, {k.lower(): v for k, v in raw.getheaders()}, text, elapsed
        )

    def _store_cookie(self, header: str) -> None:
        jar = SimpleCookie()
        jar.load(header)
        for name, morsel in jar.items():
            if morsel["max-age"] == "0" or not morsel.value:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = morsel.value

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post_form(self, page: Response, path: str, fields: dict[str, str]) -> Response:
        """POST `fields` with the CSRF token of the form in `page`."""
        token = page.form_field("csrfmiddlewaretoken")
        if token is None:
            raise RuntimeError(f"no CSRF token in the page before {path}")
        return self.request("POST", path, {"csrfmiddlewaretoken": token, **fields})

    def sign_up(self, username: str) -> Response:
        """Sign up through the real form; Briefing signs the reader in."""
        page = self.get("/accounts/signup/")
        return self.post_form(
            page,
            "/accounts/signup/",
            {
                "username": username,
                "display_name": f"Reader {username}",
                "email": f"{username}@example.com",
                "password1": PASSWORD,
                "password2": PASSWORD,
            },
        )


def article_path(slug: str = DEMO_SLUG) -> str:
    return f"/articles/{slug}/"


def comments_path(slug: str = DEMO_SLUG) -> str:
    return f"/articles/{slug}/comments/"


# --------------------------------------------------------------------------
# What the database holds


def shell(env: dict[str, str], code: str) -> str:
    return manage(env, "shell", "--no-imports", "-c", code)


def set_moderation(env: dict[str, str], **values: int) -> None:
    """Write the moderation settings, then empty the run's cache (the row is
    cached without expiry)."""
    assignments = "".join(f"s.{name} = {value!r}; " for name, value in values.items())
    shell(
        env,
        "from django.core.cache import cache; "
        "from comments.models import ModerationSettings; "
        "s, _ = ModerationSettings.objects.get_or_create(pk=1); "
        f"{assignments}s.save(); cache.clear()",
    )


def stored_comments(env: dict[str, str], prefix: str) -> list[dict]:
    """Every comment whose body starts with `prefix`: marker, id, status."""
    output = shell(
        env,
        "import json; from comments.models import Comment; "
        f"rows = Comment.objects.filter(body__startswith={prefix!r})"
        ".values_list('pk', 'body', 'status', 'created_at'); "
        "print(json.dumps([{'id': p, 'marker': b.split()[0], 'status': s, "
        "'created': c.timestamp()} for p, b, s, c in rows]))",
    )
    return json.loads(output.strip().splitlines()[-1])


def verify_addresses(env: dict[str, str], prefix: str) -> int:
    """Mark the addresses of the readers whose names start with `prefix`
    verified, as their click on the sign-up mail's link would: notification
    mails go to verified addresses only. How many there are."""
    output = shell(
        env,
        "from allauth.account.models import EmailAddress; "
        f"print(EmailAddress.objects.filter(user__username__startswith={prefix!r})"
        ".update(verified=True))",
    )
    return int(output.strip().splitlines()[-1])


MAIL_TASK = "notifications.tasks.send_notification_mail"


def notification_mails(env: dict[str, str], prefix: str) -> dict:
    """The notifications made for the readers whose names start with
    `prefix` (id, link, mail state) and the mail tasks enqueued for them
    (notification id, status, the workers that took it, what it returned)."""
    output = shell(
        env,
        "import json; from notifications.models import Notification; "
        "from django_tasks_db.models import DBTaskResult; "
        "rows = list(Notification.objects.filter("
        f"recipient__username__startswith={prefix!r})"
        ".values_list('pk', 'url', 'mail_state')); "
        f"tasks = DBTaskResult.objects.filter(task_path={MAIL_TASK!r})"
        ".values_list('args_kwargs', 'status', 'worker_ids', 'return_value'); "
        "print(json.dumps({'notifications': rows, 'tasks': ["
        "{'notification': a['args'][0], 'status': s, 'workers': w, 'returned': r}"
        " for a, s, w, r in tasks]}))",
    )
    return json.loads(output.strip().splitlines()[-1])


@dataclass
class MailCount:
    notifications: int  # made for the run's readers, one mail task each
    enqueued: int  # notifications with a mail task enqueued
    tasks: int  # mail tasks, retries included
    states: dict[str, int]  # notifications by mail state
    sent: int  # recorded as sent
    received: int  # notifications whose mail the SMTP server received
    duplicated: int  # notifications mailed more than once
    lost: int  # recorded sent, or still due at the end, and never received
    sent_by: dict[str, int]  # the worker whose run of the task sent it

    def figures(self, label: str = "") -> list[tuple[str, object]]:
        return [
            (
                f"{label}notifications made (replies to another reader)",
                self.notifications,
            ),
            (
                f"{label}mails enqueued (notifications / task rows)",
                f"{self.enqueued} / {self.tasks}",
            ),
            (
                f"{label}mails sent (recorded) / received by SMTP",
                f"{self.sent} / {self.received}",
            ),
            (f"{label}notification mail states", self.states),
            (f"{label}mails duplicated / lost", f"{self.duplicated} / {self.lost}"),
            (f"{label}mail tasks that returned sent, by worker", self.sent_by),
        ]


def count_mails(
    env: dict[str, str], prefix: str, trap: MailTrap, site_url: str
) -> MailCount:
    found = notification_mails(env, prefix)
    notifications = found["notifications"]
    ours = {pk for pk, _, _ in notifications}
    tasks = [t for t in found["tasks"] if t["notification"] in ours]
    copies = trap.notification_links(site_url)
    states = Counter(state for _, _, state in notifications)
    return MailCount(
        notifications=len(notifications),
        enqueued=len({t["notification"] for t in tasks}),
        tasks=len(tasks),
        states=dict(states),
        sent=states["sent"],
        received=sum(copies[site_url + url] > 0 for _, url, _ in notifications),
        duplicated=sum(copies[site_url + url] > 1 for _, url, _ in notifications),
        lost=sum(
            copies[site_url + url] == 0
            for _, url, state in notifications
            if state in ("sent", "due")
        ),
        sent_by=dict(
            Counter(t["workers"][-1] for t in tasks if t["returned"] == "sent")
        ),
    )


def wait_for_mails(
    env: dict[str, str],
    prefix: str,
    trap: MailTrap,
    site_url: str,
    *,
    timeout: float,
    quiet: float = 3,
) -> MailCount:
    """Wait until no notification of the run is due any more and the SMTP
    server has had `quiet` seconds to receive a late copy (a duplicate
    follows within a worker's poll or two); then count."""
    deadline = time.monotonic() + timeout
    count = count_mails(env, prefix, trap, site_url)
    while count.states.get("due") and time.monotonic() < deadline:
        time.sleep(1)
        count = count_mails(env, prefix, trap, site_url)
    time.sleep(quiet)
    return count_mails(env, prefix, trap, site_url)


# --------------------------------------------------------------------------
# gunicorn's workers


def worker_serving(
    workers: list[int], server_port: int, client_port: int
) -> int | None:
    """The worker process still working on the request of the loopback TCP
    connection from `client_port` to `server_port` (no byte of the answer
    sent yet), from /proc; None when there is none."""
    server_socket, answered = None, False
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            local = int(fields[1].rsplit(":", 1)[1], 16)
            remote = int(fields[2].rsplit(":", 1)[1], 16)
            unsent, unread = (int(n, 16) for n in fields[4].split(":"))
            if (local, remote) == (server_port, client_port):
                server_socket = f"socket:[{fields[9]}]"
                answered |= unsent > 0
            elif (local, remote) == (client_port, server_port):
                answered |= unread > 0
    if server_socket is None or answered:
        return None
    for pid in workers:
        try:
            descriptors = list(Path(f"/proc/{pid}/fd").iterdir())
        except FileNotFoundError:
            continue
        for descriptor in descriptors:
            try:
                if os.readlink(descriptor) == server_socket:
                    return pid
            except OSError:
                continue
    return None


# --------------------------------------------------------------------------
# Recording what happened


@dataclass
class Event:
    started: float  # seconds since the run began
    elapsed: float
    kind: str  # "read", "post", "signup", ...
    status: int | None  # None: the connection failed
    error: str = ""
    port: int = 0


@dataclass
class Recorder:
    began: float = field(default_factory=time.monotonic)
    began_wall: float = field(default_factory=time.time)
    events: list[Event] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def now(self) -> float:
        return time.monotonic() - self.began

    def start_clock(self) -> None:
        self.began, self.began_wall = time.monotonic(), time.time()

    def call(self, browser: Browser, kind: str, method: str, path: str, form=None):
        """One request, recorded; returns the Response or None if it failed."""
        started = self.now()
        try:
            response = browser.request(method, path, form)
        except (OSError, http.client.HTTPException) as error:
            self.add(
                Event(
                    started,
                    self.now() - started,
                    kind,
                    None,
                    type(error).__name__,
                    browser.port,
                )
            )
            return None
        self.add(
            Event(started, response.elapsed, kind, response.status, "", browser.port)
        )
        return response

    def add(self, event: Event) -> None:
        with self.lock:
            self.events.append(event)

    def failures(self, start: float = 0, end: float = float("inf")) -> list[Event]:
        """Connection failures and 5xx that began in [start, end)."""
        return [
            e
            for e in self.events
            if start <= e.started < end and (e.status is None or e.status >= 500)
        ]


@dataclass
class StoredCount:
    stored: int
    statuses: dict[str, int]
    lost: int  # acknowledged, not in the database
    duplicated: int  # markers stored more than once
    wrong_id: int  # acknowledged with another id than the one stored
    # Cut POSTs that had been stored: their resubmission found the comment
    # by its idempotency key instead of storing it again.
    stored_before_resubmission: int


class Load:
    """Signed-in writers posting and anonymous readers reading, in threads,
    until `stop` is set or `max_requests` have been sent.

    Each comment body starts with a unique marker. A post whose connection
    fails or that answers 5xx is resubmitted with the same form (same
    idempotency key), as a browser would, for at most a minute. With
    `reply_every` n, a writer's every n-th post answers a recent comment of
    another writer, which notifies that writer.
    """

    def __init__(
        self,
        recorder: Recorder,
        make_browser: Callable[[], Browser],
        max_requests: int,
        reply_every: int = 0,
    ):
        self.recorder = recorder
        self.make_browser = make_browser
        self.max_requests = max_requests
        self.stop = threading.Event()
        self.prefix = f"lf{uuid.uuid4().hex[:8]}-"
        self.acknowledged: dict[str, int] = {}  # marker -> comment id
        self.retried_then_acknowledged = 0
        self.refused: Counter[int] = Counter()
        self.abandoned: list[str] = []
        self.attempted = 0
        self.posts_cut = 0  # connection lost before an answer, then resubmitted
        self.posting: set[Browser] = set()  # writers with a POST in flight
        self.resubmitted: dict[str, float] = {}  # marker -> time of resubmission
        self.reply_every = reply_every
        self.replies: dict[str, int] = {}  # acknowledged reply's marker -> answered id
        self.by_writer: dict[int, list[int]] = {}  # writer -> acknowledged ids
        self.lock = threading.Lock()

    def over_budget(self) -> bool:
        return len(self.recorder.events) >= self.max_requests

    def writer(self, number: int, browser: Browser) -> None:
        sequence = 0
        while not self.stop.is_set() and not self.over_budget():
            page = self.recorder.call(browser, "read", "GET", article_path())
            token = page and page.form_field("csrfmiddlewaretoken")
            if not token:
                time.sleep(0.2)
                continue
            key = page.form_field("idempotency_key") or str(uuid.uuid4())
            marker = f"{self.prefix}{number}-{sequence}"
            sequence += 1
            answered = None
            if self.reply_every and sequence % self.reply_every == 0:
                answered = self.someone_elses_comment(number)
            with self.lock:
                self.attempted += 1
            self.post_until_answered(browser, marker, token, key, number, answered)

    def someone_elses_comment(self, number: int) -> int | None:
        """A recent acknowledged comment by another writer, if any."""
        with self.lock:
            recent = [
                ids[-1] for writer, ids in self.by_writer.items() if writer != number
            ]
        return random.choice(recent) if recent else None

    def post_until_answered(
        self,
        browser: Browser,
        marker: str,
        token: str,
        key: str,
        number: int,
        answered: int | None = None,
    ) -> None:
        """Post once; on a cut connection or a 5xx, resubmit the same form
        (same idempotency key) until it is answered, for at most a minute."""
        form = {
            "csrfmiddlewaretoken": token,
            "body": f"{marker} says: load and fault, comment under test.",
            "idempotency_key": key,
        }
        if answered is not None:
            form["reply_to"] = str(answered)
        give_up = time.monotonic() + 60
        for attempt in range(1, 1000):
            self.posting.add(browser)
            try:
                response = self.recorder.call(
                    browser, "post", "POST", comments_path(), form
                )
            finally:
                self.posting.discard(browser)
            if response is None or response.status >= 500:
                with self.lock:
                    self.posts_cut += response is None
                    # When the resubmission starts: was the first one stored?
                    self.resubmitted.setdefault(marker, time.time())
            if response is not None and response.status in ACKNOWLEDGED:
                with self.lock:
                    self.acknowledged[marker] = response.comment_id()
                    if response.comment_id() is not None:
                        self.by_writer.setdefault(number, []).append(
                            response.comment_id()
                        )
                    self.retried_then_acknowledged += attempt > 1
                    if answered is not None:
                        self.replies[marker] = answered
                return
            if response is not None and response.status < 500:
                with self.lock:
                    self.refused[response.status] += 1
                return
            if time.monotonic() > give_up:
                break
            time.sleep(min(0.25 * attempt, 2))
        with self.lock:
            self.abandoned.append(marker)

    def count_stored(self, env: dict[str, str]) -> StoredCount:
        """Compare what was acknowledged with what the database holds."""
        stored = stored_comments(env, self.prefix)
        copies = Counter(row["marker"] for row in stored)
        ids = {row["marker"]: row["id"] for row in stored}
        created = {row["marker"]: row["created"] for row in stored}
        return StoredCount(
            stored=len(stored),
            statuses=dict(Counter(row["status"] for row in stored)),
            lost=sum(copies[m] == 0 for m in self.acknowledged),
            duplicated=sum(n > 1 for n in copies.values()),
            wrong_id=sum(
                copies[m] == 1 and ids[m] != comment_id
                for m, comment_id in self.acknowledged.items()
            ),
            stored_before_resubmission=sum(
                m in created and created[m] < moment
                for m, moment in self.resubmitted.items()
            ),
        )

    def reader(self) -> None:
        paths = [article_path(), "/"]
        turn = 0
        while not self.stop.is_set() and not self.over_budget():
            browser = self.make_browser()
            if self.recorder.call(browser, "read", "GET", paths[turn % 2]):
                turn += 1
            else:
                time.sleep(0.2)


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def latency_ms(events: list[Event]) -> tuple[float, float]:
    answered = [e.elapsed for e in events if e.status is not None]
    return percentile(answered, 0.50) * 1000, percentile(answered, 0.99) * 1000


def print_figures(title: str, figures: list[tuple[str, object]]) -> None:
    print(f"\n{title}")
    width = max(len(name) for name, _ in figures)
    for name, value in figures:
        print(f"  {name:<{width}}  {value}")

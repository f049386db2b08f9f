"""What every tool that runs Briefing shares: the environment of a Django
process of its own, a fresh database, the project's management commands and
gunicorn started with the repository's gunicorn.conf.py.

Used by the browser tests (tests/browser/server.py), the benchmark, the load,
scale and Observatory tools; the notification mails' SMTP server (MailTrap)
by the tests and the load and scale tools alike. Everything here talks to 127.0.0.1 only, and
nothing touches the repository's own database: callers name their own.
"""

from __future__ import annotations

import asyncio
import email
import http.client
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter
from email import policy
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
LOOPBACK = "127.0.0.1"
DEMO_SLUG = "russia-enters-the-oil-and-gas-sector-of-the-dprk"

# The project's knobs (briefing/settings.py, gunicorn.conf.py): a caller's
# shell may hold them for its own site, never for the tool's.
_PROJECT_PREFIXES = ("DJANGO_", "BRIEFING_", "GUNICORN_")
_PROJECT_VARIABLES = ("DATABASE_URL", "CACHE_URL", "WEB_CONCURRENCY", "PORT", "BIND")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]


def wait_for_port_free(port: int, timeout: float = 10) -> None:
    """Refuse to start on a port someone else is using."""
    deadline = time.monotonic() + timeout
    while True:
        with socket.socket() as probe:
            if probe.connect_ex((LOOPBACK, port)) != 0:
                return
        if time.monotonic() > deadline:
            raise SystemExit(f"port {port} is in use; choose another")
        time.sleep(0.5)


def site_environment(
    database_url: str | None, cache_url: str, **extra: str
) -> dict[str, str]:
    """The environment of every Django process of one run: the caller's, less
    the project's own variables, with the run's database and cache (None:
    the settings' default database, SQLite in var/)."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(_PROJECT_PREFIXES) and name not in _PROJECT_VARIABLES
    }
    # `extra` may be a whole profile (.env.example's): the run's database and
    # cache win over the ones it names.
    environment.update(PYTHONUNBUFFERED="1", **extra)
    if database_url is not None:
        environment["DATABASE_URL"] = database_url
    environment["CACHE_URL"] = cache_url
    return environment


def env_file(path: Path) -> dict[str, str]:
    """The variables an .env file such as `.env.example` sets."""
    environment = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            environment[name.strip()] = value.strip()
    return environment


def production_environment() -> dict[str, str]:
    """The variables `.env.example` sets, with a real secret key in place of
    its placeholder (which `check --deploy` rightly refuses)."""
    return {
        **env_file(REPO / ".env.example"),
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    }


def manage(environment: dict[str, str], *args: str) -> str:
    """Run a management command; its output, or RuntimeError with it."""
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}"
        )
    return result.stdout


def prepare_site(environment: dict[str, str]) -> None:
    """Schema, the demo article and the static files' manifest."""
    manage(environment, "migrate", "--noinput", "-v0")
    manage(environment, "load_demo")
    manage(environment, "collectstatic", "--noinput", "-v0")


def fresh_database(database_url: str) -> None:
    """Empty a run's database: delete the SQLite file or recreate the
    PostgreSQL database, refusing the repository's own."""
    parsed = urllib.parse.urlsplit(database_url)
    if parsed.scheme.startswith("sqlite"):
        path = Path(parsed.path)
        if path.resolve().is_relative_to(REPO):
            raise SystemExit(f"refusing to empty the repository's database {path}")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    name = parsed.path.lstrip("/")
    if not re.fullmatch(r"[a-z0-9_]+", name) or name in ("postgres", "briefing"):
        raise SystemExit(f"refusing to recreate database {name!r}")
    server = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {name}")


def get(port: int, path: str, headers: dict[str, str] | None = None, timeout=10):
    """One plain-http GET on the loopback, body read; the response."""
    connection = http.client.HTTPConnection(LOOPBACK, port, timeout=timeout)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        response.body = response.read().decode("utf-8", "replace")
        return response
    finally:
        connection.close()


class Gunicorn:
    """A gunicorn master serving Briefing on 127.0.0.1:`port`, started with
    the repository's gunicorn.conf.py; its output goes to `log`.

    Configured through the same variables as in production (gunicorn.conf.py):
    `environment` may set GUNICORN_ACCESS_LOG, GUNICORN_MAX_REQUESTS and the
    like; by default the access log is off.
    """

    def __init__(self, environment: dict[str, str], port: int, workers: int, log: Path):
        self.port = port
        self.log = log
        self.url = f"http://{LOOPBACK}:{port}"
        with log.open("ab") as output:
            self.process = subprocess.Popen(
                [GUNICORN, "--config", "gunicorn.conf.py", "briefing.wsgi"],
                cwd=REPO,
                env={
                    "GUNICORN_ACCESS_LOG": "off",
                    **environment,
                    "BIND": f"{LOOPBACK}:{port}",
                    "WEB_CONCURRENCY": str(workers),
                    # Settings modules of the tools (tools.bench.settings).
                    "PYTHONPATH": str(REPO),
                },
                stdout=output,
                stderr=subprocess.STDOUT,
                # A Ctrl-C in the terminal reaches the tool, which stops
                # gunicorn gracefully, rather than every process at once.
                start_new_session=True,
            )

    @property
    def pid(self) -> int:
        return self.process.pid

    def workers(self) -> list[int]:
        """The web workers: the master's main thread forks them (the task
        worker, BRIEFING_RUN_WORKER=on, is a child of another thread)."""
        try:
            children = Path(f"/proc/{self.pid}/task/{self.pid}/children").read_text()
        except FileNotFoundError:
            return []
        return [int(pid) for pid in children.split()]

    def wait_ready(
        self,
        path: str = "/healthz",
        *,
        workers: int = 0,
        headers: dict[str, str] | None = None,
        timeout: float = 60,
    ) -> None:
        """Until `workers` workers are up and `path` answers 200."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"gunicorn on {self.port} exited:\n{self.log.read_text()[-4000:]}"
                )
            if len(self.workers()) >= workers:
                try:
                    if get(self.port, path, headers, timeout=5).status == 200:
                        return
                except (OSError, http.client.HTTPException):
                    pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(
            f"gunicorn on {self.port} not ready:\n{self.log.read_text()[-4000:]}"
        )

    def task_worker(self, *, other_than: int | None = None) -> int | None:
        """The pid of the `manage.py db_worker` the master runs beside its
        workers (BRIEFING_RUN_WORKER=on), when there is one."""
        for children in Path(f"/proc/{self.pid}/task").glob("*/children"):
            try:
                pids = [int(pid) for pid in children.read_text().split()]
            except OSError:
                continue
            for pid in pids:
                try:
                    command = Path(f"/proc/{pid}/cmdline").read_bytes()
                except OSError:
                    continue
                if b"db_worker" in command.split(b"\0") and pid != other_than:
                    return pid
        return None

    def wait_for_task_worker(
        self, *, other_than: int | None = None, timeout: float = 90
    ) -> int:
        """The task worker's pid once it runs. Two Django processes start in
        turn (the orphans' requeue, then the worker): tens of seconds on a
        busy machine."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pid = self.task_worker(other_than=other_than)
            if pid is not None:
                return pid
            time.sleep(0.1)
        raise RuntimeError(
            f"no task worker beside gunicorn on {self.port}:\n"
            f"{self.log.read_text()[-4000:]}"
        )

    def signal(self, signum: int) -> None:
        os.kill(self.pid, signum)

    def stop(self, timeout: float = 40) -> None:
        """SIGTERM, gunicorn's graceful stop; SIGKILL if it takes too long."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def logged_500s(self) -> int:
        """500s the application logged (each with its traceback)."""
        return self.log.read_text(errors="replace").count("Internal Server Error:")


class MailTrap:
    """A real SMTP server (aiosmtpd) on a free loopback port that keeps what
    it accepts: where the site's mail goes in the tests and the load and
    scale tools (DJANGO_EMAIL_URL=trap.url). `stall` holds the next exchange
    at DATA (a client that dies meanwhile delivers nothing); `stop()` and
    `start()` take it down and bring it back on the same port."""

    def __init__(self):
        self.port = free_port()
        self.url = f"smtp://{LOOPBACK}:{self.port}"
        self.messages = []
        self.stall = threading.Event()
        self.stalled = threading.Event()
        self.controller = None

    def start(self):
        # aiosmtpd is a development requirement: imported when a trap runs.
        from aiosmtpd.controller import Controller

        self.controller = Controller(self, hostname=LOOPBACK, port=self.port)
        self.controller.start()

    def stop(self):
        self.controller.stop()

    async def handle_DATA(self, server, session, envelope):
        if self.stall.is_set():
            self.stalled.set()
            while self.stall.is_set():
                await asyncio.sleep(0.05)
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=policy.default)
        )
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list:
        return [message for message in self.messages if message["To"] == address]

    def notification_links(self, site_url: str) -> Counter[str]:
        """How many notification mails (those with a one-click unsubscribe)
        carried each link into the site: a notification's link is its
        comment's, so a count above one is a mail sent twice."""
        found = re.compile(re.escape(site_url) + r"/\S+")
        links = Counter()
        for message in list(self.messages):
            if message["List-Unsubscribe"] is None:
                continue
            text = message.get_body(("plain",)).get_content()
            # Once per mail, however often the text repeats a link.
            links.update(set(found.findall(text)))
        return links

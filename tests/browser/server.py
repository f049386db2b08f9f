"""Briefing served by a real gunicorn, on a free loopback port, with its own
SQLite database, cache and static files in a temporary folder."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))


# Reads one JSON request a line ({"code", "data"}), runs the code, writes one
# JSON answer a line ({"result"} or {"error"}).
AGENT = """
import json, sys, traceback
for line in sys.stdin:
    request = json.loads(line)
    scope = {"data": request["data"], "result": None}
    try:
        exec(request["code"], scope)
        answer = {"result": scope["result"]}
    except Exception:
        answer = {"error": traceback.format_exc()}
    sys.stdout.write(json.dumps(answer) + "\\n")
    sys.stdout.flush()
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """A gunicorn serving Briefing, and a way to run code against its database."""

    def __init__(self, folder: Path, **env: str):
        self.folder = folder
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log = folder / "gunicorn.log"
        self.process: subprocess.Popen | None = None
        self.agent: subprocess.Popen | None = None
        self.env = {
            # The caller's DATABASE_URL / CACHE_URL (PostgreSQL and Redis in
            # CI) are not this server's: it keeps everything in its folder.
            **{
                name: value
                for name, value in os.environ.items()
                if not name.startswith(("DJANGO_", "DATABASE_", "CACHE_", "BRIEFING_"))
            },
            "DJANGO_SETTINGS_MODULE": "tests.browser.server_settings",
            "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
            "CACHE_URL": f"filecache://{folder / 'cache'}",
            "BRIEFING_TEST_STATIC_ROOT": str(folder / "static"),
            "BIND": f"127.0.0.1:{self.port}",
            "WEB_CONCURRENCY": "2",
            "PYTHONDONTWRITEBYTECODE": "1",
            **env,
        }

    def manage(self, *args: str) -> str:
        """Run a management command against the server's database."""
        result = subprocess.run(
            [PYTHON, "manage.py", *args],
            cwd=REPO,
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr}")
        return result.stdout

    def python(self, code: str, **data):
        """Run `code` with Django set up against the server's database.

        `data` reaches the code as the dict `data`; what the code assigns to
        `result` comes back (both as JSON). One Django process runs all the
        code a test session sends, so each call costs no start-up.
        """
        if self.agent is None or self.agent.poll() is not None:
            self.agent = subprocess.Popen(
                [PYTHON, "manage.py", "shell", "--no-imports", "-c", AGENT],
                cwd=REPO,
                env=self.env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
                encoding="utf-8",
            )
        self.agent.stdin.write(json.dumps({"code": code, "data": data}) + "\n")
        self.agent.stdin.flush()
        answer = json.loads(self.agent.stdout.readline() or '{"error": "agent died"}')
        if "error" in answer:
            raise RuntimeError(
                f"code run against the server's database failed:\n{answer['error']}"
            )
        return answer["result"]

    def start(self) -> None:
        self.manage("migrate", "--noinput", "-v0")
        self.manage("load_demo")
        self.manage("collectstatic", "--noinput", "-v0")
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [GUNICORN, "--config", "gunicorn.conf.py", "briefing.wsgi"],
                cwd=REPO,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{self.log.read_text()}")
            try:
                with urllib.request.urlopen(f"{self.base_url}/healthz", timeout=2):
                    return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer:\n{self.log.read_text()}")

    def stop(self) -> None:
        if self.agent and self.agent.poll() is None:
            self.agent.stdin.close()
            self.agent.wait(timeout=30)
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def errors_logged(self) -> list[str]:
        """Log lines that mean a 500 happened (a traceback or a 5xx status)."""
        return [
            line
            for line in self.log.read_text(errors="replace").splitlines()
            if "Traceback" in line or '" 50' in line
        ]

"""Briefing served by a real gunicorn, on a free loopback port, with its own
SQLite database, cache and static files in a temporary folder (tools/harness.py
starts it as it starts every tool's)."""

import json
import subprocess
from pathlib import Path

from tools.harness import (
    PYTHON,
    REPO,
    Gunicorn,
    free_port,
    manage,
    prepare_site,
    site_environment,
)

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


class Server:
    """A gunicorn serving Briefing, and a way to run code against its database."""

    def __init__(self, folder: Path, **env: str):
        self.folder = folder
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log = folder / "gunicorn.log"
        self.gunicorn: Gunicorn | None = None
        self.agent: subprocess.Popen | None = None
        # The caller's DATABASE_URL / CACHE_URL (PostgreSQL and Redis in CI)
        # are not this server's: it keeps everything in its folder.
        self.env = site_environment(
            f"sqlite:///{folder / 'db.sqlite3'}",
            f"filecache://{folder / 'cache'}",
            DJANGO_SETTINGS_MODULE="tests.browser.server_settings",
            BRIEFING_TEST_STATIC_ROOT=str(folder / "static"),
            # The access log shows which requests answered 5xx.
            GUNICORN_ACCESS_LOG="-",
            PYTHONDONTWRITEBYTECODE="1",
            **env,
        )

    def manage(self, *args: str) -> str:
        """Run a management command against the server's database."""
        return manage(self.env, *args)

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
        prepare_site(self.env)
        self.gunicorn = Gunicorn(self.env, self.port, 2, self.log)
        self.gunicorn.wait_ready(timeout=60)

    def stop(self) -> None:
        if self.agent and self.agent.poll() is None:
            self.agent.stdin.close()
            self.agent.wait(timeout=30)
        if self.gunicorn:
            self.gunicorn.stop()

    def errors_logged(self) -> list[str]:
        """Log lines that mean a 500 happened (a traceback or a 5xx status)."""
        return [
            line
            for line in self.log.read_text(errors="replace").splitlines()
            if "Traceback" in line or '" 50' in line
        ]

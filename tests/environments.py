"""The production profile of `.env.example`, and manage.py run as an operator
would, for tests that need them."""

import os
import runpy
import subprocess
import sys

from tools.harness import REPO as BASE_DIR
from tools.harness import production_environment

__all__ = ["BASE_DIR", "HOST", "apply_settings", "production_environment"]

HOST = "briefing.example"
# Settings the test run keeps: its own database, cache, fast hasher, plain
# static storage and log handlers.
KEPT = {"DATABASES", "CACHES", "PASSWORD_HASHERS", "STORAGES", "LOGGING"}


def apply_settings(settings, monkeypatch, environment: dict[str, str]) -> None:
    """Evaluate briefing/settings.py under `environment` and apply the result
    through pytest-django's `settings` fixture (undone after the test)."""
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    module = runpy.run_path(str(BASE_DIR / "briefing" / "settings.py"))
    for name, value in module.items():
        if name.isupper() and name not in KEPT:
            setattr(settings, name, value)
    # As Django's test runner does, for clients that name no host.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]


def make_manage(database):
    """Run manage.py as an operator would, on the SQLite file `database`.

    `manage(...)` waits for the command; `manage.start(...)` runs it beside
    others (a Popen, its output as text); `manage.environment` may be changed.
    """
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "DATABASE_URL", "CACHE_URL"))
    }
    environment["DATABASE_URL"] = f"sqlite:///{database}"
    environment["CACHE_URL"] = "locmemcache://"

    def manage(*arguments: str, stdin: str = "") -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "manage.py", *arguments],
            cwd=BASE_DIR,
            env=environment,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=120,
        )

    def start(*arguments: str) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "manage.py", *arguments],
            cwd=BASE_DIR,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    manage.database = database
    manage.environment = environment
    manage.start = start
    return manage

"""The production profile of `.env.example`, for tests that need it."""

import runpy
import secrets
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
HOST = "briefing.example"
# Settings the test run keeps: its own database, cache, fast hasher, plain
# static storage and log handlers.
KEPT = {"DATABASES", "CACHES", "PASSWORD_HASHERS", "STORAGES", "LOGGING"}


def production_environment() -> dict[str, str]:
    """The variables `.env.example` sets, with a real secret key in place of
    its placeholder (which `check --deploy` rightly refuses)."""
    environment = {}
    for line in (BASE_DIR / ".env.example").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            environment[name.strip()] = value.strip()
    environment["DJANGO_SECRET_KEY"] = secrets.token_urlsafe(50)
    return environment


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

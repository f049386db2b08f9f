"""The production profile of `.env.example`, for tests that need it."""

import runpy

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

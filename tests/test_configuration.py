"""A fresh clone runs on the defaults, and gunicorn reads `.env` as Django does."""

import runpy
import shutil
import subprocess

import pytest

from tools.harness import PYTHON, REPO, site_environment


def test_fresh_clone_with_a_redis_cache_opens_its_sqlite_database(tmp_path):
    # What a clone holds (var/ is git-ignored, so a clone has none), and a
    # cache that does not live in var/ either, as Redis does not.
    clone = tmp_path / "clone"
    for folder in ("briefing", "comments", "notifications", "templates"):
        shutil.copytree(
            REPO / folder, clone / folder, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(REPO / "manage.py", clone)
    environment = site_environment(None, "locmemcache://")

    result = subprocess.run(
        [
            PYTHON,
            "manage.py",
            "shell",
            "--no-imports",
            "-c",
            "from django.db import connection; connection.ensure_connection()",
        ],
        cwd=clone,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    assert (clone / "var" / "db.sqlite3").exists()


@pytest.fixture
def gunicorn_conf(tmp_path, monkeypatch):
    """gunicorn.conf.py evaluated beside a .env of the given text, with no
    gunicorn variable of the test run's own."""
    shutil.copy(REPO / "gunicorn.conf.py", tmp_path)
    for name in ("PORT", "BIND", "WEB_CONCURRENCY", "GUNICORN_ACCESS_LOG"):
        monkeypatch.delenv(name, raising=False)

    def load(dotenv: str) -> dict:
        (tmp_path / ".env").write_text(dotenv)
        return runpy.run_path(str(tmp_path / "gunicorn.conf.py"))

    return load


def test_gunicorn_conf_reads_dotenv_under_the_process_environment(
    gunicorn_conf, monkeypatch
):
    monkeypatch.setenv("PORT", "8021")

    conf = gunicorn_conf(
        "BIND=unix:/run/briefing/1.sock\nWEB_CONCURRENCY=3\nGUNICORN_ACCESS_LOG='off'\n"
    )

    # The process's PORT beats .env's BIND; the rest comes from .env.
    assert conf["bind"] == ["127.0.0.1:8021"]
    assert conf["workers"] == 3
    assert conf["accesslog"] is None


def test_gunicorn_conf_reads_an_edited_dotenv_again(gunicorn_conf):
    gunicorn_conf("BIND=127.0.0.1:8999\nWEB_CONCURRENCY=3\n")

    conf = gunicorn_conf("BIND=127.0.0.1:9000\nWEB_CONCURRENCY=5\n")

    # As after a SIGHUP: the first .env's values were not left in os.environ
    # to pass for the process's own.
    assert conf["bind"] == ["127.0.0.1:9000"]
    assert conf["workers"] == 5

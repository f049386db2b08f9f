"""backup_db and restore_db, run as an operator would, on a real SQLite file."""

import os
import shutil
import sqlite3
import subprocess
import sys

import pytest

from tests.environments import BASE_DIR, make_manage

COUNT_COMMENTS = "from comments.models import Comment; print(Comment.objects.count())"


@pytest.fixture(scope="module")
def demo_database(tmp_path_factory):
    """Migrated once, with the demo content (a self-contained file)."""
    database = tmp_path_factory.mktemp("template") / "db.sqlite3"
    manage = make_manage(database)
    assert manage("migrate", "--noinput").returncode == 0
    assert manage("load_demo").returncode == 0
    with sqlite3.connect(database) as connection:
        connection.execute("PRAGMA journal_mode=DELETE")
    return database


@pytest.fixture
def site(tmp_path, demo_database):
    """A site of its own, on a copy of the demo database."""
    database = tmp_path / "db.sqlite3"
    shutil.copyfile(demo_database, database)
    # As the live site keeps it (settings: init_command).
    with sqlite3.connect(database) as connection:
        connection.execute("PRAGMA journal_mode=WAL")
    return make_manage(database)


def comments_in(site) -> int:
    result = site("shell", "--verbosity", "0", "-c", COUNT_COMMENTS)
    assert result.returncode == 0, result.stderr
    return int(result.stdout)


def test_backup_then_restore_brings_back_the_data(site, tmp_path):
    backup = tmp_path / "backup.sqlite3"
    made = site("backup_db", str(backup))
    site(
        "shell",
        "-c",
        "from comments.models import Comment; Comment.objects.all().delete()",
    )
    assert comments_in(site) == 0

    restored = site("restore_db", "--noinput", str(backup))

    assert made.returncode == 0, made.stderr
    assert "integrity ok" in made.stdout
    assert restored.returncode == 0, restored.stderr
    assert comments_in(site) == 8


def test_backup_is_a_single_self_contained_file(site, tmp_path):
    backup = tmp_path / "backup.sqlite3"

    site("backup_db", str(backup))

    with sqlite3.connect(backup) as copy:
        assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert copy.execute("SELECT count(*) FROM comments_comment").fetchone()[0] == 8
    assert sorted(path.name for path in tmp_path.glob("backup*")) == ["backup.sqlite3"]


def test_backup_runs_beside_an_open_write_transaction(site, tmp_path):
    """Online: a writer in the middle of a transaction neither blocks the
    backup nor leaks its uncommitted rows into it."""
    backup = tmp_path / "backup.sqlite3"
    writer = sqlite3.connect(site.database, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("DELETE FROM comments_comment")

    made = site("backup_db", str(backup))
    writer.execute("COMMIT")
    writer.close()

    assert made.returncode == 0, made.stderr
    with sqlite3.connect(backup) as copy:
        assert copy.execute("SELECT count(*) FROM comments_comment").fetchone()[0] == 8
    assert comments_in(site) == 0


def test_restore_asks_before_replacing_everything(site, tmp_path):
    backup = tmp_path / "backup.sqlite3"
    site("backup_db", str(backup))
    site(
        "shell",
        "-c",
        "from comments.models import Comment; Comment.objects.all().delete()",
    )

    refused = site("restore_db", str(backup), stdin="no\n")

    assert refused.returncode != 0
    assert "Restore cancelled" in refused.stderr
    assert comments_in(site) == 0


def test_restore_refuses_a_file_that_is_not_a_database(site, tmp_path):
    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(b"not a database at all" * 100)

    result = site("restore_db", "--noinput", str(garbage))

    assert result.returncode != 0
    assert "is not a Briefing database" in result.stderr
    assert comments_in(site) == 8


def test_backup_refuses_postgresql_and_names_pg_dump(tmp_path):
    environment = {**os.environ, "DATABASE_URL": "postgres://nobody@127.0.0.1:9/none"}

    result = subprocess.run(
        [sys.executable, "manage.py", "backup_db", str(tmp_path / "x")],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode != 0
    assert "not SQLite" in result.stderr
    assert "pg_dump" in result.stderr

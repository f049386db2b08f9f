import sqlite3
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

POSTGRESQL_HINT = (
    "For PostgreSQL use pg_dump and pg_restore, as docs/security.md shows "
    "(pg_dump --format=custom takes a consistent snapshot while the site runs)."
)


def sqlite_connection(alias: str) -> sqlite3.Connection:
    """The database's own sqlite3 connection, or a clear refusal."""
    connection = connections[alias]
    if connection.vendor != "sqlite":
        raise CommandError(
            f"The {alias!r} database is {connection.display_name}, not SQLite. "
            + POSTGRESQL_HINT
        )
    if connection.is_in_memory_db():
        raise CommandError("An in-memory database has nothing to back up.")
    connection.ensure_connection()
    return connection.connection


def check_integrity(database: sqlite3.Connection, path: Path) -> None:
    result = database.execute("PRAGMA integrity_check").fetchone()[0]
    if result != "ok":
        raise CommandError(f"{path} fails SQLite's integrity check: {result}")


class Command(BaseCommand):
    # The system checks query the database (whether SQLite's JSON functions
    # answer, for allauth's JSONFields); beside an open write transaction that
    # query meets a locked file and the check fails. A backup reads the file
    # and needs none of them.
    requires_system_checks = []
    help = (
        "Copy the SQLite database to PATH while the site runs: a consistent "
        "snapshot through SQLite's online backup API, checked, then moved into "
        "place (an existing PATH is replaced only by a complete backup). "
        "Restore with restore_db."
    )
    # The system checks query the database (whether SQLite has JSON), which a
    # writer's open transaction may hold locked: a backup must not wait on it.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="where to write the backup")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, path: Path, database: str, **options):
        source = sqlite_connection(database)
        path = path.resolve()
        if not path.parent.is_dir():
            raise CommandError(f"{path.parent} is not a folder.")
        partial = path.with_name(f".{path.name}.partial")
        partial.unlink(missing_ok=True)
        started = time.monotonic()
        target = sqlite3.connect(partial)
        try:
            # In one step (pages=-1): the copy reads one snapshot, and in WAL
            # mode writers go on meanwhile. A stepwise copy would restart each
            # time another connection wrote, and might never finish.
            source.backup(target, pages=-1)
            # The copy is one self-contained file, not a WAL database.
            target.execute("PRAGMA journal_mode=DELETE")
            check_integrity(target, partial)
            tables = target.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
            ).fetchone()[0]
        except BaseException:
            target.close()
            partial.unlink(missing_ok=True)
            raise
        target.close()
        partial.replace(path)
        self.stdout.write(
            f"Backed up {connections[database].settings_dict['NAME']} to {path}: "
            f"{tables} tables, {path.stat().st_size:,} bytes, integrity ok, "
            f"{time.monotonic() - started:.2f} s."
        )

import sqlite3
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from .backup_db import check_integrity, sqlite_connection


class Command(BaseCommand):
    help = (
        "Replace the SQLite database's content with a backup made by backup_db. "
        "Every row written since the backup is lost. Stop gunicorn first (or "
        "accept that requests wait, then read the restored data); run migrate "
        "afterwards if the backup is older than the code."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="the backup to restore")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="do not ask for confirmation",
        )

    def handle(self, *args, path: Path, database: str, interactive: bool, **options):
        target = sqlite_connection(database)
        if not path.is_file():
            raise CommandError(f"{path} is not a file.")
        backup = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            try:
                check_integrity(backup, path)
                migrations = backup.execute(
                    "SELECT count(*) FROM django_migrations"
                ).fetchone()[0]
            except sqlite3.DatabaseError as error:
                raise CommandError(
                    f"{path} is not a Briefing database: {error}"
                ) from error
            name = connections[database].settings_dict["NAME"]
            if interactive:
                answer = input(
                    f"This replaces everything in {name} with {path}.\n"
                    "Type 'yes' to continue: "
                )
                if answer != "yes":
                    raise CommandError("Restore cancelled.")
            # The backup API writes under the database's own locks: other
            # connections wait, then read the restored pages; WAL mode stays.
            backup.backup(target, pages=-1)
        finally:
            backup.close()
        check_integrity(target, Path(name))
        self.stdout.write(
            f"Restored {name} from {path} ({migrations} migrations recorded). "
            "Run `manage.py migrate` if the backup is older than the code."
        )

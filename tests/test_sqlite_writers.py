"""SQLite's writers queue for the write lock (briefing/sqlite/base.py): a
transaction holds its place from BEGIN to COMMIT or ROLLBACK, a statement
outside one for as long as it runs, and nobody waits longer than the busy
timeout for the queue."""

import copy
import time

import pytest
from django.db import connection, connections, transaction
from django.db.utils import load_backend

from briefing.sqlite.base import WriterQueue

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the queue is SQLite's"
)


def test_a_writer_waits_for_the_queue_no_longer_than_the_busy_timeout(tmp_path):
    lock = str(tmp_path / "db.sqlite3-writer.lock")
    first, second = WriterQueue(lock, timeout=5), WriterQueue(lock, timeout=0.05)
    first.acquire()

    started = time.monotonic()
    second.acquire()
    waited = time.monotonic() - started
    kept_out = second.held
    first.release()
    second.acquire()

    assert 0.05 <= waited < 1
    assert not kept_out
    assert second.held
    first.close()
    second.close()


@pytest.fixture
def file_database(tmp_path, django_db_blocker):
    """A second connection, to a database file of its own (the tests' is in
    memory, where nothing queues)."""
    settings_dict = copy.deepcopy(connections["default"].settings_dict)
    settings_dict["NAME"] = str(tmp_path / "db.sqlite3")
    settings_dict["TEST"] = {}
    database = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(
        settings_dict, alias="file"
    )
    connections["file"] = database
    with django_db_blocker.unblock():
        with database.cursor() as cursor:
            cursor.execute("CREATE TABLE note (text TEXT)")
        yield database
        database.close()
    del connections["file"]


def test_a_transaction_holds_its_place_in_the_queue_until_it_commits(
    file_database, tmp_path
):
    other = WriterQueue(str(tmp_path / "db.sqlite3-writer.lock"), timeout=0)

    with transaction.atomic(using="file"):
        with file_database.cursor() as cursor:
            cursor.execute("INSERT INTO note VALUES ('inside')")
        other.acquire()
        held_inside = other.held
    other.acquire()
    held_after = other.held
    other.close()

    assert not held_inside
    assert held_after


def test_a_rolled_back_transaction_leaves_the_queue(file_database, tmp_path):
    other = WriterQueue(str(tmp_path / "db.sqlite3-writer.lock"), timeout=0)

    def insert_then_fail():
        with transaction.atomic(using="file"), file_database.cursor() as cursor:
            cursor.execute("INSERT INTO note VALUES ('undone')")
            raise RuntimeError("undo it")

    with pytest.raises(RuntimeError):
        insert_then_fail()
    other.acquire()

    assert other.held
    other.close()


def test_a_statement_outside_a_transaction_queues_only_while_it_runs(
    file_database, tmp_path
):
    other = WriterQueue(str(tmp_path / "db.sqlite3-writer.lock"), timeout=0)

    with file_database.cursor() as cursor:
        cursor.execute("INSERT INTO note VALUES ('alone')")
        other.acquire()
        free_after_write = other.held
        started = time.monotonic()
        cursor.execute("SELECT count(*) FROM note")
        read_while_queue_taken = cursor.fetchone()[0]
        read_in = time.monotonic() - started
    other.close()

    assert free_after_write
    # A read never queues: it does not wait for the writer.
    assert read_while_queue_taken == 1
    assert read_in < 1

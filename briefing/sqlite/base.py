"""Django's SQLite backend, with the writers of one database file queued.

SQLite lets one writer at a time hold the database; the others wait in
SQLite's busy handler, which sleeps and tries again, ever longer (1, 2, 5,
10 ... 100 ms). Under a stream of posts from several gunicorn workers a
waiter keeps sleeping past the moments the lock is free, and is overtaken
by writers who came later: the lock stood idle between writers while posts
waited up to a second, and more workers wrote fewer posts a second.

Here every writer first takes an exclusive `flock` on a file beside the
database (`<database>-writer.lock`), and only then SQLite's own lock: at
BEGIN IMMEDIATE for a transaction, held to its COMMIT or ROLLBACK, and around
each writing statement outside one. The kernel releases it when a process
dies, whatever it was doing. SQLite's lock and its busy timeout stay as they
were: a process that does not queue (the sqlite3 shell, a backup) is waited
for as before, and a writer waits for the queue no longer than the busy
timeout (OPTIONS "timeout") before going on to SQLite's own wait, so a
transaction stuck elsewhere still ends in "database is locked", not in a
request held until gunicorn kills its worker.

In-memory databases (the tests') have one connection and no file: no queue.
"""

import fcntl
import os
import time

from django.db.backends.sqlite3 import base

# How often a waiting writer tries the queue's lock again: the lock is held
# for a millisecond or two per post, so waiters poll finely; a try is one
# system call.
_POLL_SECONDS = (0.0002, 0.0005, 0.001)
# Statements that never write: they need no place in the queue.
_READS = ("SELECT", "PRAGMA", "EXPLAIN")


class WriterQueue:
    """The exclusive lock every writer of one database file takes first."""

    def __init__(self, path: str, timeout: float):
        self.path = path
        self.timeout = timeout
        self.fd = None
        self.held = False

    def acquire(self) -> None:
        if self.fd is None:
            self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        deadline = time.monotonic() + self.timeout
        tries = 0
        while True:
            try:
                fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    # SQLite's own busy timeout takes over from here.
                    return
                time.sleep(_POLL_SECONDS[min(tries, len(_POLL_SECONDS) - 1)])
                tries += 1
            else:
                self.held = True
                return

    def release(self) -> None:
        if self.held:
            self.held = False
            fcntl.flock(self.fd, fcntl.LOCK_UN)

    def close(self) -> None:
        self.release()
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


class QueuedCursor(base.SQLiteCursorWrapper):
    """Outside a transaction, a writing statement takes its place in the
    queue for as long as it runs (SQLite commits it at once)."""

    queue: WriterQueue | None = None

    def _writes_alone(self, query: str) -> bool:
        return (
            self.queue is not None
            and not self.queue.held
            and not self.connection.in_transaction
            and not query.lstrip()[:7].upper().startswith(_READS)
        )

    def execute(self, query, params=None):
        if not self._writes_alone(query):
            return super().execute(query, params)
        self.queue.acquire()
        try:
            return super().execute(query, params)
        finally:
            self.queue.release()

    def executemany(self, query, param_list):
        if not self._writes_alone(query):
            return super().executemany(query, param_list)
        self.queue.acquire()
        try:
            return super().executemany(query, param_list)
        finally:
            self.queue.release()


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params):
        connection = super().get_new_connection(conn_params)
        if self.is_in_memory_db():
            self.writer_queue = None
        else:
            self.writer_queue = WriterQueue(
                f"{self.settings_dict['NAME']}-writer.lock",
                # sqlite3's default busy timeout, as Django leaves it.
                conn_params.get("timeout", 5.0),
            )
        return connection

    def create_cursor(self, name=None):
        cursor = self.connection.cursor(factory=QueuedCursor)
        cursor.queue = self.writer_queue
        return cursor

    def _start_transaction_under_autocommit(self):
        if self.writer_queue is None:
            return super()._start_transaction_under_autocommit()
        self.writer_queue.acquire()
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self.writer_queue.release()
            raise

    def _commit(self):
        try:
            return super()._commit()
        finally:
            self._leave_queue()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._leave_queue()

    def _close(self):
        try:
            return super()._close()
        finally:
            if getattr(self, "writer_queue", None) is not None:
                self.writer_queue.close()

    def _leave_queue(self):
        # Not while SQLite still holds the transaction (a COMMIT that failed
        # leaves it open until the rollback that follows).
        queue = getattr(self, "writer_queue", None)
        if queue is not None and not (
            self.connection is not None and self.connection.in_transaction
        ):
            queue.release()

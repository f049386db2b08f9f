"""Load and faults against gunicorn with several workers, then a count in the
database: is every acknowledged comment stored exactly once?

Loopback only, bounded by time (--duration) and by requests (--max-requests);
it stops by itself and stops the gunicorn it started. Its database is its own
(SQLite /tmp/loadfault.sqlite3, or the PostgreSQL database briefing_loadfault),
never the repository's var/db.sqlite3.

    .venv/bin/python -m tools.load                  # SQLite
    .venv/bin/python -m tools.load --db postgres    # PostgreSQL + Redis

Readers sign up through the real /accounts/signup/, then post through the real
POST /articles/<slug>/comments/ (CSRF token, `body`, the form's hidden
`idempotency_key`) while anonymous visitors read. Each body starts with a
unique marker. A post whose connection fails or that answers 5xx is retried
with the same idempotency key, as a browser resubmitting the form would.
Every --reply-every-th post answers another reader's comment: a notification,
mailed --mail-delay seconds later by the task worker gunicorn runs beside its
workers (BRIEFING_RUN_WORKER=on, as `make run` does) to a local SMTP server
the tool starts (aiosmtpd); the readers' addresses are verified first. After
the load the tool waits for the mails, then counts them where they arrived.

During the load: SIGHUP to the master (a graceful reload, which restarts the
task worker too), SIGKILL of one worker and then of the task worker (while it
is sending a mail, when one comes within seconds), and on PostgreSQL a restart
of the PostgreSQL server. That server is
by default a private cluster the tool makes in a temporary folder and deletes
afterwards (--pg-port); a shared Debian cluster is restarted only when named
(--restart-cluster main), since everything else using it sees the outage too.
Exit status 1 when a check fails.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from pathlib import Path

from tools.harness import (
    LOOPBACK,
    Gunicorn,
    MailTrap,
    fresh_database,
    prepare_site,
    site_environment,
    wait_for_port_free,
)
from tools.load.cluster import PrivateCluster, SharedCluster
from tools.load.traffic import (
    Browser,
    Load,
    Recorder,
    latency_ms,
    print_figures,
    set_moderation,
    verify_addresses,
    wait_for_mails,
    worker_serving,
)

DATABASE = "briefing_loadfault"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument(
        "--database-url",
        help="overrides the --db default; on PostgreSQL, no restart then "
        "unless --restart-cluster names the cluster that serves it",
    )
    parser.add_argument("--cache-url", help="overrides the --db default")
    parser.add_argument("--port", type=int, default=8021)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--writers", type=int, default=8, help="posting readers")
    parser.add_argument("--readers", type=int, default=4, help="anonymous readers")
    parser.add_argument("--duration", type=float, default=45, help="seconds")
    parser.add_argument("--max-requests", type=int, default=20000)
    parser.add_argument(
        "--reply-every",
        type=int,
        default=3,
        help="every n-th post of a reader answers another reader's comment",
    )
    parser.add_argument(
        "--mail-delay",
        type=int,
        default=1,
        help="seconds from a notification to its mail "
        "(BRIEFING_NOTIFICATION_MAIL_DELAY_SECONDS)",
    )
    parser.add_argument(
        "--pg-port",
        type=int,
        default=5439,
        help="port of the private PostgreSQL cluster the run makes and restarts",
    )
    parser.add_argument(
        "--restart-cluster",
        metavar="NAME",
        help="use and restart the shared Debian cluster NAME instead "
        "(pg_ctlcluster <version> NAME restart): everything on it sees the outage",
    )
    parser.add_argument("--no-pg-restart", action="store_true")
    args = parser.parse_args(argv)
    # Without a restart, or on a server the run did not make, no private one.
    args.private_cluster = args.db == "postgres" and not (
        args.restart_cluster or args.database_url or args.no_pg_restart
    )
    if args.db == "sqlite":
        args.database_url = args.database_url or "sqlite:////tmp/loadfault.sqlite3"
        args.cache_url = args.cache_url or "filecache:///tmp/loadfault-cache"
    else:
        if args.private_cluster:
            args.database_url = (
                f"postgres://postgres@127.0.0.1:{args.pg_port}/{DATABASE}"
            )
        args.database_url = (
            args.database_url or f"postgres://postgres@127.0.0.1:5432/{DATABASE}"
        )
        args.cache_url = args.cache_url or "redis://127.0.0.1:6379/14"
    return args


class Faults:
    """The faults, each with the window of time its failures belong to."""

    def __init__(
        self, recorder: Recorder, server: Gunicorn, workers: int, trap: MailTrap
    ):
        self.recorder = recorder
        self.server = server
        self.workers = workers
        self.trap = trap
        self.windows: dict[str, tuple[float, float]] = {}
        self.notes: list[tuple[str, object]] = []

    def reload(self) -> None:
        """SIGHUP: new workers start, old ones finish their requests and go."""
        before = set(self.server.workers())
        task_worker = self.server.task_worker()
        start = self.recorder.now()
        self.server.signal(signal.SIGHUP)
        deadline = time.monotonic() + 40
        while time.monotonic() < deadline:
            current = set(self.server.workers())
            if not current & before and len(current) >= self.workers:
                break
            time.sleep(0.1)
        replaced = not set(self.server.workers()) & before
        self.windows["SIGHUP"] = (start, self.recorder.now())
        self.notes.append(
            ("SIGHUP: workers replaced", f"{replaced} ({len(before)} old ones gone)")
        )
        self.server.wait_for_task_worker(other_than=task_worker)
        self.notes.append(
            ("SIGHUP: task worker restarted (s)", f"{self.recorder.now() - start:.1f}")
        )

    def kill_worker(self, load: Load) -> None:
        """SIGKILL the worker serving a comment POST: the request is cut, the
        reader resubmits the form with the same idempotency key, the master
        forks a replacement. The answer may be on its way already when the
        kill lands; then another worker serving a POST is killed, three at
        most (any worker if no POST is found)."""
        start = self.recorder.now()
        kills, cut_before = 0, load.posts_cut
        while kills < 3 and load.posts_cut == cut_before:
            victim = self.worker_serving_a_post(load) or self.server.workers()[0]
            os.kill(victim, signal.SIGKILL)
            kills += 1
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                current = self.server.workers()
                if victim not in current and len(current) >= self.workers:
                    break
                time.sleep(0.1)
            time.sleep(1)  # the cut POST's writer notices
        self.windows["SIGKILL"] = (start, self.recorder.now())
        self.notes += [
            ("SIGKILL: workers killed", kills),
            ("SIGKILL: a POST was cut", load.posts_cut > cut_before),
            ("SIGKILL: workers replaced", len(self.server.workers()) == self.workers),
        ]
        self.kill_task_worker()

    def kill_task_worker(self, patience: float = 10) -> None:
        """SIGKILL the task worker, in the middle of a mail when one comes
        within `patience` seconds: the SMTP server holds the mail at DATA
        until the worker is dead, so it never accepts that copy. gunicorn's
        hook requeues what the dead worker held and starts another, which
        must send that mail once."""
        victim = self.server.wait_for_task_worker()
        self.trap.stalled.clear()
        self.trap.stall.set()
        try:
            mid_mail = self.trap.stalled.wait(patience)
            start = self.recorder.now()
            os.kill(victim, signal.SIGKILL)
            # The server notices the dead client before it would accept.
            time.sleep(0.5)
        finally:
            self.trap.stall.clear()
        self.server.wait_for_task_worker(other_than=victim)
        self.notes += [
            ("SIGKILL: task worker killed in the middle of a mail", mid_mail),
            (
                "SIGKILL: task worker replaced (s)",
                f"{self.recorder.now() - start:.1f}",
            ),
        ]

    def worker_serving_a_post(self, load: Load, patience: float = 5) -> int | None:
        deadline = time.monotonic() + patience
        while time.monotonic() < deadline:
            for browser in list(load.posting):
                client_port = browser.local_port
                if not client_port:
                    continue
                victim = worker_serving(
                    self.server.workers(), self.server.port, client_port
                )
                if victim:
                    return victim
            time.sleep(0.01)
        return None

    def restart_postgresql(self, cluster: PrivateCluster | SharedCluster) -> None:
        start = self.recorder.now()
        cluster.restart()
        ready = self.recorder.now()
        self.windows["PostgreSQL restart"] = (start, ready)
        self.notes.append(
            ("PostgreSQL restart: outage (s)", f"{ready - start:.1f} ({cluster.name})")
        )


def main() -> int:
    args = parse_args()
    wait_for_port_free(args.port)
    cluster = None
    if args.private_cluster:
        wait_for_port_free(args.pg_port)
        cluster = PrivateCluster(args.pg_port)
        cluster.start()
    elif args.restart_cluster and not args.no_pg_restart:
        cluster = SharedCluster(args.restart_cluster)
    try:
        return serve_and_run(args, cluster)
    finally:
        if isinstance(cluster, PrivateCluster):
            cluster.stop()


def serve_and_run(args, cluster) -> int:
    workdir = Path(tempfile.mkdtemp(prefix="loadfault-"))
    print(f"database {args.database_url}, cache {args.cache_url}, port {args.port}")
    print(f"PostgreSQL restarted: {cluster.name if cluster else 'none'}")
    print(f"gunicorn log {workdir / 'gunicorn.log'}")

    fresh_database(args.database_url)
    if args.cache_url.startswith("filecache://"):
        shutil.rmtree(args.cache_url.removeprefix("filecache://"), ignore_errors=True)
    trap = MailTrap()
    trap.start()
    print(f"mail to {trap.url}")
    env = site_environment(
        args.database_url,
        args.cache_url,
        BRIEFING_RATE_LIMITS="off",
        DJANGO_EMAIL_URL=trap.url,
        BRIEFING_SITE_URL=f"http://{LOOPBACK}:{args.port}",
        BRIEFING_NOTIFICATION_MAIL_DELAY_SECONDS=str(args.mail_delay),
        BRIEFING_NOTIFICATION_MAIL_RETRY_SECONDS="1",
    )
    prepare_site(env)
    # The surge brake would put the run's own burst of posts in slow mode.
    set_moderation(env, new_reader_premoderation=0, surge_min_comments=1_000_000)

    server = Gunicorn(
        {**env, "BRIEFING_RUN_WORKER": "on"},
        args.port,
        args.workers,
        workdir / "gunicorn.log",
    )
    try:
        server.wait_ready(workers=args.workers)
        server.wait_for_task_worker()
        return run(args, env, server, cluster, trap)
    finally:
        server.stop()
        trap.stop()


def run(args, env, server: Gunicorn, cluster, trap: MailTrap) -> int:
    recorder = Recorder()
    load = Load(
        recorder, lambda: Browser(args.port), args.max_requests, args.reply_every
    )

    # Sign the writers up at once, through the real form.
    browsers = [Browser(args.port) for _ in range(args.writers)]
    signups = [
        threading.Thread(target=b.sign_up, args=(f"{load.prefix}r{n}",))
        for n, b in enumerate(browsers)
    ]
    for thread in signups:
        thread.start()
    for thread in signups:
        thread.join()
    signed_in = sum(b.signed_in() for b in browsers)
    if signed_in != args.writers:
        print(f"only {signed_in} of {args.writers} readers could sign up")
        return 1
    verify_addresses(env, load.prefix)

    recorder.start_clock()
    threads = [
        threading.Thread(target=load.writer, args=(n, b), daemon=True)
        for n, b in enumerate(browsers)
    ] + [threading.Thread(target=load.reader, daemon=True) for _ in range(args.readers)]
    for thread in threads:
        thread.start()

    faults = Faults(recorder, server, args.workers, trap)
    schedule = [
        (0.2, "SIGHUP to the master", faults.reload),
        (0.45, "SIGKILL to a worker", lambda: faults.kill_worker(load)),
    ]
    if cluster:
        schedule.append(
            (0.65, "PostgreSQL restart", lambda: faults.restart_postgresql(cluster))
        )
    for fraction, name, fault in schedule:
        while recorder.now() < fraction * args.duration and not load.over_budget():
            time.sleep(0.1)
        if load.over_budget():
            break
        print(f"  {recorder.now():5.1f}s {name}")
        fault()
        # Keep the faults' windows apart, so each failure has one cause.
        time.sleep(2)
    while recorder.now() < args.duration and not load.over_budget():
        time.sleep(0.1)
    load.stop.set()
    for thread in threads:
        thread.join(timeout=90)
    elapsed = recorder.now()
    mails = wait_for_mails(
        env, load.prefix, trap, f"http://{LOOPBACK}:{args.port}", timeout=90
    )

    return report(args, env, server, recorder, load, faults, elapsed, mails)


def report(args, env, server, recorder, load, faults, elapsed, mails) -> int:
    count = load.count_stored(env)
    events = recorder.events
    server_errors = [e for e in events if e.status is not None and e.status >= 500]

    def within(name: str, event) -> bool:
        """Did the request fail during the fault's window? It fails when its
        answer (or the broken connection) arrives; a second of grace covers
        an error page still on its way when the window closed."""
        start, end = faults.windows.get(name, (0, -1))
        return start <= event.started + event.elapsed <= end + 1

    outage = "PostgreSQL restart"
    failures = recorder.failures()
    by_window = {
        name: [e for e in failures if within(name, e)] for name in faults.windows
    }
    unexplained = [
        e for e in failures if not any(within(name, e) for name in faults.windows)
    ]
    kill_5xx = [e for e in by_window.get("SIGKILL", []) if e.status is not None]
    after_recovery = []
    if outage in faults.windows:
        after_recovery = [
            e
            for e in failures
            if not within(outage, e) and e.started >= faults.windows[outage][0]
        ]
    p50, p99 = latency_ms(events)

    figures = [
        ("database", args.database_url),
        ("gunicorn workers", args.workers),
        ("posting readers / anonymous readers", f"{args.writers} / {args.readers}"),
        ("duration (s)", f"{elapsed:.1f}"),
        ("requests", len(events)),
        ("requests per second", f"{len(events) / elapsed:.1f}"),
        ("comment POSTs (with retries)", sum(e.kind == "post" for e in events)),
        ("comments attempted", load.attempted),
        ("acknowledged (302)", len(load.acknowledged)),
        ("  of which replies to another reader", len(load.replies)),
        ("  of which after a retry", load.retried_then_acknowledged),
        ("POSTs cut before an answer", load.posts_cut),
        ("POSTs resubmitted after a cut or a 5xx", len(load.resubmitted)),
        ("  of which stored by the failed attempt", count.stored_before_resubmission),
        ("stored", count.stored),
        ("stored statuses", count.statuses),
        ("lost (acknowledged, not stored)", count.lost),
        ("duplicated (stored twice or more)", count.duplicated),
        ("acknowledged id differs from stored", count.wrong_id),
        ("refused (4xx)", dict(load.refused)),
        ("abandoned after retries", len(load.abandoned)),
        ("5xx", len(server_errors)),
        ("connection failures", sum(e.status is None for e in events)),
        *faults.notes,
        *((f"failures during {name}", len(found)) for name, found in by_window.items()),
        *(
            [("failures after PostgreSQL was back", len(after_recovery))]
            if outage in faults.windows
            else []
        ),
        ("failures outside fault windows", len(unexplained)),
        ("latency p50 / p99 (ms)", f"{p50:.0f} / {p99:.0f}"),
        ("500s logged by the application", server.logged_500s()),
        *mails.figures(),
    ]
    print_figures("load and fault figures", figures)
    if failures:
        print("\nfailed requests (start s, kind, status or error, duration s)")
        for event in failures[:20]:
            outcome = event.status or event.error
            print(
                f"  {event.started:6.2f}  {event.kind:<5} {outcome}  {event.elapsed:.2f}"
            )

    checks = {
        "some comments acknowledged": bool(load.acknowledged),
        "no acknowledged comment lost": not count.lost,
        "no comment duplicated": not count.duplicated,
        "acknowledged ids are the stored ones": not count.wrong_id,
        "no failure during SIGHUP": not by_window.get("SIGHUP"),
        "no 5xx at the worker kill": not kill_5xx,
        "no failure outside the fault windows": not unexplained,
        "no failure after PostgreSQL was back": not after_recovery,
        "no 5xx outside the PostgreSQL outage": all(
            within(outage, e) for e in server_errors
        ),
        "no post abandoned": not load.abandoned,
        "some replies notified": mails.notifications > 0,
        "every notification's mail enqueued": mails.enqueued == mails.notifications,
        "every notification mailed, none lost after the task worker's kill": (
            mails.received == mails.sent == mails.notifications and not mails.lost
        ),
        "no mail duplicated": not mails.duplicated,
        "no request refused": not load.refused,
    }
    print("\nchecks")
    for name, passed in checks.items():
        print(f"  {'PASS' if passed else 'FAIL'}  {name}")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())

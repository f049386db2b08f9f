"""The performance benchmark, in one run: `make bench`.

    .venv/bin/python -m tools.bench          # SQLite file under /tmp
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/briefing_bench \\
        .venv/bin/python -m tools.bench      # PostgreSQL (the database is recreated)

It seeds discussions of 50, 500 and 5,000 comments by a few hundred readers
into its own database, then measures, all in the same run:

1. exact SQL statements per page (transaction control left out);
2. in-process medians of WSGI calls through the full middleware stack, every
   scenario in turn round after round: the article page (anonymous and signed
   in) at each size with the anonymous readers' shared page cache off
   (every miss), the same anonymous page as readers get it (a hit), a
   constant-response view, a posted comment, a posted reply to another
   reader (its notification made and its mail enqueued); then the uncached anonymous
   pages once more without the index that keeps their cost flat, to show
   what it buys;
3. over the wire, gunicorn (the project's gunicorn.conf.py) and wrk with 16
   connections: pages per second and errors; the hot anonymous article
   through deploy/nginx's micro-cache and straight to gunicorn, in turns
   (when nginx is installed); then comments posted per second by signed-in
   readers, checked against the rows written;
4. the same pages built on django-contrib-comments and django-comments-xtd,
   each in its own throwaway virtualenv under /tmp (tools/bench/peers/peer.py).

Results go to tools/bench/results/<database>.json; docs/benchmarks.md and
docs/benchmarks.svg are then written from every results file there. With
--no-report (or --inprocess-only) the committed files are left alone and the
results stay in the run's folder (BENCH_DIR, under /tmp).
"""

import argparse
import itertools
import json
import multiprocessing
import os
import platform
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from tools.harness import REPO as ROOT
from tools.harness import Gunicorn, fresh_database, site_environment

BENCH = Path(__file__).resolve().parent

SIZES = (50, 500, 5000)
# The discussion's orders besides the default, oldest first: each measured
# (statements and in-process cost) at every size.
OTHER_SORTS = ("newest", "respected")
WRK_ROUNDS = 4
PEER_PACKAGES = {
    "contrib": "django-contrib-comments==2.2.0",
    "xtd": "django-comments-xtd==2.10.13",
}
# The index that keeps the page's cost flat (comments migration 0006): the run
# also times the pages without it, to show what it buys.
# The discussion is read a page at a time by number through this index.
FLAT_INDEX = "comment_number_once"
FLAT_INDEX_SQL = (
    f"CREATE UNIQUE INDEX {FLAT_INDEX} ON comments_comment (article_id, number) "
    "WHERE number IS NOT NULL"
)


_START = time.monotonic()


def log(message: str) -> None:
    elapsed = time.monotonic() - _START
    print(f"[{elapsed:5.0f} s] {message}", file=sys.stderr, flush=True)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--seconds", type=float, default=20, help="in-process timing per loop"
    )
    parser.add_argument(
        "--wrk-seconds",
        type=int,
        default=3,
        help=f"per wrk run (pages: {WRK_ROUNDS} each)",
    )
    parser.add_argument(
        "--workers", type=int, default=multiprocessing.cpu_count() * 2 + 1
    )
    parser.add_argument("--port", type=int, default=8917)
    parser.add_argument("--skip-peers", action="store_true")
    parser.add_argument(
        "--no-report",
        action="store_true",
        help="results in BENCH_DIR only: tools/bench/results/ and "
        "docs/benchmarks.md are left alone",
    )
    parser.add_argument(
        "--inprocess-only",
        action="store_true",
        help="statements and in-process medians only, printed and kept in "
        "BENCH_DIR (tools/bench/results/ and docs/benchmarks.md are left alone)",
    )
    parser.add_argument(
        "--writes-only",
        action="store_true",
        help="seed, then only the comments posted over the wire (with --workers, "
        "then one worker per core), printed and kept in BENCH_DIR/writes.json "
        "(tools/bench/results/ and docs/benchmarks.md are left alone)",
    )
    return parser.parse_args(argv)


def main() -> None:
    options = parse_args()

    database_url = os.environ.get("DATABASE_URL", "")
    vendor = "postgresql" if database_url.startswith("postgres") else "sqlite"
    work_dir = Path(os.environ.get("BENCH_DIR", f"/tmp/briefing-bench/{vendor}"))
    os.environ["BENCH_DIR"] = str(work_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "tools.bench.settings"
    # Benchmarks post faster than any reader may: the documented switch.
    os.environ["BRIEFING_RATE_LIMITS"] = "off"
    started = time.monotonic()
    results = {
        "database": vendor,
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": _command(database_url),
        "machine": _machine(),
        "tree": _tree(),
    }

    log(f"preparing a fresh {vendor} database in {work_dir}")
    shutil.rmtree(work_dir, ignore_errors=True)
    work_dir.mkdir(parents=True)
    if vendor == "postgresql":
        fresh_database(database_url)

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    from tools.bench import seed

    seed.seed()
    from django.db import connection

    if vendor == "postgresql":
        # What autovacuum would have done long before a real site's peak.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    results["database_version"] = _database_version(connection)

    from tools.bench import inprocess

    readers = _Sessions(work_dir)
    if options.writes_only:
        # A quick before/after of a change to the write path.
        connection.close()
        results["wire"] = _writes_over_the_wire(options, work_dir, readers)
        out = work_dir / "writes.json"
        out.write_text(json.dumps(results, indent=2) + "\n")
        log(f"results in {out}")
        return
    signed_in = readers.cookie("reader0")
    poster = readers.cookie("reader1")
    results["statements"] = _statements(inprocess, signed_in, poster)
    log(f"statements: {json.dumps(results['statements']['counts'])}")

    log("in-process timings")
    results["inprocess"] = inprocess.interleaved_medians(
        _scenarios(inprocess, signed_in, poster), seconds=options.seconds
    )
    for name, figures in results["inprocess"].items():
        log(f"  {name}: {figures['median_ms']:.3f} ms")
    if options.inprocess_only:
        # A quick before/after of one change: no wire, no peers, no report.
        out = work_dir / "inprocess.json"
        out.write_text(json.dumps(results, indent=2) + "\n")
        log(f"results in {out}")
        return

    results["without_index"] = _without_flat_index(inprocess, connection, options)
    connection.close()

    results["wire"] = _over_the_wire(options, work_dir, readers)

    if not options.skip_peers:
        results["peers"] = {
            peer: _peer(peer, work_dir, database_url, options.seconds)
            for peer in PEER_PACKAGES
        }
    results["duration_s"] = round(time.monotonic() - started)
    out = results_file(options, vendor, work_dir)
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    log(f"results in {out} ({results['duration_s']} s)")
    if not options.no_report:
        from tools.bench import report

        report.write(ROOT / "docs")
        log("docs/benchmarks.md and docs/benchmarks.svg written")


def results_file(options: argparse.Namespace, vendor: str, work_dir: Path) -> Path:
    """The committed results file, which the report is written from, or the
    run's own folder when no report is asked for."""
    if options.no_report:
        return work_dir / "results.json"
    return BENCH / "results" / f"{vendor}.json"


def _without_flat_index(inprocess, connection, options) -> dict | None:
    """The anonymous pages timed again without the flat-cost index (dropped,
    then created again before anything else runs)."""

    with connection.cursor() as cursor:
        indexes = connection.introspection.get_constraints(cursor, "comments_comment")
    if FLAT_INDEX not in indexes:
        return None
    log(f"in-process timings without the index {FLAT_INDEX}")
    with connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX {FLAT_INDEX}")
    try:
        timings = inprocess.interleaved_medians(
            {
                "constant": lambda: inprocess.call("/bench/constant/"),
                **{
                    f"article_{size}_anonymous": lambda size=size: inprocess.call(
                        _uncached(size)
                    )
                    for size in SIZES
                },
            },
            seconds=options.seconds / 2,
        )
    finally:
        with connection.cursor() as cursor:
            cursor.execute(FLAT_INDEX_SQL)
    return {"index": FLAT_INDEX_SQL, "timings": timings}


class _Sessions:
    """Signed-in sessions, made as Django's login makes them, and CSRF tokens."""

    def __init__(self, work_dir: Path):
        self.work_dir = work_dir

    def session(self, username: str) -> tuple[str, str]:
        from django.conf import settings
        from django.contrib.auth import (
            BACKEND_SESSION_KEY,
            HASH_SESSION_KEY,
            SESSION_KEY,
        )
        from django.contrib.sessions.backends.cached_db import SessionStore

        from briefing.accounts.models import User

        user = User.objects.get(username=username)
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        # An unmasked CSRF secret is a valid token for form and cookie alike.
        return store.session_key, secrets.token_hex(16)

    def cookie(self, username: str) -> tuple[str, str]:
        session, token = self.session(username)
        return f"sessionid={session}; csrftoken={token}", token

    def file(self, count: int) -> Path:
        path = self.work_dir / "writers.txt"
        path.write_text(
            "".join("{} {}\n".format(*self.session(f"reader{n}")) for n in range(count))
        )
        return path


def _post(
    inprocess,
    poster,
    slug: str,
    body: str,
    key: str | None = None,
    reply_to: int | None = None,
):
    from urllib.parse import urlencode
    from uuid import uuid4

    cookie, token = poster
    form = {
        "csrfmiddlewaretoken": token,
        "body": body,
        "idempotency_key": key or str(uuid4()),
    }
    if reply_to is not None:
        form["reply_to"] = reply_to
    return inprocess.call(
        f"/articles/{slug}/comments/",
        method="POST",
        cookies=cookie,
        body=urlencode(form).encode(),
        content_type="application/x-www-form-urlencoded",
    )


def _reply(inprocess, poster, body: str):
    """A reply to another reader's comment: the post, its notification and
    the notification's mail task, enqueued once the post commits."""
    from tools.bench.seed import WRITES_SLUG, answered_comment_id

    return _post(inprocess, poster, WRITES_SLUG, body, reply_to=answered_comment_id())


def _statements(inprocess, signed_in, poster) -> dict:
    """Statements per request, each measured after one warm-up request (the
    shared cache then holds the moderation settings and the session)."""
    from tools.bench.seed import WRITES_SLUG, discussion_slug

    def measure(request):
        request()
        answer, sql = inprocess.data_statements(request)
        assert answer.status in (200, 302), (answer.status, answer.body[:500])
        return sql

    sql = {}
    for size in SIZES:
        path = f"/articles/{discussion_slug(size)}/"
        sql[f"article_{size}_anonymous"] = measure(
            lambda s=size: inprocess.call(_uncached(s))
        )
        sql[f"article_{size}_signed_in"] = measure(
            lambda p=path: inprocess.call(p, cookies=signed_in[0])
        )
        for sort in OTHER_SORTS:
            sql[f"article_{size}_{sort}_anonymous"] = measure(
                lambda s=size, o=sort: inprocess.call(f"{_uncached(s)}?sort={o}")
            )
            sql[f"article_{size}_{sort}_signed_in"] = measure(
                lambda p=path, o=sort: inprocess.call(
                    f"{p}?sort={o}", cookies=signed_in[0]
                )
            )
    sql["article_5000_page_50_anonymous"] = measure(
        lambda: inprocess.call(f"{_uncached(5000)}?page=50")
    )
    sql["article_50_cached_anonymous"] = measure(
        lambda: inprocess.call(f"/articles/{discussion_slug(50)}/")
    )
    sql["front_page_anonymous"] = measure(lambda: inprocess.call("/"))
    sql["constant_anonymous"] = measure(lambda: inprocess.call("/bench/constant/"))
    sql["constant_signed_in"] = measure(
        lambda: inprocess.call("/bench/constant/", cookies=signed_in[0])
    )
    posted = _post(inprocess, poster, WRITES_SLUG, "Warming up.")
    assert posted.status == 302, posted.status
    answer, sql["post_comment"] = inprocess.data_statements(
        lambda: _post(inprocess, poster, WRITES_SLUG, "Counting statements.")
    )
    assert answer.status == 302, answer.status
    assert _reply(inprocess, poster, "Warming up a reply.").status == 302
    answer, sql["post_reply_notified"] = inprocess.data_statements(
        lambda: _reply(inprocess, poster, "Counting a reply's statements.")
    )
    assert answer.status == 302, answer.status
    assert any("notifications_notification" in s for s in sql["post_reply_notified"])
    return {
        "counts": {name: len(statements) for name, statements in sql.items()},
        "sql": {
            name: sql[name]
            for name in (
                "article_50_anonymous",
                "article_50_signed_in",
                "post_comment",
                "post_reply_notified",
            )
        },
    }


def _uncached(size: int) -> str:
    """The article page with the anonymous readers' shared page cache off
    (tools/bench/urls.py)."""
    from tools.bench.seed import discussion_slug

    return f"/bench/uncached-article/{discussion_slug(size)}/"


def _scenarios(inprocess, signed_in, poster) -> dict:
    from tools.bench.seed import WRITES_SLUG, discussion_slug

    scenarios = {
        "constant_anonymous": lambda: inprocess.call("/bench/constant/"),
        "constant_signed_in": lambda: inprocess.call(
            "/bench/constant/", cookies=signed_in[0]
        ),
    }
    for size in SIZES:
        path = f"/articles/{discussion_slug(size)}/"
        scenarios[f"article_{size}_anonymous"] = lambda s=size: inprocess.call(
            _uncached(s)
        )
        scenarios[f"article_{size}_signed_in"] = lambda p=path: inprocess.call(
            p, cookies=signed_in[0]
        )
        for sort in OTHER_SORTS:
            scenarios[f"article_{size}_{sort}_anonymous"] = lambda s=size, o=sort: (
                inprocess.call(f"{_uncached(s)}?sort={o}")
            )
            scenarios[f"article_{size}_{sort}_signed_in"] = lambda p=path, o=sort: (
                inprocess.call(f"{p}?sort={o}", cookies=signed_in[0])
            )
    for size in (50, 5000):
        path = f"/articles/{discussion_slug(size)}/"
        answer = inprocess.call(path)
        assert answer.status == 200, (path, answer.status)
        assert b'id="comments"' in answer.body, path
        scenarios[f"cached_{size}_anonymous"] = lambda p=path: inprocess.call(p)
    # Each post's own text: the same text again within minutes is answered
    # as already posted, without storing (or notifying) anything.
    numbers = itertools.count()
    scenarios["post_comment"] = lambda: _post(
        inprocess,
        poster,
        WRITES_SLUG,
        f"Posted in-process by the benchmark, number {next(numbers)}.",
    )
    scenarios["post_reply_notified"] = lambda: _reply(
        inprocess, poster, f"A reply posted in-process, number {next(numbers)}."
    )
    return scenarios


def _wire_environment(work_dir: Path) -> dict:
    """The bench settings, and the sessions made in-process by _Sessions
    (signed with this process's secret key); workers never recycled during
    the short runs."""
    from django.conf import settings

    return site_environment(
        os.environ["DATABASE_URL"],
        os.environ["CACHE_URL"],
        DJANGO_SETTINGS_MODULE="tools.bench.settings",
        DJANGO_SECRET_KEY=settings.SECRET_KEY,
        BENCH_DIR=str(work_dir),
        BRIEFING_RATE_LIMITS="off",
        GUNICORN_MAX_REQUESTS="0",
        GUNICORN_ACCESS_LOG=str(work_dir / "gunicorn.access.log"),
    )


def _over_the_wire(options, work_dir: Path, readers: _Sessions) -> dict:
    from tools.bench import wire
    from tools.bench.seed import discussion_slug

    env = _wire_environment(work_dir)
    log(f"over the wire: gunicorn, {options.workers} workers, wrk 16 connections")
    writers = readers.file(200)
    server = Gunicorn(env, options.port, options.workers, work_dir / "gunicorn.log")
    figures = {"workers": options.workers, "connections": 16, "threads": 2}
    try:
        server.wait_ready("/bench/constant/", workers=options.workers)
        pages = {
            "constant": "/bench/constant/",
            "article_50": f"/articles/{discussion_slug(50)}/",
            "article_5000": f"/articles/{discussion_slug(5000)}/",
            "uncached_50": _uncached(50),
            # One signed-in reader on all 16 connections, as in the issue.
            "article_50_signed_in": f"/articles/{discussion_slug(50)}/",
        }
        headers = {
            name: (f"Cookie: {readers.cookie('reader0')[0]}",)
            if name.endswith("signed_in")
            else ()
            for name in pages
        }
        for name, path in pages.items():
            status, body = wire.fetch(server.url + path, headers[name])
            assert status == 200, (path, status)
            # The signed-in reader's own page, not the shared one.
            assert (b'id="comment-form"' in body) == bool(headers[name]), name
        for name, path in pages.items():
            # Warm the workers.
            wire.wrk(server.url + path, "read.lua", seconds=2, headers=headers[name])
        # Pages take turns, a few seconds each, so that a burst of other work
        # on the shared machine does not fall on one page alone.
        rounds = {name: [] for name in pages}
        for _ in range(WRK_ROUNDS):
            for name, path in pages.items():
                rounds[name].append(
                    wire.wrk(
                        server.url + path,
                        "read.lua",
                        seconds=options.wrk_seconds,
                        headers=headers[name],
                    )
                )
        figures.update({name: wire.combined(runs) for name, runs in rounds.items()})
        figures.update(_through_nginx(wire, server, options, pages))
        figures["writes"] = _writes(wire, server, writers, options)
    finally:
        server.stop()
    figures["writes_fewer_workers"] = _writes_with_fewer_workers(
        wire, env, options, work_dir, writers
    )
    return figures


def _writes_over_the_wire(options, work_dir: Path, readers: _Sessions) -> dict:
    """Only the comments posted over the wire (--writes-only)."""
    from tools.bench import wire

    env = _wire_environment(work_dir)
    log(f"writes over the wire: gunicorn, {options.workers} workers")
    writers = readers.file(200)
    server = Gunicorn(env, options.port, options.workers, work_dir / "gunicorn.log")
    figures = {"workers": options.workers, "connections": 16, "threads": 2}
    try:
        server.wait_ready("/bench/constant/", workers=options.workers)
        figures["writes"] = _writes(wire, server, writers, options)
    finally:
        server.stop()
    figures["writes_fewer_workers"] = _writes_with_fewer_workers(
        wire, env, options, work_dir, writers
    )
    return figures


def _writes_with_fewer_workers(wire, env, options, work_dir: Path, writers) -> dict:
    """Writers queue for the database's write lock: how the same posts fare
    with one worker per core instead."""
    fewer = os.cpu_count() or 1
    log(f"writes again with {fewer} workers")
    server = Gunicorn(env, options.port, fewer, work_dir / "gunicorn-fewer.log")
    try:
        server.wait_ready("/bench/constant/", workers=fewer)
        return {"workers": fewer, **_writes(wire, server, writers, options)}
    finally:
        server.stop()


def _through_nginx(wire, server, options, pages: dict) -> dict:
    """The hot anonymous article through deploy/nginx's micro-cache
    (tools/microcache.py) and straight to the same gunicorn, in turns."""
    from tools.microcache import MicroCache, nginx_binary

    if nginx_binary() is None:
        log("nginx is not installed: no figures through its micro-cache")
        return {}
    path = pages["article_50"]
    log(f"over the wire: {path} through nginx's micro-cache and straight to gunicorn")
    # A folder nginx's workers can read when started as root (they run as an
    # unprivileged user): not the bench's own, which may be anywhere.
    with tempfile.TemporaryDirectory(prefix="briefing-bench-nginx-") as folder:
        Path(folder).chmod(0o755)
        cache = MicroCache(Path(folder), urlsplit(server.url).netloc)
        try:
            wire.wrk(cache.url + path, "read.lua", seconds=2)
            rounds = {"article_50_gunicorn": [], "article_50_nginx": []}
            for _ in range(WRK_ROUNDS):
                for name, url in (
                    ("article_50_gunicorn", server.url + path),
                    ("article_50_nginx", cache.url + path),
                ):
                    rounds[name].append(
                        wire.wrk(url, "read.lua", seconds=options.wrk_seconds)
                    )
            statuses: dict[str, int] = {}
            for entry in cache.log():
                if entry[1] == path:
                    statuses[entry[3]] = statuses.get(entry[3], 0) + 1
        finally:
            cache.stop()
    figures = {name: wire.combined(runs) for name, runs in rounds.items()}
    figures["article_50_nginx"]["cache_statuses"] = statuses
    return figures


def _writes(wire, server, writers: Path, options) -> dict:
    """Comments posted per second, and the rows they wrote."""
    from comments.models import Comment
    from tools.bench.seed import WRITES_SLUG

    before = Comment.objects.count()
    path = f"/articles/{WRITES_SLUG}/comments/"
    figures = wire.wrk(
        server.url + path,
        "post.lua",
        seconds=WRK_ROUNDS * options.wrk_seconds,
        args=(path, str(writers), secrets.token_hex(2)),
    )
    figures["rows_written"] = Comment.objects.count() - before
    log(
        f"  posts: {figures['rps']:.0f}/s, {figures['errors']} errors, "
        f"{figures['not_expected']} not redirected, p50 {figures['p50_us'] / 1000:.0f} ms, "
        f"p99 {figures['p99_us'] / 1000:.0f} ms, {figures['rows_written']} rows written"
    )
    return figures


def _peer(peer: str, work_dir: Path, database_url: str, seconds: float) -> dict:
    """Build (once) the peer's throwaway virtualenv and measure its site."""
    venv = Path("/tmp/briefing-bench") / f"peer-{peer}"
    import django

    # psycopg too, so that one virtualenv serves the SQLite and the
    # PostgreSQL runs alike.
    wanted = [
        f"Django=={django.get_version()}",
        PEER_PACKAGES[peer],
        "psycopg[binary,pool]==3.3.9",
    ]
    stamp = venv / "bench-installed.txt"
    if not stamp.exists() or stamp.read_text() != "\n".join(wanted):
        log(f"{peer}: throwaway virtualenv {venv}")
        shutil.rmtree(venv, ignore_errors=True)
        base = getattr(sys, "_base_executable", sys.executable)
        subprocess.run([base, "-m", "venv", str(venv)], check=True)
        subprocess.run(
            [
                str(venv / "bin" / "pip"),
                "install",
                "-q",
                "--disable-pip-version-check",
                *wanted,
            ],
            check=True,
        )
        stamp.write_text("\n".join(wanted))
    env = {**os.environ, "BENCH_DIR": str(work_dir), "BENCH_SECONDS": str(seconds)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    if database_url:
        parts = urlsplit(database_url)
        fresh_database(parts._replace(path=f"{parts.path}_{peer}").geturl())
    out = work_dir / f"peer-{peer}.json"
    log(f"{peer}: seeding and measuring")
    subprocess.run(
        [
            str(venv / "bin" / "python"),
            str(BENCH / "peers" / "peer.py"),
            peer,
            str(out),
        ],
        check=True,
        env=env,
        timeout=900,
    )
    figures = json.loads(out.read_text())
    for name, timing in figures["timings"].items():
        log(f"  {peer} {name}: {timing['median_ms']:.3f} ms")
    return figures


def _database_version(connection) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT sqlite_version()")
            return f"SQLite {cursor.fetchone()[0]}"
        cursor.execute("SHOW server_version")
        return f"PostgreSQL {cursor.fetchone()[0]}"


def _command(database_url: str) -> str:
    """The command line of this run (`make bench` runs the same)."""
    prefix = f"DATABASE_URL={database_url} " if database_url else ""
    return prefix + " ".join([".venv/bin/python", "-m", "tools.bench", *sys.argv[1:]])


def _machine() -> dict:
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "load_average_at_start": [round(load, 2) for load in os.getloadavg()],
        "shared": "yes: other helpers' tests and servers ran on the same 2 cores",
    }


def _tree() -> str:
    if os.environ.get("BENCH_TREE"):
        return os.environ["BENCH_TREE"]
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{commit}{' with uncommitted changes' if dirty else ''}"


if __name__ == "__main__":
    main()

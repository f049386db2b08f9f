"""Two gunicorn instances behind nginx on one PostgreSQL and one Redis: do
they behave as one site?

Loopback only, bounded (a load phase of --duration seconds, a few minutes in
all), it stops everything it started. nginx is Debian's package, run by this
script with a configuration generated in a temporary folder (not the system
service); the site's TLS and location settings are deploy/nginx/*.conf,
included verbatim, and deploy/nginx/briefing.conf must pass `nginx -t`.

    .venv/bin/python -m tools.scale          # or: make scale-test

The instances run the production profile (DJANGO_HTTPS=on, rate limits on).
Checks: a reader signed in through one instance is signed in on the other; a
comment posted through one shows at once through the other; the posting limit
holds across instances; nginx caches static files; during load through
nginx, one instance is stopped (SIGTERM) while it serves a long request
(--slow-seconds) and started again: it answers that request, no request
fails, read or post (the stopping port refuses at once and nginx resends
what it had queued, POSTs included), no acknowledged comment is lost or
doubled, nginx routes around the stopped instance and takes it back. Each instance runs a task worker beside it
(BRIEFING_RUN_WORKER=on), stopped and started with it; some of the load's
posts are replies to other readers, whose notifications are mailed to a local
SMTP server (aiosmtpd): every mail arrives once, whichever worker took it.
Exit status 1 when a check fails.
"""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from tools.harness import (
    LOOPBACK,
    REPO,
    Gunicorn,
    MailTrap,
    fresh_database,
    prepare_site,
    site_environment,
    wait_for_port_free,
)
from tools.load.traffic import (
    ACKNOWLEDGED,
    Browser,
    Load,
    Recorder,
    article_path,
    comments_path,
    latency_ms,
    print_figures,
    set_moderation,
    verify_addresses,
    wait_for_mails,
)
from tools.microcache import nginx_binary

DEPLOY = REPO / "deploy" / "nginx"
# The site's own posting limit during the load: high enough for the writers;
# the surge brake's threshold too, which the load's burst would pass.
UNLIMITED = 100_000
# Every n-th post of a writer answers another writer's comment.
REPLY_EVERY = 3


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default="postgres://postgres@127.0.0.1:5432/briefing_scaletest",
    )
    parser.add_argument(
        "--cache-url",
        default="redis://127.0.0.1:6379/15",
        help="a Redis database of its own: the script empties it",
    )
    parser.add_argument("--nginx-port", type=int, default=8030)
    parser.add_argument("--ports", default="8031,8032", help="the two instances")
    parser.add_argument("--workers", type=int, default=2, help="per instance")
    parser.add_argument("--writers", type=int, default=6)
    parser.add_argument("--readers", type=int, default=2)
    parser.add_argument("--duration", type=float, default=30, help="load, seconds")
    parser.add_argument("--max-requests", type=int, default=10000)
    parser.add_argument(
        "--slow-seconds",
        type=float,
        default=12,
        help="how long a request the stopped instance is serving takes (0: none)",
    )
    args = parser.parse_args(argv)
    args.ports = [int(port) for port in args.ports.split(",")]
    return args


# --------------------------------------------------------------------------
# nginx


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    certificate, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            f"/CN={LOOPBACK}",
            "-keyout",
            str(key),
            "-out",
            str(certificate),
        ],
        check=True,
        capture_output=True,
    )
    return certificate, key


def nginx_conf(folder: Path, site: str) -> str:
    """The top of an nginx.conf whose files all live in `folder`, then `site`
    (its http-context part)."""
    return f"""
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 512; }}
http {{
    client_body_temp_path {folder}/client_body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    log_format upstreams '$msec $request_time $request_method $uri $status "$upstream_addr" "$upstream_status"';
    access_log {folder}/access.log upstreams;
{site}
}}
"""


def balancer_conf(folder: Path, args, certificate: Path, key: Path) -> str:
    """nginx for the test: the upstream of deploy/nginx/briefing.conf with
    this run's ports, its micro-cache, and its https server with the same
    snippets."""
    servers = "\n".join(
        f"        server {LOOPBACK}:{port} max_fails=2 fail_timeout=10s;"
        for port in args.ports
    )
    return nginx_conf(
        folder,
        f"""
    upstream briefing {{
{servers}
    }}
    proxy_cache_path {folder}/static-cache levels=1:2 keys_zone=briefing_static:1m
                     max_size=16m inactive=1h use_temp_path=off;
    proxy_cache_path {folder}/page-cache levels=1:2 keys_zone=briefing_pages:1m
                     max_size=16m inactive=10m use_temp_path=off;
    include {DEPLOY / "briefing-cache.conf"};
    server {{
        listen {LOOPBACK}:{args.nginx_port} ssl;
        server_name {LOOPBACK};
        ssl_certificate {certificate};
        ssl_certificate_key {key};
        include {DEPLOY / "briefing-tls.conf"};
        include {DEPLOY / "briefing-locations.conf"};
    }}
""",
    )


def production_site_conf(folder: Path, certificate: Path, key: Path) -> str:
    """deploy/nginx/briefing.conf as installed, its paths pointed at this
    run's files, for `nginx -t`."""
    site = (DEPLOY / "briefing.conf").read_text()
    for installed, here in [
        ("/etc/nginx/snippets/", f"{DEPLOY}/"),
        ("/etc/letsencrypt/live/briefing.example/fullchain.pem", str(certificate)),
        ("/etc/letsencrypt/live/briefing.example/privkey.pem", str(key)),
        ("/var/cache/nginx/briefing", f"{folder}/production-cache"),
    ]:
        site = site.replace(installed, here)
    return nginx_conf(folder, site)


class Nginx:
    def __init__(self, binary: str, folder: Path, conf: str):
        self.folder = folder
        path = folder / "nginx.conf"
        path.write_text(conf)
        self.process = subprocess.Popen(
            [
                binary,
                "-p",
                str(folder),
                "-c",
                str(path),
                "-e",
                str(folder / "error.log"),
                "-g",
                "daemon off;",
            ],
            stdout=subprocess.DEVNULL,
            stderr=(folder / "nginx.out").open("wb"),
        )

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)  # graceful
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def upstream_log(self) -> list[tuple[float, str, str, int, list[str], float]]:
        """(time answered, method, path, status, upstreams tried, time
        received) per request."""
        entries = []
        log = self.folder / "access.log"
        for line in log.read_text().splitlines() if log.exists() else []:
            stamp, took, method, path, status, upstreams, _ = line.split(" ", 6)
            tried = [u.strip() for u in upstreams.strip('"').split(",")]
            entries.append(
                (
                    float(stamp),
                    method,
                    path,
                    int(status),
                    tried,
                    float(stamp) - float(took),
                )
            )
        return entries


def check_config(binary: str, folder: Path, conf: str) -> tuple[bool, str]:
    path = folder / "production-test.conf"
    path.write_text(conf)
    result = subprocess.run(
        [binary, "-t", "-p", str(folder), "-c", str(path), "-e", "/dev/stderr"],
        capture_output=True,
        text=True,
    )
    return result.returncode == 0, result.stderr.strip().splitlines()[-1]


# --------------------------------------------------------------------------
# The checks


class ScaleTest:
    def __init__(self, args, env, instances: list[Gunicorn], trap: MailTrap):
        self.args = args
        self.env = env
        self.instances = instances
        self.trap = trap
        self.site = f"https://{LOOPBACK}:{args.nginx_port}"
        self.checks: dict[str, bool] = {}
        self.figures: list[tuple[str, object]] = []

    def check(self, name: str, passed: bool, detail: object) -> None:
        self.checks[name] = passed
        self.figures.append((name, detail))

    def direct(self, port: int) -> Browser:
        """A browser on the site talking to one instance, with the headers
        nginx would add."""
        return Browser(port, forwarded_proto="https", site_origin=self.site)

    def through_nginx(self) -> Browser:
        return Browser(self.args.nginx_port, https=True)

    def post(self, browser: Browser, body: str):
        page = browser.get(article_path())
        return browser.post_form(
            page,
            comments_path(),
            {"body": body, "idempotency_key": page.form_field("idempotency_key")},
        )

    def session_is_shared(self) -> None:
        one, other = self.args.ports
        reader = self.direct(one)
        signed_up = reader.sign_up("scale-session")
        reader.port = other
        account = reader.get("/accounts/settings/")
        self.check(
            "signed in on one instance, signed in on the other",
            signed_up.status in ACKNOWLEDGED
            and account.status == 200
            and "scale-session" in account.text,
            f"sign-up on :{one} {signed_up.status}, account page on :{other} "
            f"{account.status}",
        )
        self.session_reader = reader

    def comment_shows_at_once(self) -> None:
        one, other = self.args.ports
        # Both instances have rendered the page (and cached whatever they
        # cache) before the comment exists.
        for port in (one, other):
            self.direct(port).get(article_path())
        reader = self.session_reader
        reader.port = one
        posted = self.post(reader, "scale-fresh: posted through one instance")
        comment_id = posted.comment_id()
        page = self.direct(other).get(posted.location().split("#")[0])
        shown = f'id="comment-{comment_id}"' in page.text and "scale-fresh" in page.text
        self.check(
            "a comment posted through one shows at once through the other",
            posted.status in ACKNOWLEDGED and comment_id is not None and shown,
            f"posted on :{one} {posted.status} (comment {comment_id}), "
            f"article on :{other} {page.status}, shown: {shown}",
        )

    def rate_limit_is_shared(self) -> None:
        """Posts alternate between the instances; the limit counts them all."""
        limit = 3
        set_moderation(self.env, posting_limit=limit, posting_window_seconds=60)
        reader = self.direct(self.args.ports[0])
        reader.sign_up("scale-limit")
        answers = []
        for attempt in range(limit + 2):
            reader.port = self.args.ports[attempt % 2]
            response = self.post(reader, f"scale-limit {attempt}")
            answers.append((reader.port, response.status, response.headers))
        set_moderation(self.env, posting_limit=UNLIMITED, posting_window_seconds=60)
        self.check(
            f"posting limit ({limit} a minute) holds across instances",
            [status for _, status, _ in answers] == [302] * limit + [429, 429]
            and all("retry-after" in headers for _, status, headers in answers[limit:]),
            ", ".join(
                f":{port} {status}"
                + (f" Retry-After {headers['retry-after']}" if status == 429 else "")
                for port, status, headers in answers
            ),
        )

    def static_is_cached(self) -> None:
        browser = self.through_nginx()
        page = browser.get(article_path())
        start = page.text.find('href="/static/')
        path = page.text[start + 6 : page.text.index('"', start + 6)]
        first, second = browser.get(path), browser.get(path)
        self.check(
            "nginx caches static files",
            first.status == 200 and second.headers.get("x-cache-status") == "HIT",
            f"{path}: {first.headers.get('x-cache-status')} then "
            f"{second.headers.get('x-cache-status')}",
        )

    def pages_are_micro_cached(self) -> None:
        """Anonymous pages come from nginx's micro-cache; a signed-in
        reader's page bypasses it and reaches no one else; a new comment
        reaches anonymous readers within 2 s (deploy/nginx/briefing-locations.conf)."""
        anonymous = self.through_nginx()
        first, second = anonymous.get(article_path()), anonymous.get(article_path())
        reader = self.session_reader
        reader.port = self.args.ports[0]
        signed_in = Browser(self.args.nginx_port, https=True)
        signed_in.cookies = reader.cookies
        own = signed_in.get(article_path())
        after = self.through_nginx().get(article_path())

        # Only a signed-in reader's page has the sign-out form (and its
        # CSRF token); the reader's name is on anonymous pages too, as a
        # comment's author.
        def theirs(page) -> bool:
            return "Sign out" in page.text or "csrfmiddlewaretoken" in page.text

        self.check(
            "nginx serves anonymous pages from its micro-cache, never a reader's own",
            second.headers.get("x-cache-status") == "HIT"
            and own.headers.get("x-cache-status") == "BYPASS"
            and theirs(own)
            and not theirs(after),
            f"anonymous {first.headers.get('x-cache-status')} then "
            f"{second.headers.get('x-cache-status')}; signed in "
            f"{own.headers.get('x-cache-status')}, then anonymous "
            f"{after.headers.get('x-cache-status')}, a reader's own: {theirs(after)}",
        )
        posted = self.post(reader, "scale-micro-cache: seen by anonymous readers")
        at = time.monotonic()
        while (
            "scale-micro-cache" not in self.through_nginx().get(article_path()).text
            and time.monotonic() - at < 10
        ):
            time.sleep(0.05)
        seen_after = time.monotonic() - at
        self.check(
            "a new comment reaches anonymous readers through nginx within 2 s",
            posted.status in ACKNOWLEDGED and seen_after < 2,
            f"posted {posted.status}, shown through nginx after {seen_after:.2f} s",
        )


# --------------------------------------------------------------------------


def main() -> int:
    args = parse_args()
    binary = nginx_binary()
    if binary is None:
        sys.exit("nginx is not installed: `make nginx-deps` installs it")
    for port in (args.nginx_port, *args.ports):
        wait_for_port_free(port)
    folder = Path(tempfile.mkdtemp(prefix="scale-test-"))
    # nginx's workers run as an unprivileged user and write their temporary
    # files here.
    folder.chmod(0o755)
    print(f"work folder {folder}")
    certificate, key = self_signed_certificate(folder)

    site = f"https://{LOOPBACK}:{args.nginx_port}"
    fresh_database(args.database_url)
    trap = MailTrap()
    trap.start()
    env = site_environment(
        args.database_url,
        args.cache_url,
        DJANGO_HTTPS="on",
        DJANGO_CSRF_TRUSTED_ORIGINS=site,
        BRIEFING_TRUSTED_PROXIES=LOOPBACK,
        BRIEFING_RATE_LIMITS="on",
        DJANGO_EMAIL_URL=trap.url,
        BRIEFING_SITE_URL=site,
        BRIEFING_NOTIFICATION_MAIL_DELAY_SECONDS="1",
        BRIEFING_NOTIFICATION_MAIL_RETRY_SECONDS="1",
    )
    started = time.monotonic()
    prepare_site(env)
    set_moderation(
        env,
        new_reader_premoderation=0,
        posting_limit=UNLIMITED,
        surge_min_comments=UNLIMITED,
    )

    instances = [instance(env, port, args.workers, folder) for port in args.ports]
    nginx = None
    test = ScaleTest(args, env, instances, trap)
    try:
        for one in instances:
            one.wait_ready(workers=args.workers)
            one.wait_for_task_worker()
        nginx = Nginx(binary, folder, balancer_conf(folder, args, certificate, key))
        wait_for_nginx(args.nginx_port)
        valid, verdict = check_config(
            binary, folder, production_site_conf(folder, certificate, key)
        )
        test.check("deploy/nginx/briefing.conf passes nginx -t", valid, verdict)
        test.session_is_shared()
        test.comment_shows_at_once()
        test.rate_limit_is_shared()
        test.static_is_cached()
        test.pages_are_micro_cached()
        load_with_an_instance_stopped(test, nginx, folder)
    finally:
        if nginx:
            nginx.stop()
        # The load replaces a stopped instance in this same list.
        for one in instances:
            one.stop()
        trap.stop()

    test.figures.append(("total run time (s)", f"{time.monotonic() - started:.0f}"))
    print_figures("scale test figures", test.figures)
    print("\nchecks")
    for name, passed in test.checks.items():
        print(f"  {'PASS' if passed else 'FAIL'}  {name}")
    return 0 if all(test.checks.values()) else 1


def instance(env: dict[str, str], port: int, workers: int, folder: Path) -> Gunicorn:
    """One instance: gunicorn with a task worker beside it, as `make run`
    starts them (production runs it as a systemd unit of its own)."""
    return Gunicorn(
        {**env, "BRIEFING_RUN_WORKER": "on"},
        port,
        workers,
        folder / f"gunicorn-{port}.log",
    )


def wait_for_nginx(port: int, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if Browser(port, https=True, timeout=5).get("/healthz").status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("nginx did not answer /healthz")


def load_with_an_instance_stopped(test: ScaleTest, nginx: Nginx, folder: Path) -> None:
    """Load through nginx; stop the second instance (SIGTERM, gunicorn's
    graceful stop) a quarter of the way in, start it again half-way."""
    args = test.args
    recorder = Recorder()
    load = Load(recorder, test.through_nginx, args.max_requests, REPLY_EVERY)
    writers = [test.through_nginx() for _ in range(args.writers)]
    for number, browser in enumerate(writers):
        browser.sign_up(f"{load.prefix}w{number}")
    if not all(browser.signed_in() for browser in writers):
        test.check("writers signed up through nginx", False, "sign-up failed")
        return
    verify_addresses(test.env, load.prefix)

    recorder.start_clock()
    threads = [
        threading.Thread(target=load.writer, args=(n, b), daemon=True)
        for n, b in enumerate(writers)
    ] + [threading.Thread(target=load.reader, daemon=True) for _ in range(args.readers)]
    for thread in threads:
        thread.start()

    victim_port = args.ports[1]
    victim = test.instances[1]
    wait_until(recorder, 0.25 * args.duration, load)
    # One of its workers is busy with a long request when the stop comes:
    # the instance must answer it, and send nothing else waiting meanwhile.
    slow = None
    if args.slow_seconds:
        slow = SlowRequest(test, victim_port, args.slow_seconds)
        time.sleep(0.5)
    stopped_at = recorder.now()
    victim.stop()
    stopped_by = recorder.now()
    wait_until(recorder, 0.5 * args.duration, load)
    restarted_at = recorder.now()
    test.instances[1] = instance(test.env, victim_port, args.workers, folder)
    test.instances[1].wait_ready(workers=args.workers)
    back_at = recorder.now()
    test.instances[1].wait_for_task_worker()
    wait_until(recorder, args.duration, load)
    load.stop.set()
    for thread in threads:
        thread.join(timeout=90)
    elapsed = recorder.now()
    if slow is not None:
        slow.thread.join(timeout=60)

    # nginx takes the instance back once its fail_timeout has passed and a
    # request to it succeeds; give it up to 20 s of extra reads.
    victim_address = f"{LOOPBACK}:{victim_port}"
    reader = test.through_nginx()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not served_by(
        nginx, victim_address, recorder.began_wall + back_at
    ):
        reader.get("/")
        time.sleep(0.2)

    mails = wait_for_mails(test.env, load.prefix, test.trap, test.site, timeout=90)
    count = load.count_stored(test.env)
    log = nginx.upstream_log()
    wall = recorder.began_wall
    # From the stop (SIGTERM) until it started again: what nginx received
    # then was never answered by it (those it was serving had come before).
    down = [e for e in log if wall + stopped_at <= e[5] and e[0] < wall + restarted_at]
    down_to_victim = [e for e in down if e[4][-1] == victim_address]
    rerouted = [e for e in log if len(e[4]) > 1]
    rerouted_posts = [e for e in rerouted if e[1] == "POST"]
    # Answered by the stopping instance between SIGTERM and its exit: the
    # requests its workers had taken when the stop came.
    drained = [
        e
        for e in log
        if wall + stopped_at <= e[0] <= wall + stopped_by
        and e[4][-1] == victim_address
        and e[3] < 500
    ]
    failures = recorder.failures()
    p50, p99 = latency_ms(recorder.events)
    per_instance = {
        port: sum(e[4][-1] == f"{LOOPBACK}:{port}" for e in log) for port in args.ports
    }

    test.figures += [
        ("load: duration (s)", f"{elapsed:.1f}"),
        ("load: requests through nginx", len(recorder.events)),
        ("load: requests per second", f"{len(recorder.events) / elapsed:.1f}"),
        ("load: answered by instance (nginx log)", per_instance),
        (
            f"load: :{victim_port} stopped / started again (s)",
            f"{stopped_at:.1f}-{stopped_by:.1f} / {restarted_at:.1f}-{back_at:.1f}",
        ),
        ("load: requests while it was down", len(down)),
        (
            f"load: a {args.slow_seconds:g} s request :{victim_port} served at the stop",
            "none"
            if slow is None
            else f"answered {slow.status} after {slow.elapsed:.1f} s",
        ),
        ("load: resent by nginx to the other instance", len(rerouted)),
        ("load:   of which POSTs", len(rerouted_posts)),
        (f"load: answered by :{victim_port} while it stopped", len(drained)),
        ("load: comments attempted", load.attempted),
        ("load: acknowledged", len(load.acknowledged)),
        ("load: acknowledged after a retry", load.retried_then_acknowledged),
        ("load: POSTs resubmitted after a cut or a 5xx", len(load.resubmitted)),
        (
            "load:   of which stored by the failed attempt",
            count.stored_before_resubmission,
        ),
        ("load: stored", count.stored),
        ("load: lost / duplicated", f"{count.lost} / {count.duplicated}"),
        (
            "load: 5xx / connection failures",
            f"{sum(e.status is not None for e in failures)} / "
            f"{sum(e.status is None for e in failures)}",
        ),
        ("load: latency p50 / p99 (ms)", f"{p50:.0f} / {p99:.0f}"),
        ("load: acknowledged replies to another reader", len(load.replies)),
        *mails.figures("load: "),
    ]
    test.check(
        "load: no acknowledged comment lost or duplicated",
        bool(load.acknowledged)
        and not (count.lost or count.duplicated or count.wrong_id or load.abandoned),
        f"acknowledged {len(load.acknowledged)}, stored {count.stored}, "
        f"abandoned {len(load.abandoned)}",
    )
    test.check(
        "load: every mail sent once, whichever task worker took it, "
        "one instance and its worker stopped mid-run",
        mails.notifications > 0
        and mails.received == mails.sent == mails.enqueued == mails.notifications
        and not mails.duplicated
        and not mails.lost,
        f"{mails.notifications} notifications, {mails.received} mailed, "
        f"{mails.duplicated} twice, {mails.lost} lost; by worker {mails.sent_by}",
    )
    test.check(
        "load: nginx routed around the stopped instance",
        bool(down) and not down_to_victim,
        f"{len(down)} requests while down, {len(down_to_victim)} to it",
    )
    # The stop is gunicorn's graceful one: the requests its workers had
    # taken are answered; those still queued in its listening socket are
    # reset when its last worker exits, and nginx resends them, POSTs
    # included (non_idempotent, deploy/nginx/briefing-locations.conf), to the
    # other instance. No reader sees an error, and the comment form's
    # idempotency key would store a resent post once even had the first
    # instance stored it.
    test.check(
        "load: no request failed, reads or posts, one instance stopped under load",
        not failures and not load.resubmitted and not load.abandoned,
        f"{len(failures)} failures, {len(load.resubmitted)} posts resubmitted by "
        f"readers; nginx resent {len(rerouted_posts)} POSTs and "
        f"{len(rerouted) - len(rerouted_posts)} GETs"
        + "".join(
            f"; {e.started:.1f}s {e.kind} {e.status or e.error}" for e in failures
        ),
    )
    if slow is not None:
        test.check(
            "load: the stopped instance finished the request it was serving",
            slow.status is not None and slow.status < 500,
            f"{args.slow_seconds:g} s request answered {slow.status} after "
            f"{slow.elapsed:.1f} s; the instance stopped in "
            f"{stopped_by - stopped_at:.1f} s",
        )
    back_in = [
        e
        for e in nginx.upstream_log()
        if e[0] >= wall + back_at and e[4][-1] == victim_address
    ]
    test.check(
        "load: the restarted instance is back in rotation",
        bool(back_in),
        f"requests to :{victim_port} after its restart: {len(back_in)}",
    )


class SlowRequest:
    """A comment posted straight to one instance that waits `seconds` on the
    database (this script holds a lock on its author's row, which posting
    takes): the long request a stop finds in flight. Behind nginx, which
    reads a request's body before passing it on, a long request is one that
    waits on the database or computes, not on its client. Answered `status`
    (None: cut) after `elapsed` seconds."""

    def __init__(self, test: ScaleTest, port: int, seconds: float):
        import psycopg

        self.seconds = seconds
        self.status: int | None = None
        self.elapsed = 0.0
        self.browser = test.direct(port)
        self.browser.sign_up("scale-slow")
        self.page = self.browser.get(article_path())
        self.lock = psycopg.connect(test.args.database_url)
        self.lock.execute(
            "SELECT 1 FROM accounts_user WHERE username = 'scale-slow' FOR UPDATE"
        )
        self.started = time.monotonic()
        self.thread = threading.Thread(target=self._post, daemon=True)
        self.thread.start()
        threading.Timer(seconds, self._release).start()

    def _post(self) -> None:
        try:
            self.status = self.browser.post_form(
                self.page,
                comments_path(),
                {
                    "body": "scale-slow: posted while the instance stopped",
                    "idempotency_key": self.page.form_field("idempotency_key"),
                },
            ).status
        except OSError:
            self.status = None
        finally:
            self.elapsed = time.monotonic() - self.started

    def _release(self) -> None:
        self.lock.rollback()
        self.lock.close()


def served_by(nginx: Nginx, address: str, since: float) -> bool:
    return any(e[0] >= since and e[4][-1] == address for e in nginx.upstream_log())


def wait_until(recorder: Recorder, moment: float, load: Load) -> None:
    while recorder.now() < moment and not load.over_budget():
        time.sleep(0.1)


if __name__ == "__main__":
    sys.exit(main())

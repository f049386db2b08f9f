"""gunicorn settings for Briefing, used by `make run`, the systemd units in
deploy/ and the load and scale scripts.

Environment (every one optional), read like Django's settings (django-environ):
from the process environment, else from .env beside manage.py:
  PORT                      port on 127.0.0.1 (8000)
  BIND                      full bind address(es), comma-separated, instead
                            of 127.0.0.1:$PORT (e.g. "unix:/run/briefing/1.sock")
  WEB_CONCURRENCY           worker processes (2 per core + 1)
  GUNICORN_TIMEOUT          seconds a request may take before its worker is
                            killed and replaced (30)
  GUNICORN_GRACEFUL_TIMEOUT seconds workers get to finish their requests on a
                            reload (SIGHUP) or a stop (SIGTERM) (30)
  GUNICORN_MAX_REQUESTS     requests after which a worker is replaced (2000;
                            0 never)
  BRIEFING_TRUSTED_PROXIES  addresses whose X-Forwarded-* headers are believed
                            (127.0.0.1), as for the application's settings
  GUNICORN_ACCESS_LOG       "-" for stdout (default), a path, or "off"
  GUNICORN_CONTROL_SOCKET   path of gunicorn's control socket (off by default)
  BRIEFING_RUN_WORKER       "on" starts one `manage.py db_worker` beside the
                            master and keeps it running (`make run`); off
                            by default, production runs briefing-worker@

Signals to the master: HUP re-reads this file and replaces the workers
gracefully (the listening socket stays open, no request fails) and, with
BRIEFING_RUN_WORKER=on, restarts the task worker on the new code once it has
finished its task; TERM stops gracefully: the port refuses new connections at
once, each worker finishes the request it is serving (the task worker its
task), then exits; TTIN/TTOU add or remove a worker.
"""

import multiprocessing
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

import environ


class _Environment(environ.Env):
    """The process environment over .env beside manage.py, read by
    django-environ as Django's settings read it, but into a copy: os.environ
    stays as it was, so a SIGHUP (which re-reads this file) tells the
    process's own values from .env's again, and sees an edited .env."""

    ENVIRON = dict(os.environ)


_Environment.read_env(Path(__file__).resolve().parent / ".env")
env = _Environment()

# The process's own PORT or BIND win over .env's: `PORT=8021 make run`
# listens on 8021 even when .env names a BIND.
if "BIND" in os.environ:
    _bind = os.environ["BIND"]
elif "PORT" in os.environ:
    _bind = f"127.0.0.1:{os.environ['PORT']}"
else:
    _bind = env("BIND", default=f"127.0.0.1:{env('PORT', default='8000')}")
bind = [address.strip() for address in _bind.split(",")]
workers = env.int("WEB_CONCURRENCY", default=multiprocessing.cpu_count() * 2 + 1)
worker_class = "sync"
# A request has `timeout` seconds; longer means a stuck worker, which the
# master kills and replaces. The PostgreSQL pool gives up waiting for a
# connection sooner (settings: BRIEFING_DB_POOL_TIMEOUT), so an outage answers
# an error page instead of a cut connection.
timeout = env.int("GUNICORN_TIMEOUT", default=30)
graceful_timeout = env.int("GUNICORN_GRACEFUL_TIMEOUT", default=30)
# Sync workers close each connection after one response; keep-alive only
# matters for a proxy that reuses upstream connections.
keepalive = 5
# Recycle workers now and then, at staggered times (the jitter), so a slow leak
# cannot build up and all workers never restart at once.
max_requests = env.int("GUNICORN_MAX_REQUESTS", default=2000)
max_requests_jitter = max_requests // 10
# The application is imported by each worker, not by the master: SIGHUP then
# loads new code, and a worker's database connections are its own.
preload_app = False
# Heartbeat files on tmpfs: a worker blocked on a slow disk is not mistaken
# for a stuck one.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# Only these addresses may set X-Forwarded-Proto (wsgi.url_scheme) for
# gunicorn; Django reads the same list for X-Forwarded-For.
forwarded_allow_ips = ",".join(
    address.strip()
    for address in env.list("BRIEFING_TRUSTED_PROXIES", default=["127.0.0.1"])
)

# gunicorn 25+ opens a control socket at one fixed path per user: several
# instances on one machine would fight over it, and nothing here needs it.
control_socket = env("GUNICORN_CONTROL_SOCKET", default="")
control_socket_disable = not control_socket

_access_log = env("GUNICORN_ACCESS_LOG", default="-")
accesslog = None if _access_log == "off" else _access_log
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
errorlog = "-"
loglevel = "info"
proc_name = env("GUNICORN_PROC_NAME", default="briefing")


# The demo's background worker (`make run` sets BRIEFING_RUN_WORKER=on):
# one `manage.py db_worker` as a child of the master, started when gunicorn
# is ready, started again a moment after it dies, restarted on SIGHUP (new
# code), stopped on exit. Production runs workers as their own systemd units
# (deploy/systemd/briefing-worker@.service) and leaves this off.
_WORKER_RESTART_SECONDS = 1
_WORKER_STOP_SECONDS = 30


def _die_with_parent_prefix():
    """util-linux's setpriv asks the kernel to SIGTERM the child when the
    thread that started it dies (a master killed outright orphans no worker),
    then execs the command. Not a preexec_fn: that would run this process's
    fork hooks in the watcher thread, including the one below."""
    setpriv = shutil.which("setpriv")
    return [setpriv, "--pdeathsig", "TERM", "--"] if setpriv else []


class _TaskWorker:
    def __init__(self, log):
        self.log = log
        manage = str(Path(__file__).resolve().parent / "manage.py")
        self.manage = [*_die_with_parent_prefix(), sys.executable, manage]
        # One process at a time runs under this id: what a dead one left
        # running under it is an orphan, requeued before the next starts.
        self.worker_id = f"{socket.gethostname()}-gunicorn-{os.getpid()}"[-64:]
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        # Until Popen returns, the pipe on which the child reports its exec
        # is open in this process; a gunicorn worker forked meanwhile (the
        # master forks workers without exec) would keep it open and Popen
        # would wait on it until that worker ends: at start, when the master
        # forks its workers just as this thread starts the first child, the
        # task worker never started. So the master's forks wait for a spawn.
        self.spawning = threading.Lock()
        os.register_at_fork(
            before=self.spawning.acquire,
            after_in_parent=self.spawning.release,
            after_in_child=self.spawning.release,
        )
        self.process = None
        self.thread = threading.Thread(
            target=self._watch, name="briefing-task-worker", daemon=True
        )

    def _run(self, *args, wait=True):
        # Its own process group: Ctrl-C reaches the master, which stops the
        # worker in order (on_exit), rather than both at once.
        with self.spawning:
            process = subprocess.Popen([*self.manage, *args], process_group=0)
        if wait:
            process.wait()
        return process

    def _watch(self):
        while not self.stopping.is_set():
            self._run("requeue_orphaned_tasks", "--worker-id", self.worker_id)
            with self.lock:
                if self.stopping.is_set():
                    return
                self.process = self._run(
                    "db_worker",
                    "--no-reload",
                    "--worker-id",
                    self.worker_id,
                    wait=False,
                )
            self.log.info("Task worker started (pid: %s)", self.process.pid)
            # gunicorn's master reaps every child (waitpid(-1)); wait() then
            # learns only that it ended, which is all this needs.
            self.process.wait()
            if not self.stopping.is_set():
                self.log.warning(
                    "Task worker (pid: %s) ended; starting another", self.process.pid
                )
                self.stopping.wait(_WORKER_RESTART_SECONDS)

    def start(self):
        self.thread.start()

    def restart(self):
        """Stop the current worker gracefully; the watcher starts a new one."""
        with self.lock:
            if self.process is not None and self.process.poll() is None:
                self.process.terminate()

    def stop(self):
        self.stopping.set()
        with self.lock:
            process = self.process
        if process is not None and process.poll() is None:
            # db_worker finishes the task it is running, then exits.
            process.terminate()
            try:
                process.wait(_WORKER_STOP_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.thread.join(_WORKER_STOP_SECONDS)
        self.log.info("Task worker stopped")


def when_ready(server):
    if not env.bool("BRIEFING_RUN_WORKER", default=False):
        return
    # Kept on the arbiter: a SIGHUP re-reads this file, and the hooks read
    # from the new module must find the worker the old one started.
    server.briefing_task_worker = _TaskWorker(server.log)
    server.briefing_task_worker.start()


def on_reload(server):
    worker = getattr(server, "briefing_task_worker", None)
    if worker is not None:
        worker.restart()


def on_exit(server):
    worker = getattr(server, "briefing_task_worker", None)
    if worker is not None:
        worker.stop()


# A stop drains (docs/deploy.md, "Stopping an instance"). On SIGTERM the
# master closes its listening socket, but each worker holds a copy of it
# until it exits, so the kernel keeps queueing connections for the port while
# a worker finishes a long request; they are reset only when it is done, and
# nginx resends a request only within 10 s of its first attempt: behind a
# request of more than 10 s, what queued meanwhile answered 502. So a worker
# told to stop while it serves a request closes its copy at once: the port
# refuses from then on, and nginx tries the next instance straight away.
# Only while it serves (from the application's call to the end of the
# request, where the worker's loop does not touch the socket): an idle
# worker, waiting on the socket, exits at once anyway. A reload (SIGHUP)
# stops old workers the same way; the master and the new workers keep the
# socket open then. The handler runs when the worker next runs Python: at
# once for a request that waits on the database or sleeps (poll and sleep
# are interrupted by a signal), only when the read returns for one reading
# a slow client's body (gunicorn has the kernel restart those reads), which
# nginx never sends: it reads the body before passing the request on.


def post_worker_init(worker):
    application = worker.wsgi
    worker.briefing_serving = False

    def serving(environ, start_response):
        worker.briefing_serving = True
        return application(environ, start_response)

    def stop(sig, frame):
        worker.handle_exit(sig, frame)
        if worker.briefing_serving:
            for listener in worker.sockets:
                listener.close()

    worker.wsgi = serving
    signal.signal(signal.SIGTERM, stop)
    # As gunicorn has it: SIGTERM does not interrupt the request's system calls.
    signal.siginterrupt(signal.SIGTERM, False)


def post_request(worker, req, environ, resp):
    worker.briefing_serving = False

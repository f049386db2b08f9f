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

Signals to the master: HUP re-reads this file and replaces the workers
gracefully (the listening socket stays open, no request fails); TERM stops
gracefully; TTIN/TTOU add or remove a worker.
"""

import multiprocessing
import os
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

"""gunicorn settings for Briefing, used by `make run`, the systemd units in
deploy/ and the load and scale scripts.

Environment (every one optional):
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


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


bind = [
    address.strip()
    for address in os.environ.get(
        "BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}"
    ).split(",")
]
workers = _int("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1)
worker_class = "sync"
# A request has `timeout` seconds; longer means a stuck worker, which the
# master kills and replaces. The PostgreSQL pool gives up waiting for a
# connection sooner (settings: BRIEFING_DB_POOL_TIMEOUT), so an outage answers
# an error page instead of a cut connection.
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Sync workers close each connection after one response; keep-alive only
# matters for a proxy that reuses upstream connections.
keepalive = 5
# Recycle workers now and then, at staggered times (the jitter), so a slow leak
# cannot build up and all workers never restart at once.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
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
    for address in os.environ.get("BRIEFING_TRUSTED_PROXIES", "127.0.0.1").split(",")
)

# gunicorn 25+ opens a control socket at one fixed path per user: several
# instances on one machine would fight over it, and nothing here needs it.
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET", "gunicorn.ctl")
control_socket_disable = "GUNICORN_CONTROL_SOCKET" not in os.environ

_access_log = os.environ.get("GUNICORN_ACCESS_LOG", "-")
accesslog = None if _access_log == "off" else _access_log
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
errorlog = "-"
loglevel = "info"
proc_name = os.environ.get("GUNICORN_PROC_NAME", "briefing")

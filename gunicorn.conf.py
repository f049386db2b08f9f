"""gunicorn settings for Briefing, used by `make run` and in production.

Environment: PORT (8000), BIND (127.0.0.1:$PORT), WEB_CONCURRENCY (workers,
default 2 per core + 1), GUNICORN_TIMEOUT (30 s), BRIEFING_TRUSTED_PROXIES
(addresses whose X-Forwarded-* headers are believed).
"""

import multiprocessing
import os

bind = os.environ.get("BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then, at staggered times, so leaks cannot build up.
max_requests = 2000
max_requests_jitter = 200
forwarded_allow_ips = os.environ.get("BRIEFING_TRUSTED_PROXIES", "127.0.0.1")
accesslog = "-"
errorlog = "-"
loglevel = "info"

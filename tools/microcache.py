"""deploy/nginx's micro-cache on the loopback, for tests and the benchmark.

Debian's nginx, run as a process of the caller's (never the system service)
with a configuration in `folder`: the http-context part briefing.conf has
(the upstream, the static and page caches, briefing-cache.conf) and a
plain-http server including briefing-locations.conf verbatim. TLS is left
out: it is the scale test's (tools/scale), not the cache's.
"""

from __future__ import annotations

import http.client
import shutil
import signal
import subprocess
import time
from pathlib import Path

from tools.harness import LOOPBACK, free_port

DEPLOY = Path(__file__).resolve().parent.parent / "deploy" / "nginx"


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next(
        (p for p in ["/usr/sbin/nginx"] if Path(p).exists()), None
    )


def conf(folder: Path, upstream: str, port: int, workers: int | str = 1) -> str:
    return f"""
worker_processes {workers};
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    client_body_temp_path {folder}/client_body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    log_format cache '$request_method $uri $status $upstream_cache_status "$upstream_addr"';
    access_log {folder}/access.log cache;
    upstream briefing {{
        server {upstream} max_fails=2 fail_timeout=10s;
    }}
    proxy_cache_path {folder}/static-cache levels=1:2 keys_zone=briefing_static:1m
                     max_size=16m inactive=1h use_temp_path=off;
    proxy_cache_path {folder}/page-cache levels=1:2 keys_zone=briefing_pages:1m
                     max_size=16m inactive=10m use_temp_path=off;
    include {DEPLOY / "briefing-cache.conf"};
    server {{
        listen {LOOPBACK}:{port};
        server_name {LOOPBACK};
        include {DEPLOY / "briefing-locations.conf"};
    }}
}}
"""


class MicroCache:
    """nginx on a free loopback port in front of `upstream` (host:port).
    `folder` must be readable by nginx's workers (mode 0755 when run as
    root: they drop to an unprivileged user)."""

    def __init__(self, folder: Path, upstream: str, workers: int | str = 1):
        binary = nginx_binary()
        if binary is None:
            raise RuntimeError("nginx is not installed")
        self.folder = folder
        self.port = free_port()
        self.url = f"http://{LOOPBACK}:{self.port}"
        path = folder / "nginx.conf"
        path.write_text(conf(folder, upstream, self.port, workers))
        self.process = subprocess.Popen(
            [
                *(binary, "-p", str(folder), "-c", str(path)),
                *("-e", str(folder / "error.log"), "-g", "daemon off;"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                http.client.HTTPConnection(LOOPBACK, self.port, timeout=1).connect()
                return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(
                        f"nginx did not start: {(folder / 'error.log').read_text()}"
                    ) from None
                time.sleep(0.05)

    def get(self, path: str, **headers) -> http.client.HTTPResponse:
        """One GET; the response with its body read (`.body`, text)."""
        connection = http.client.HTTPConnection(LOOPBACK, self.port, timeout=10)
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.body = response.read().decode("utf-8", "replace")
            return response
        finally:
            connection.close()

    def log(self) -> list[list[str]]:
        """(method, path, status, cache status, upstream) per request."""
        log = self.folder / "access.log"
        return [line.split(" ", 4) for line in log.read_text().splitlines()]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)  # graceful
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stderr:
            self.process.stderr.close()

"""In-process measurements: WSGI calls through the full middleware stack,
exactly as gunicorn makes them, minus the network."""

import io
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.core.wsgi import get_wsgi_application
from django.db import connection

TRANSACTION_CONTROL = ("BEGIN", "SAVEPOINT", "RELEASE", "COMMIT", "ROLLBACK")

_application = None


def application():
    global _application
    if _application is None:
        _application = get_wsgi_application()
    return _application


@dataclass
class Answer:
    status: int
    headers: dict
    body: bytes


def call(
    path: str,
    *,
    cookies: str = "",
    method: str = "GET",
    body: bytes = b"",
    content_type: str = "",
) -> Answer:
    """One request through Django's WSGI handler, as gunicorn would make it."""
    path, _, query = path.partition("?")
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SCRIPT_NAME": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1:8000",
        "HTTP_USER_AGENT": "briefing-bench",
        "HTTP_ACCEPT": "text/html",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    if cookies:
        environ["HTTP_COOKIE"] = cookies
    if body:
        environ["CONTENT_LENGTH"] = str(len(body))
        environ["CONTENT_TYPE"] = content_type
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer["status"] = int(status.split()[0])
        answer["headers"] = dict(headers)

    result = application()(environ, start_response)
    try:
        content = b"".join(result)
    finally:
        if hasattr(result, "close"):
            result.close()
    return Answer(answer["status"], answer["headers"], content)


def data_statements(request: Callable[[], Answer]) -> tuple[Answer, list[str]]:
    """The SQL statements a request runs, less transaction control.

    An execute wrapper sees every statement, where the debug cursor's log
    keeps only the last 9,000 (a peer's page runs more)."""
    statements = []

    def record(execute, sql, params, many, context):
        if not sql.lstrip().upper().startswith(TRANSACTION_CONTROL):
            statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        answer = request()
    return answer, statements


def interleaved_medians(
    scenarios: dict[str, Callable[[], Answer]],
    *,
    seconds: float,
    min_rounds: int = 30,
    slow: dict[str, Callable[[], Answer]] | None = None,
    slow_samples: int = 3,
) -> dict[str, dict]:
    """Time every scenario in turn, round after round, so that whatever else
    the shared machine does falls on all of them alike; figures in ms.

    `slow` scenarios (a peer's page of 5,000 comments takes seconds) are timed
    `slow_samples` times, each between two rounds of the others."""
    slow = slow or {}
    for request in scenarios.values():
        for _ in range(3):
            request()
    timings = {name: [] for name in [*scenarios, *slow]}

    def one_round():
        for name, request in scenarios.items():
            start = time.perf_counter_ns()
            request()
            timings[name].append(time.perf_counter_ns() - start)

    for _ in range(slow_samples):
        for name, request in slow.items():
            one_round()
            start = time.perf_counter_ns()
            request()
            timings[name].append(time.perf_counter_ns() - start)
    deadline = time.monotonic() + seconds
    rounds = 0
    while rounds < min_rounds or time.monotonic() < deadline:
        one_round()
        rounds += 1
    return {name: _summary(values) for name, values in timings.items()}


def _summary(values: list[int]) -> dict:
    ms = sorted(value / 1e6 for value in values)
    return {
        "median_ms": statistics.median(ms),
        "p10_ms": ms[round(0.1 * (len(ms) - 1))],
        "p90_ms": ms[round(0.9 * (len(ms) - 1))],
        "samples": len(ms),
    }

"""Over the wire: wrk from Debian against the benchmark's gunicorn."""

import json
import shutil
import statistics
import subprocess
import sys
import urllib.request
from pathlib import Path

BENCH = Path(__file__).resolve().parent


def ensure_wrk() -> str:
    """wrk, installed from Debian's packages when it is missing (as root)."""
    if not shutil.which("wrk"):
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)
    return shutil.which("wrk")


def fetch(url: str, headers: tuple[str, ...] = ()) -> tuple[int, bytes]:
    request = urllib.request.Request(
        url, headers=dict(header.split(": ", 1) for header in headers)
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        return answer.status, answer.read()


def wrk(
    url: str,
    script: str,
    *,
    seconds: int,
    connections: int = 16,
    threads: int = 2,
    args: tuple[str, ...] = (),
    headers: tuple[str, ...] = (),
) -> dict:
    """One bounded wrk run; its script prints a JSON line of figures.
    `headers` ("Name: value") go with every request."""
    command = [
        ensure_wrk(),
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(BENCH / script),
        *(flag for header in headers for flag in ("-H", header)),
        url,
    ]
    if args:
        command += ["--", *args]
    finished = subprocess.run(
        command, capture_output=True, text=True, timeout=seconds + 60, check=True
    )
    line = next(line for line in finished.stdout.splitlines() if line.startswith("{"))
    figures = json.loads(line)
    figures["rps"] = figures["requests"] / (figures["duration_us"] / 1e6)
    figures["errors"] = sum(
        figures[kind] for kind in ("connect", "read", "write", "status", "timeout")
    )
    print(f"  wrk {url}: {figures['rps']:.0f} req/s", file=sys.stderr)
    return figures


def combined(runs: list[dict]) -> dict:
    """Several short wrk runs of one page as one: requests over time, errors
    summed, the median of their p50 and the worst of their p99."""
    total = {
        key: sum(run[key] for run in runs)
        for key in (
            "requests",
            "duration_us",
            "not_expected",
            "connect",
            "read",
            "write",
            "status",
            "timeout",
            "errors",
        )
    }
    total["rps"] = total["requests"] / (total["duration_us"] / 1e6)
    total["p50_us"] = statistics.median(run["p50_us"] for run in runs)
    total["p99_us"] = max(run["p99_us"] for run in runs)
    total["max_us"] = max(run["max_us"] for run in runs)
    total["rounds_rps"] = [round(run["rps"]) for run in runs]
    return total

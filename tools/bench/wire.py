"""Over the wire: gunicorn as `make run` starts it, and wrk from Debian."""

import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent


def ensure_wrk() -> str:
    """wrk, installed from Debian's packages when it is missing (as root)."""
    if not shutil.which("wrk"):
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)
    return shutil.which("wrk")


class Gunicorn:
    """gunicorn with the project's gunicorn.conf.py and the bench settings.

    Two departures from the production file, both for a fair measurement:
    workers are not recycled during the short runs (max_requests 0), and no
    control socket is opened (other gunicorns share this machine)."""

    def __init__(self, port: int, workers: int, log: Path, env: dict):
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.process = subprocess.Popen(
            [
                str(ROOT / ".venv" / "bin" / "gunicorn"),
                "--config",
                str(ROOT / "gunicorn.conf.py"),
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--max-requests",
                "0",
                "--no-control-socket",
                "--access-logfile",
                str(log.with_suffix(".access.log")),
                "--error-logfile",
                str(log),
                "briefing.wsgi",
            ],
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )

    def wait_ready(self, path: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}")
            try:
                with urllib.request.urlopen(self.url + path, timeout=5) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("gunicorn did not answer in time")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def fetch(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=10) as answer:
        return answer.status, answer.read()


def wrk(
    url: str,
    script: str,
    *,
    seconds: int,
    connections: int = 16,
    threads: int = 2,
    args: tuple[str, ...] = (),
) -> dict:
    """One bounded wrk run; its script prints a JSON line of figures."""
    command = [
        ensure_wrk(),
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(BENCH / script),
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

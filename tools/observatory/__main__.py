"""Grade Briefing's pages with Mozilla's HTTP Observatory, offline.

Serves the production profile of `.env.example` with gunicorn (on a throwaway
SQLite database with the demo content, on 127.0.0.1 only), captures the front
page, the demo article and the sign-in page as the TLS proxy would deliver
them (X-Forwarded-Proto: https) together with the plain-http answer, and
grades each capture with the Observatory's own scoring code.

One-off setup, outside the repository (the package's install script fetches
from the internet, hence --ignore-scripts):

    mkdir -p /tmp/observatory && cd /tmp/observatory
    npm install --ignore-scripts @mdn/mdn-http-observatory@1.4.8

Then, from the repository:

    .venv/bin/python tools/observatory/grade.py --observatory /tmp/observatory

The grading script is shared/tools/observatory-grade.mjs beside the
repository (--grader to point elsewhere). Captures are written to
--captures (default: a temporary folder) for a look at what was graded.
Exits non-zero unless every page grades A+.
"""

import argparse
import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
# The host the grader assumes (observatory-grade.mjs): a redirect elsewhere
# would count as "off host".
HOST = "example.com"
DEMO_ARTICLE = "/articles/russia-enters-the-oil-and-gas-sector-of-the-dprk/"
PAGES = {"front page": "/", "article": DEMO_ARTICLE, "sign-in": "/accounts/login/"}


def production_environment(workdir: Path, port: int) -> dict[str, str]:
    """`.env.example`, with a real secret and a database of its own."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "DATABASE_URL", "CACHE_URL", "BRIEFING_"))
    }
    for line in (BASE_DIR / ".env.example").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            environment[name.strip()] = value.strip()
    environment.update(
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DATABASE_URL=f"sqlite:///{workdir / 'db.sqlite3'}",
        CACHE_URL=f"filecache://{workdir / 'cache'}",
        DJANGO_ALLOWED_HOSTS=HOST,
        DJANGO_CSRF_TRUSTED_ORIGINS=f"https://{HOST}",
        WEB_CONCURRENCY="2",
        BIND=f"127.0.0.1:{port}",
        GUNICORN_ACCESS_LOG="off",
    )
    return environment


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(port: int, path: str, *, https: bool) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"Host": HOST}
    if https:
        headers["X-Forwarded-Proto"] = "https"
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    response.body = response.read().decode("utf-8", "replace")
    connection.close()
    return response


def capture(port: int, path: str) -> dict:
    """One page as the grader expects it (see observatory-grade.mjs)."""
    secure = fetch(port, path, https=True)
    plain = fetch(port, path, https=False)
    return {
        "status": secure.status,
        "headers": {
            name.lower(): value
            for name, value in secure.getheaders()
            if name.lower() != "set-cookie"
        },
        "set_cookie": secure.headers.get_all("Set-Cookie") or [],
        "body": secure.body,
        "http_status": plain.status,
        "http_location": plain.getheader("Location", ""),
    }


def wait_until_serving(port: int, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit("gunicorn stopped before serving; see its log above")
        try:
            if fetch(port, "/healthz", https=False).status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    sys.exit("gunicorn did not answer /healthz within 60 s")


def grade(capture_file: Path, observatory: Path, grader: Path) -> dict:
    """Run the shared grader from inside the npm package's folder."""
    preload = (
        observatory / "node_modules/@mdn/mdn-http-observatory/conf/hsts-preload.json"
    )
    if not preload.exists():
        # The preload list is downloaded by the install script we skipped;
        # offline, no site is on it (which costs nothing at A+).
        preload.write_text("{}")
    shutil.copyfile(grader, observatory / grader.name)
    with capture_file.open() as stdin:
        result = subprocess.run(
            ["node", grader.name],
            cwd=observatory,
            stdin=stdin,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
    return json.loads(result.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--observatory",
        type=Path,
        required=True,
        help="folder where @mdn/mdn-http-observatory is installed",
    )
    parser.add_argument(
        "--grader",
        type=Path,
        default=BASE_DIR.parent / "shared/tools/observatory-grade.mjs",
    )
    parser.add_argument("--captures", type=Path, help="keep the captures here")
    arguments = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="briefing-observatory-"))
    captures = arguments.captures or workdir / "captures"
    captures.mkdir(parents=True, exist_ok=True)
    port = free_port()
    environment = production_environment(workdir, port)
    python = sys.executable
    for command in (
        ["migrate", "--noinput", "-v0"],
        ["load_demo"],
        ["collectstatic", "--noinput", "-v0"],
    ):
        subprocess.run(
            [python, "manage.py", *command],
            cwd=BASE_DIR,
            env=environment,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    server = subprocess.Popen(
        [
            str(Path(python).parent / "gunicorn"),
            "--config",
            "gunicorn.conf.py",
            "briefing.wsgi",
        ],
        cwd=BASE_DIR,
        env=environment,
        start_new_session=True,
    )
    grades = {}
    try:
        wait_until_serving(port, server)
        for name, path in PAGES.items():
            capture_file = captures / f"{name.replace(' ', '-')}.json"
            capture_file.write_text(json.dumps(capture(port, path), indent=1))
            grades[name] = grade(capture_file, arguments.observatory, arguments.grader)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
        if arguments.captures is None:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            shutil.rmtree(workdir / "cache", ignore_errors=True)

    for name, result in grades.items():
        failing = {
            test: outcome for test, outcome in result["tests"].items() if outcome[1] < 0
        }
        print(
            f"{name:11} {PAGES[name]:60} {result['grade']:3} {result['score']:4}"
            + (f"  penalties: {failing}" if failing else "")
        )
        for test, (outcome, modifier) in sorted(result["tests"].items()):
            print(f"    {test:32} {outcome:48} {modifier:+d}")
    return 0 if all(result["grade"] == "A+" for result in grades.values()) else 1


if __name__ == "__main__":
    sys.exit(main())

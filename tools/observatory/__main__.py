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

    .venv/bin/python -m tools.observatory --observatory /tmp/observatory

The grading script is shared/tools/observatory-grade.mjs beside the
repository (--grader to point elsewhere). Captures are written to
--captures (default: a temporary folder) for a look at what was graded.
Exits non-zero unless every page grades A+.
"""

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from tools.harness import (
    REPO,
    Gunicorn,
    free_port,
    get,
    prepare_site,
    production_environment,
    site_environment,
)

# The host the grader assumes (observatory-grade.mjs): a redirect elsewhere
# would count as "off host".
HOST = "example.com"
DEMO_ARTICLE = "/articles/russia-enters-the-oil-and-gas-sector-of-the-dprk/"
PAGES = {"front page": "/", "article": DEMO_ARTICLE, "sign-in": "/accounts/login/"}


def environment(workdir: Path) -> dict[str, str]:
    """`.env.example`, with a real secret and a database of its own."""
    return site_environment(
        f"sqlite:///{workdir / 'db.sqlite3'}",
        f"filecache://{workdir / 'cache'}",
        **{
            **production_environment(),
            "DJANGO_ALLOWED_HOSTS": HOST,
            "DJANGO_CSRF_TRUSTED_ORIGINS": f"https://{HOST}",
        },
    )


def fetch(port: int, path: str, *, https: bool):
    headers = {"Host": HOST}
    if https:
        headers["X-Forwarded-Proto"] = "https"
    return get(port, path, headers)


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
        default=REPO.parent / "shared/tools/observatory-grade.mjs",
    )
    parser.add_argument("--captures", type=Path, help="keep the captures here")
    arguments = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="briefing-observatory-"))
    captures = arguments.captures or workdir / "captures"
    captures.mkdir(parents=True, exist_ok=True)
    port = free_port()
    site = environment(workdir)
    prepare_site(site)
    server = Gunicorn(site, port, 2, workdir / "gunicorn.log")
    grades = {}
    try:
        server.wait_ready(headers={"Host": HOST})
        for name, path in PAGES.items():
            capture_file = captures / f"{name.replace(' ', '-')}.json"
            capture_file.write_text(json.dumps(capture(port, path), indent=1))
            grades[name] = grade(capture_file, arguments.observatory, arguments.grader)
    finally:
        server.stop()
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

"""The account limits hold across processes: two `manage.py shell` processes,
each with a cache of its own (so nothing can be shared but the database),
hammer one SQLite file at the same moment, and no more attempts get through
than the limit allows."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from briefing.accounts import throttle

ROOT = Path(__file__).resolve().parent.parent

SETUP = """
from allauth.account.models import EmailAddress
from briefing.accounts.models import User
user = User.objects.create_user("Paul3390", "paul@example.com", "right password")
EmailAddress.objects.create(user=user, email="paul@example.com", primary=True)
"""

# Each process waits for the same moment, then posts as fast as it can.
HAMMER = """
import json, time
from django.test import Client
client = Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5")
while time.time() < {start}:
    time.sleep(0.001)
statuses = []
for number in range({times}):
    if "{what}" == "sign-in":
        response = client.post(
            "/accounts/login/", {{"login": "Paul3390", "password": "wrong"}}
        )
    else:
        response = client.post(
            "/accounts/signup/",
            {{
                "username": f"{{time.time_ns()}}-{{number}}",
                "display_name": "Racer",
                "email": f"{{time.time_ns()}}-{{number}}@example.com",
                "password1": "a long and unusual passphrase",
                "password2": "a long and unusual passphrase",
            }},
        )
        client.cookies.clear()
    statuses.append(response.status_code)
print(json.dumps(statuses))
"""


def _environment(database: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        # A cache per process: a limit counted there could not hold.
        "CACHE_URL": "locmemcache://",
        "BRIEFING_RATE_LIMITS": "on",
        # Pages name their static files unhashed, with no collectstatic run.
        "DJANGO_DEBUG": "on",
    }


def _manage(environment, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=180,
        check=True,
    )


def _hammer(tmp_path: Path, what: str, times: int) -> list[int]:
    environment = _environment(tmp_path / "db.sqlite3")
    _manage(environment, "migrate", "--verbosity", "0")
    _manage(environment, "shell", "--command", SETUP)
    start = time.time() + 8  # both processes have started Django by then
    command = HAMMER.format(start=start, times=times, what=what)
    processes = [
        subprocess.Popen(
            [sys.executable, "manage.py", "shell", "--command", command],
            cwd=ROOT,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    statuses = []
    for process in processes:
        out, err = process.communicate(timeout=180)
        assert process.returncode == 0, err
        statuses += json.loads(out.strip().splitlines()[-1])
    return statuses


def test_sign_in_limit_holds_across_two_processes_on_one_database(tmp_path):
    statuses = _hammer(tmp_path, "sign-in", times=10)

    # 200: the password was checked and was wrong; 429: refused unchecked.
    assert set(statuses) <= {200, 429}
    assert 1 <= statuses.count(200) <= throttle.SIGN_IN_FAILURES_PER_READER
    assert statuses.count(429) >= 20 - throttle.SIGN_IN_FAILURES_PER_READER


def test_sign_up_limit_holds_across_two_processes_on_one_database(tmp_path):
    statuses = _hammer(tmp_path, "sign-up", times=10)

    assert set(statuses) <= {302, 429}
    assert 1 <= statuses.count(302) <= throttle.SIGN_UPS_PER_ADDRESS

"""A minimal site built on a peer comment app, measured like Briefing.

Runs inside the peer's own throwaway virtualenv (tools/bench makes it under
/tmp): `python peer.py contrib|xtd OUT.json`, with BENCH_DIR (where its
SQLite file lives), BENCH_SECONDS and, for PostgreSQL, DATABASE_URL.

The site has what a reader's page needs and nothing more: Django's default
middleware, an article, and the app's own comment list under it
(django-contrib-comments: `render_comment_list`; django-comments-xtd:
`render_xtdcomment_tree`), with the app's default templates. It seeds the
same discussion sizes by a few hundred readers, then times the page with
WSGI calls, interleaved with a constant view through the same middleware.
"""

import json
import os
import random
import shutil
import sys
from datetime import timedelta
from importlib.metadata import version
from pathlib import Path
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parents[2])]

import django  # noqa: E402
from django.conf import settings  # noqa: E402

PEER = sys.argv[1]
OUT = Path(sys.argv[2])
WORK_DIR = Path(os.environ["BENCH_DIR"]) / f"peer-{PEER}"
SIZES = (50, 500, 5000)
READERS = 300


def _database() -> dict:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        parts = urlsplit(url)
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": f"{parts.path.lstrip('/')}_{PEER}",
            "USER": parts.username or "postgres",
            "HOST": parts.hostname or "127.0.0.1",
            "PORT": parts.port or 5432,
            "OPTIONS": {"pool": {"min_size": 1, "max_size": 4}},
        }
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": WORK_DIR / "peer.sqlite3",
        "CONN_MAX_AGE": None,
        "OPTIONS": {
            "init_command": "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;"
        },
    }


APPS = {
    "contrib": ["django_comments"],
    "xtd": ["django_comments_xtd", "django_comments"],
}[PEER]
settings.configure(
    DEBUG=False,
    SECRET_KEY="peer benchmark, not a secret",
    ALLOWED_HOSTS=["127.0.0.1"],
    INSTALLED_APPS=[
        "django.contrib.admin",
        "django.contrib.auth",
        "django.contrib.contenttypes",
        "django.contrib.sessions",
        "django.contrib.messages",
        "django.contrib.sites",
        *APPS,
        "peerapp",
    ],
    COMMENTS_APP="django_comments_xtd" if PEER == "xtd" else "django_comments",
    COMMENTS_XTD_CONFIRM_EMAIL=False,
    SITE_ID=1,
    # Django's startproject middleware: what a site built on the app runs.
    MIDDLEWARE=[
        "django.middleware.security.SecurityMiddleware",
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.common.CommonMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "django.contrib.messages.middleware.MessageMiddleware",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
    ],
    ROOT_URLCONF="peerurls",
    TEMPLATES=[
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "DIRS": [HERE / "templates"],
            "APP_DIRS": True,
            "OPTIONS": {
                "context_processors": [
                    "django.template.context_processors.request",
                    "django.contrib.auth.context_processors.auth",
                    "django.contrib.messages.context_processors.messages",
                ]
            },
        }
    ],
    DATABASES={"default": _database()},
    DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
    USE_TZ=True,
    TIME_ZONE="Europe/Moscow",
    STATIC_URL="static/",
)
django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from peerapp.models import Article  # noqa: E402

from tools.bench import inprocess  # noqa: E402
from tools.bench.corpus import comment_body  # noqa: E402


def seed() -> None:
    rng = random.Random(7)
    password = make_password("bench password, not a secret")
    readers = User.objects.bulk_create(
        User(username=f"reader{n}", email=f"reader{n}@example.com", password=password)
        for n in range(READERS)
    )
    readers = list(User.objects.filter(pk__in=[r.pk for r in readers]))
    now = timezone.now()
    for size in SIZES:
        article = Article.objects.create(
            slug=f"discussion-{size}",
            title=f"A discussion of {size} comments",
            lead="Moscow and Pyongyang continue to expand cooperation.",
            body="A paragraph.\n\nAnother paragraph.\n\nA third one.",
        )
        comments = [
            {
                "content_type": ContentType.objects.get_for_model(Article),
                "object_pk": str(article.pk),
                "site_id": 1,
                "user": (author := rng.choice(readers)),
                "user_name": author.username,
                "user_email": author.email,
                "comment": comment_body(rng, n),
                "submit_date": now - timedelta(days=1) + timedelta(seconds=30 * n),
                "ip_address": "127.0.0.1",
                "is_public": True,
                "is_removed": n % 50 == 49,
            }
            for n in range(size)
        ]
        if PEER == "xtd":
            # XtdComment extends Comment by multi-table inheritance, which
            # bulk_create cannot fill; save() also sets its thread fields.
            from django_comments_xtd.models import XtdComment

            with transaction.atomic():
                for fields in comments:
                    XtdComment(**fields).save()
        else:
            from django_comments.models import Comment

            Comment.objects.bulk_create(Comment(**fields) for fields in comments)


def main() -> None:
    # A fresh SQLite file each run (tools/bench recreates a PostgreSQL one).
    shutil.rmtree(WORK_DIR, ignore_errors=True)
    WORK_DIR.mkdir(parents=True)
    call_command("migrate", run_syncdb=True, verbosity=0)
    seed()
    scenarios = {"constant": lambda: inprocess.call("/constant/")}
    slow = {}
    statements = {}
    for size in SIZES:
        path = f"/articles/discussion-{size}/"
        answer, sql = inprocess.data_statements(lambda path=path: inprocess.call(path))
        assert answer.status == 200, (answer.status, answer.body[:2000])
        statements[size] = len(sql)
        # The largest page of a peer takes up to seconds: a few samples.
        (slow if size == max(SIZES) else scenarios)[f"page_{size}"] = lambda path=path: (
            inprocess.call(path)
        )
    timings = inprocess.interleaved_medians(
        scenarios,
        seconds=float(os.environ.get("BENCH_SECONDS", "20")),
        min_rounds=5,
        slow=slow,
        slow_samples=int(os.environ.get("BENCH_SLOW_SAMPLES", "3")),
    )
    package = {"contrib": "django-contrib-comments", "xtd": "django-comments-xtd"}
    versions = {name: version(name) for name in ["Django", package[PEER]]}
    OUT.write_text(
        json.dumps(
            {
                "peer": PEER,
                "versions": versions,
                "database": connection.vendor,
                "timings": timings,
                "statements": statements,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()

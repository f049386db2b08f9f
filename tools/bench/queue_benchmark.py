"""How fast the moderation queue (the admin's comment list) answers on a big table.

Seeds a fresh database with 200,000 comments (bulk inserts) and times the
admin changelist as a signed-in moderator sees it, through Django's test
client and the full middleware stack: the default queue, status filters, the
whole list, an article, and searches. Prints the median time and the number
of SQL statements (transaction control left out) for each view, and how
much of the time the SQL took (the rest is Python: the admin's templates).

    .venv/bin/python -m tools.bench.queue_benchmark         # SQLite file under /tmp
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/briefing_bench_queue \\
        .venv/bin/python -m tools.bench.queue_benchmark     # PostgreSQL

The database is dropped and created anew: point DATABASE_URL only at a
throwaway database. A benchmark, not a test: figures depend on the machine.
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

from tools.harness import fresh_database

SQLITE_PATH = Path("/tmp/briefing_queue_benchmark.sqlite3")
TRANSACTION_CONTROL = ("BEGIN", "SAVEPOINT", "RELEASE", "COMMIT", "ROLLBACK")

WORDS = [
    "oil",
    "gas",
    "sector",
    "sanctions",
    "pipeline",
    "energy",
    "market",
    "price",
    "export",
    "agreement",
    "minister",
    "talks",
    "border",
    "winter",
    "supply",
    "contract",
    "tanker",
    "refinery",
    "port",
    "analysts",
    "expect",
    "government",
    "budget",
    "reform",
    "vote",
    "election",
    "statement",
]


def prepare_database() -> str:
    """Empty the benchmark's database and return a description of it."""
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        url = os.environ["DATABASE_URL"] = f"sqlite:///{SQLITE_PATH}"
    elif not url.startswith("postgres"):
        sys.exit("DATABASE_URL: only PostgreSQL, or nothing for SQLite")
    fresh_database(url)
    return url


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "briefing.settings")
    os.environ["CACHE_URL"] = "locmemcache://"
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
    import django

    django.setup()
    from django.conf import settings

    # The admin's pages name static files; the benchmark runs no collectstatic.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }


def seed(total: int, rng: random.Random) -> dict:
    """`total` comments over a year by 5,000 readers under 200 articles:
    about 1% pending, 0.5% published with open reports, 3% rejected, 1% deleted.
    """
    from django.contrib.auth.models import Group
    from django.db import transaction
    from django.utils import timezone

    from briefing.accounts.models import User
    from briefing.models import Article
    from briefing.text import skeleton
    from comments.models import Comment, Report, Rule, Status

    now = timezone.now()
    start = now - timedelta(days=365)
    with transaction.atomic():
        desk = User.objects.create_user(username="desk", is_staff=True)
        moderator = User.objects.create_user(username="moderator", is_staff=True)
        moderator.groups.add(Group.objects.get(name="Moderators"))
        readers = User.objects.bulk_create(
            User(
                username=f"reader{n}",
                username_key=skeleton(f"reader{n}"),
                display_name=f"Reader {n}",
                password="!",
            )
            for n in range(5000)
        )
        articles = Article.objects.bulk_create(
            Article(
                slug=f"article-{n}",
                title=f"Article number {n} about {rng.choice(WORDS)}",
                lead="Lead.",
                body="Body.",
                author=desk,
                published_at=start + timedelta(days=n * 365 / 200),
            )
            for n in range(200)
        )

    def comment(n: int) -> Comment:
        roll = rng.random()
        status, rule, reports = Status.PUBLISHED, "", 0
        if roll < 0.01:
            status, rule = Status.PENDING, rng.choice([Rule.NEW_READER, Rule.LINKS])
        elif roll < 0.015:
            reports = 2
        elif roll < 0.045:
            status, rule = Status.REJECTED, Rule.BANNED_WORD
        elif roll < 0.055:
            status = Status.DELETED
        return Comment(
            article=articles[n * len(articles) // total],
            author=rng.choice(readers),
            body=" ".join(rng.choices(WORDS, k=rng.randint(8, 40))).capitalize() + ".",
            status=status,
            rule=rule,
            open_reports=reports,
            created_at=start + timedelta(seconds=n * 365 * 86400 / total),
        )

    batch = 5000
    for first in range(0, total, batch):
        with transaction.atomic():
            made = Comment.objects.bulk_create(
                [comment(n) for n in range(first, min(first + batch, total))]
            )
            Report.objects.bulk_create(
                Report(comment=c, reporter=reporter, reason=Report.Reason.SPAM)
                for c in made
                if c.open_reports
                for reporter in rng.sample(readers, c.open_reports)
            )
    return {
        "moderator": moderator,
        "article": articles[len(articles) // 2],
        "author": readers[17],
    }


def analyze() -> None:
    """Fresh statistics, as a live database has them."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def measure(client, url: str, runs: int) -> tuple[float, float, int, int]:
    """Median time of the whole request and of its SQL, statements, rows."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm: session, permissions cache, settings
    times, sql_times = [], []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            began = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - began) * 1000)
        sql_times.append(sum(float(q["time"]) for q in queries.captured_queries) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
    statements = [
        q["sql"]
        for q in queries.captured_queries
        if not q["sql"].lstrip().upper().startswith(TRANSACTION_CONTROL)
    ]
    rows = response.content.count(b'name="_selected_action"')
    return statistics.median(times), statistics.median(sql_times), len(statements), rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--comments", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=7)
    options = parser.parse_args()

    database = prepare_database()
    setup_django()
    from django.core.management import call_command
    from django.db import connections
    from django.test import Client

    began = time.perf_counter()
    call_command("migrate", verbosity=0)
    seeded = seed(options.comments, random.Random(4))
    analyze()
    seeding = time.perf_counter() - began

    client = Client()
    client.force_login(seeded["moderator"])
    queue = "/admin/comments/comment/"
    views = [
        ("queue (default: needs a decision)", queue),
        ("queue, page 5", f"{queue}?p=5"),
        ("status = pending", f"{queue}?status__exact=pending"),
        ("status = rejected", f"{queue}?status__exact=rejected"),
        ("status = published, page 20", f"{queue}?status__exact=published&p=20"),
        ("all comments, newest first", f"{queue}?queue=all"),
        ("rule = links, all", f"{queue}?queue=all&rule__exact=links"),
        ("one article, all", f"{queue}?queue=all&article={seeded['article'].pk}"),
        ("search text in queue", f"{queue}?q=pipeline"),
        ("search text, all", f"{queue}?queue=all&q=pipeline"),
        ("search rare text, all", f"{queue}?queue=all&q=zeppelin"),
        ("search author, all", f"{queue}?queue=all&q={seeded['author'].username}"),
    ]
    print(f"{database}: {options.comments:,} comments seeded in {seeding:.0f} s")
    print(f"median of {options.runs} runs per view, moderator signed in\n")
    print(f"{'view':36} {'median ms':>9} {'of it SQL':>9} {'queries':>7} {'rows':>4}")
    for label, url in views:
        median, sql, queries, rows = measure(client, url, options.runs)
        print(f"{label:36} {median:9.1f} {sql:9.1f} {queries:7d} {rows:4d}")
    connections.close_all()  # a PostgreSQL pool's threads end with it


if __name__ == "__main__":
    main()

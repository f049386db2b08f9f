"""Briefing's own settings, pointed at the benchmark's database and cache.

Everything the product does is kept (middleware, templates, static storage,
SQLite pragmas or the PostgreSQL pool); only where data lives changes, and the
URLs gain the benchmark's constant view (tools/bench/urls.py), which the product
never serves.
"""

import os
from pathlib import Path

WORK_DIR = Path(os.environ.get("BENCH_DIR", "/tmp/briefing-bench"))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{WORK_DIR / 'briefing.sqlite3'}")
os.environ.setdefault("CACHE_URL", f"filecache://{WORK_DIR / 'cache'}")

from briefing.settings import *  # noqa: E402, F403

ROOT_URLCONF = "tools.bench.urls"
STATIC_ROOT = WORK_DIR / "static"

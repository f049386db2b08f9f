# Briefing: `make run` serves the demo, `make test` runs the whole suite.
PYTHON_VERSION := $(shell cat .python-version)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000

.PHONY: install install-dev migrate demo run test lint migrations-check clean load-test scale-test bench

# Python 3.13 from pyenv when it is there, else python3.13 on PATH.
$(VENV)/bin/python:
	@set -e; \
	if command -v pyenv >/dev/null 2>&1 && pyenv prefix $(PYTHON_VERSION) >/dev/null 2>&1; then \
		base="$$(pyenv prefix $(PYTHON_VERSION))/bin/python3"; \
	else base="$$(command -v python$(PYTHON_VERSION))"; fi; \
	test -n "$$base" || { echo "Python $(PYTHON_VERSION) not found: install it (pyenv install $(PYTHON_VERSION))"; exit 1; }; \
	"$$base" -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install -q --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(PY) -m pip install -q --disable-pip-version-check -r requirements-dev.txt
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo

# gunicorn in the foreground on $(PORT), with one task worker beside it
# (gunicorn.conf.py's hooks): Ctrl-C or SIGTERM stops both.
run: demo
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) manage.py prune_db_task_results -v0
	PORT=$(PORT) BRIEFING_RUN_WORKER=on BRIEFING_SITE_URL=http://127.0.0.1:$(PORT) \
		exec $(VENV)/bin/gunicorn --config gunicorn.conf.py briefing.wsgi

# What the browser tests (tests/browser, marked `browser`) need besides
# Python: axe-core, the Nu Html Checker and the naughty strings from npm, as
# package-lock.json pins them (their install scripts would fetch from the
# internet, and are not needed), then Debian's Chromium and a Java runtime.
node_modules/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	touch $@

.PHONY: browser-deps
browser-deps: node_modules/.installed
	@command -v chromium >/dev/null 2>&1 && command -v java >/dev/null 2>&1 || { \
		apt-get update -qq && apt-get install -y -qq chromium default-jre-headless >/dev/null; }

# The whole suite, browser tests last; PYTEST_ARGS='-m "not browser"' skips them.
test: install-dev browser-deps
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Load and faults against gunicorn (SIGHUP, SIGKILL of a worker), on SQLite,
# then on PostgreSQL + Redis with a restart of the PostgreSQL cluster
# PG_CLUSTER: everything else using that cluster sees the outage too.
# docs/load-and-fault.md explains the figures.
PG_CLUSTER ?= main
load-test: install
	$(PY) scripts/loadfault.py $(LOADFAULT_ARGS)
	$(PY) scripts/loadfault.py --db postgres --pg-cluster $(PG_CLUSTER) $(LOADFAULT_ARGS)

# Two gunicorn instances behind nginx (installed with apt-get if missing) on
# the PostgreSQL and Redis of 127.0.0.1; a few minutes. docs/deploy.md.
scale-test: install
	$(PY) scripts/scale_test.py $(SCALE_TEST_ARGS)

# Issue 7's benchmark on SQLite (PostgreSQL when DATABASE_URL is set): query
# counts, in-process medians, wrk against gunicorn, and the same pages on two
# peer comment apps in throwaway virtualenvs under /tmp; five minutes or so.
# Writes bench/results/ and docs/benchmarks.md. BENCH_ARGS=--skip-peers: shorter.
bench: install
	$(PY) bench/run.py $(BENCH_ARGS)

migrations-check: install-dev
	$(PY) manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) var/db.sqlite3* var/cache var/static

# Briefing: `make run` serves the demo, `make test` runs the whole suite.
PYTHON_VERSION := $(shell cat .python-version)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000

.PHONY: install install-dev lock migrate demo run test screenshots lint migrations-check clean load-test scale-test bench gettext-deps compilemessages messages messages-check

# Python 3.13 from pyenv when it is there, else python3.13 on PATH.
$(VENV)/bin/python:
	@set -e; \
	if command -v pyenv >/dev/null 2>&1 && pyenv prefix $(PYTHON_VERSION) >/dev/null 2>&1; then \
		base="$$(pyenv prefix $(PYTHON_VERSION))/bin/python3"; \
	else base="$$(command -v python$(PYTHON_VERSION))"; fi; \
	test -n "$$base" || { echo "Python $(PYTHON_VERSION) not found: install it (pyenv install $(PYTHON_VERSION))"; exit 1; }; \
	"$$base" -m venv $(VENV)

# Installs come from the locks, every file checked against its hash.
PIP_INSTALL := $(PY) -m pip install -q --disable-pip-version-check --require-hashes

$(VENV)/.installed: requirements.txt | $(VENV)/bin/python
	$(PIP_INSTALL) -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(PIP_INSTALL) -r requirements-dev.txt
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# requirements.in and requirements-dev.in are the lists people edit; this
# writes the locks from them (every version pinned, every file's hash), from
# the package index: run it after changing either list, then `make test`.
PIP_COMPILE := CUSTOM_COMPILE_COMMAND="make lock" $(VENV)/bin/pip-compile --quiet \
	--generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links
lock: install-dev
	$(PIP_COMPILE) --output-file requirements.txt requirements.in
	$(PIP_COMPILE) --output-file requirements-dev.txt requirements-dev.in

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo

# Translations: locale/<language>/LC_MESSAGES/django.po are the source (git
# keeps them), the .mo files Django reads are compiled from them at install
# (git ignores them). msgfmt and xgettext come from Debian's gettext. Two
# catalogues: django (templates, Python) and djangojs (static/js, served at
# /jsi18n/).
MAKEMESSAGES_ARGS := -l ru --no-location --no-obsolete --ignore=".venv/*" \
	--ignore="node_modules/*" --ignore="tests/*" --ignore="tools/*" --ignore="var/*"
define MAKEMESSAGES
	$(PY) manage.py makemessages -v0 $(MAKEMESSAGES_ARGS)
	$(PY) manage.py makemessages -v0 -d djangojs $(MAKEMESSAGES_ARGS)
endef

gettext-deps:
	@command -v msgfmt >/dev/null 2>&1 && command -v xgettext >/dev/null 2>&1 || { \
		apt-get update -qq && apt-get install -y -qq gettext >/dev/null; }

compilemessages: install gettext-deps
	$(PY) manage.py compilemessages -v0 --ignore=.venv --ignore=node_modules

# After changing the site's words: the .po files brought up to date, to translate.
messages: install-dev gettext-deps
	$(MAKEMESSAGES)

# Fails when a string the site writes has no translation, or a fuzzy one
# (makemessages guessed it from a similar string: someone must check it).
messages-check: install-dev gettext-deps
	$(MAKEMESSAGES)
	@status=0; for po in locale/*/LC_MESSAGES/*.po; do \
		left="$$(msgattrib --untranslated --no-obsolete --no-wrap "$$po"; msgattrib --only-fuzzy --no-obsolete --no-wrap "$$po")"; \
		if [ -n "$$left" ]; then \
			echo "$$po: untranslated or fuzzy:"; printf '%s\n' "$$left" | grep '^msgid ' | grep -v '^msgid ""$$'; status=1; \
		fi; \
	done; exit $$status

# gunicorn in the foreground on $(PORT), with one task worker beside it
# (gunicorn.conf.py's hooks): Ctrl-C or SIGTERM stops both.
run: demo compilemessages
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

# nginx for the micro-cache tests (tests/test_nginx_cache.py run their own
# nginx on free ports) and the scale test: installed with its service kept
# from starting, so that nothing is left listening on port 80.
.PHONY: nginx-deps
nginx-deps:
	@command -v nginx >/dev/null 2>&1 || test -x /usr/sbin/nginx || { \
		policy=/usr/sbin/policy-rc.d; ours=; \
		if [ ! -e $$policy ]; then printf '#!/bin/sh\nexit 101\n' > $$policy; chmod +x $$policy; ours=1; fi; \
		apt-get update -qq && apt-get install -y -qq nginx >/dev/null; status=$$?; \
		if [ -n "$$ours" ]; then rm -f $$policy; fi; exit $$status; }

# The whole suite, browser tests last; PYTEST_ARGS='-m "not browser"' skips them.
# The browser tests' screenshots go to var/screenshots/ (ignored by git).
test: install-dev browser-deps nginx-deps compilemessages
	$(VENV)/bin/pytest $(PYTEST_ARGS)

# Refresh the screenshots docs/browser.md and the README show, on purpose:
# the browser tests that take them, writing into docs/screenshots/.
screenshots: install-dev browser-deps
	SCREENSHOTS_DIR=docs/screenshots $(VENV)/bin/pytest -m browser -p no:randomly \
		tests/browser/test_design.py tests/browser/test_journeys.py

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Load and faults against gunicorn (SIGHUP, SIGKILL of a worker) on SQLite,
# then on PostgreSQL + Redis with a restart of PostgreSQL: a private cluster
# the tool makes in a temporary folder on PG_PORT and deletes afterwards.
# PG_CLUSTER=main uses and restarts that shared Debian cluster instead, which
# cuts everything else using it. The task worker runs beside gunicorn and mails
# the replies' notifications to a local SMTP server (aiosmtpd, a development
# requirement). docs/load-and-fault.md explains the figures.
LOAD_PORT ?= 8021
PG_PORT ?= 5439
PG_CLUSTER ?=
load-test: install-dev
	$(PY) -m tools.load --port $(LOAD_PORT) $(LOADFAULT_ARGS)
	$(PY) -m tools.load --db postgres --port $(LOAD_PORT) \
		$(if $(PG_CLUSTER),--restart-cluster $(PG_CLUSTER),--pg-port $(PG_PORT)) $(LOADFAULT_ARGS)

# Two gunicorn instances behind nginx (installed with apt-get if missing) on
# the PostgreSQL and Redis of 127.0.0.1, a task worker beside each, mailing to
# a local SMTP server (aiosmtpd); a few minutes. docs/deploy.md.
NGINX_PORT ?= 8030
INSTANCE_PORTS ?= 8031,8032
scale-test: install-dev nginx-deps
	$(PY) -m tools.scale --nginx-port $(NGINX_PORT) --ports $(INSTANCE_PORTS) $(SCALE_TEST_ARGS)

# The benchmark on SQLite (PostgreSQL when DATABASE_URL is set): query
# counts, in-process medians, wrk against gunicorn on BENCH_PORT, and the
# same pages on two peer comment apps in throwaway virtualenvs under /tmp;
# five minutes or so. Writes tools/bench/results/ and docs/benchmarks.md;
# BENCH_ARGS=--no-report leaves them alone, --skip-peers is shorter.
BENCH_PORT ?= 8917
bench: install
	$(PY) -m tools.bench --port $(BENCH_PORT) $(BENCH_ARGS)

migrations-check: install-dev
	$(PY) manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) var/db.sqlite3* var/cache var/static var/screenshots

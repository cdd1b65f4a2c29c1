# Beacon: `make run` sets everything up and serves on http://127.0.0.1:8050; `make test` sets up and tests.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
WAREHOUSE ?= $(or $(BEACON_WAREHOUSE),data/cx.duckdb)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run dev prod prod-stop setup setup-dev vendor translations translations-update translations-new demo chromium services test test-unit lint format lock bench bench-load clean

run: setup demo chromium
	$(VENV)/bin/gunicorn --config gunicorn.conf.py app:server

# The production topology on this machine (deploy/prod.py): nginx on :8050 balancing two gunicorn hosts,
# each with its own copy of the snapshot, sharing Redis and a PostgreSQL state database. Ctrl-C stops it.
prod: setup demo services
	$(PY) -m deploy.prod up

prod-stop: $(VENV)/.runtime
	$(PY) -m deploy.prod down

# Development server with hot reload.
dev: setup demo
	$(PY) app.py

setup: $(VENV)/.runtime assets/vendor/VERSIONS translations

setup-dev: setup $(VENV)/.dev

$(VENV)/.runtime: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt $(VENV)/.runtime
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

assets/vendor/VERSIONS: scripts/vendor.sh
	scripts/vendor.sh

vendor:
	scripts/vendor.sh

# The interface's languages (i18n.py): each catalogue, translations/<lang>/LC_MESSAGES/messages.po, is in
# the repository; its compiled .mo (git-ignored) is built from it here, offline, by Babel's pybabel.
CATALOGUES := $(wildcard translations/*/LC_MESSAGES/messages.po)
translations: $(CATALOGUES:.po=.mo)

translations/%/LC_MESSAGES/messages.mo: translations/%/LC_MESSAGES/messages.po $(VENV)/.runtime
	$(VENV)/bin/pybabel compile --statistics -l $* -i $< -o $@

# After changing messages in the code: the template (translations/messages.pot) extracted anew, and every
# catalogue updated from it (new messages empty, changed ones marked fuzzy); translate, then `make setup`.
PYBABEL_EXTRACT = $(VENV)/bin/pybabel --quiet extract -F babel.cfg -k lazy_gettext --add-location=file \
	--sort-by-file --no-wrap --project=Beacon --copyright-holder=Beacon
translations-update: $(VENV)/.runtime
	$(PYBABEL_EXTRACT) -o translations/messages.pot .
	$(VENV)/bin/pybabel --quiet update --no-wrap --ignore-obsolete -i translations/messages.pot -d translations

# A new language: make translations-new LANG_CODE=de (then add it to i18n.LANGUAGES and translate).
translations-new: $(VENV)/.runtime
	$(VENV)/bin/pybabel init --no-wrap -i translations/messages.pot -d translations -l $(LANG_CODE)

# Builds the demo warehouse only when there is none, and seeds demo commitments only into an empty state
# database over the demo warehouse: your own data is never overwritten.
demo: $(VENV)/.runtime
	@test -f "$(WAREHOUSE)" || $(PY) -m data.demo --out "$(WAREHOUSE)" --previous-days 7
	@$(PY) -m data.demo.commitments

# Debian's Chromium (the review pack prints Beacon's pages with it; the browser tests drive it) and
# poppler's pdftotext/pdftoppm, which the tests read the pack with (never a browser download).
chromium:
	@command -v chromium >/dev/null && command -v pdftotext >/dev/null || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium chromium-driver poppler-utils; }

# Debian's nginx, Redis and PostgreSQL for the production topology and its tests (only what is missing).
SERVICES := $(strip $(if $(shell command -v nginx || test -x /usr/sbin/nginx && echo y),,nginx) \
	$(if $(shell command -v redis-server),,redis-server) \
	$(if $(wildcard /usr/lib/postgresql/*/bin/pg_ctl),,postgresql))
services:
	@$(if $(SERVICES),$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $(SERVICES),true)

test: setup-dev chromium services
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) -m pytest

# The unit tests alone (pytest's `unit` marker, every test under tests/unit): no browser, no server.
test-unit: setup-dev
	$(PY) -m pytest -m unit

lint: setup-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: setup-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Pins every dependency with its hashes: requirements.in into requirements.txt, requirements-dev.in
# (the runtime set and the test tools) into requirements-dev.txt. A package already pinned keeps its
# version (the lock files are their own constraints); one added to a .in file gets the newest that fits.
# To upgrade one: make lock LOCK_FLAGS="--upgrade-package NAME". The lock tool lives in a venv of its own.
LOCK_VENV ?= /tmp/lockvenv
LOCK_FLAGS ?=
UV_COMPILE = $(LOCK_VENV)/bin/uv pip compile --quiet --universal --python-version 3.11 --generate-hashes --annotation-style line \
	--custom-compile-command "make lock" $(LOCK_FLAGS)
lock:
	test -x $(LOCK_VENV)/bin/uv || { $(PYTHON) -m venv $(LOCK_VENV) && \
		$(LOCK_VENV)/bin/pip install --quiet --disable-pip-version-check uv==0.13.8; }
	$(UV_COMPILE) -c requirements.txt requirements.in -o requirements.txt
	$(UV_COMPILE) -c requirements.txt -c requirements-dev.txt requirements-dev.in -o requirements-dev.txt

# Benchmarks (not tests), the old code and this tree side by side in one run (tests/bench/side_by_side.py):
# the demo build at BENCH_RESPONSES by each tree, then every page's callbacks against bare DuckDB and the
# first render in Chromium, on this tree's build. BENCH_FLAGS go to each script (e.g. --before DIR, the
# old tree, by default /work/wt/before when it exists). The others run by hand: python -m tests.bench.NAME.
BENCH_RESPONSES ?= 1000000
BENCH_WAREHOUSE ?= /tmp/beacon-bench-$(BENCH_RESPONSES).duckdb
BENCH_FLAGS ?=
bench: setup-dev chromium
	$(PY) -m tests.bench.bench_publish --responses $(BENCH_RESPONSES) --warehouse $(BENCH_WAREHOUSE) $(BENCH_FLAGS)
	$(PY) -m tests.bench.bench_pages --warehouse $(BENCH_WAREHOUSE) $(BENCH_FLAGS)
	$(PY) -m tests.bench.bench_render --warehouse $(BENCH_WAREHOUSE) $(BENCH_FLAGS)

# The load test (tests/bench/load.py): 50 users and 200 wall screens (30 s refresh) through nginx onto the
# two hosts of the production topology, with a real wall in Chromium watched; its last line is
# `load: N requests, E errors, p95 X ms`. LOAD_FLAGS go to it (e.g. --single, --fault kill-worker, --sweep).
LOAD_FLAGS ?=
bench-load: setup-dev chromium services
	$(PY) -m tests.bench.load --topology --users 50 --walls 200 --wall-refresh 30 --watch-wall $(LOAD_FLAGS)

clean:
	rm -rf $(VENV) assets/vendor .pytest_cache .ruff_cache

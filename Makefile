# Beacon: `make run` sets everything up and serves on http://127.0.0.1:8050; `make test` sets up and tests.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
WAREHOUSE ?= $(or $(BEACON_WAREHOUSE),data/cx.duckdb)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run dev setup setup-dev vendor demo chromium test lint format bench clean

run: setup demo
	$(VENV)/bin/gunicorn --config gunicorn.conf.py app:server

# Development server with hot reload.
dev: setup demo
	$(PY) app.py

setup: $(VENV)/.runtime assets/vendor/VERSIONS

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

# Builds the demo warehouse only when there is none, and seeds demo commitments only into an empty state
# database over the demo warehouse: your own data is never overwritten.
demo: $(VENV)/.runtime
	@test -f "$(WAREHOUSE)" || $(PY) -m data.demo --out "$(WAREHOUSE)"
	@$(PY) -m data.demo_commitments

# Debian's Chromium and its driver for the browser tests (never a browser download).
chromium:
	@command -v chromium >/dev/null || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium chromium-driver; }

test: setup-dev chromium
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) -m pytest

lint: setup-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: setup-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Benchmarks (not tests): demo build and query set at 1 M and 10 M responses, then page callbacks and
# first render in Chromium on the 10 M warehouse, then commitment saves and the accountability pages.
# Several minutes and some GB in /tmp.
bench: setup-dev chromium
	$(PY) -m tests.bench.bench_foundation
	$(PY) -m tests.bench.bench_pages
	$(PY) -m tests.bench.bench_commitments
	$(PY) -m tests.bench.bench_wall
	$(PY) -m tests.bench.bench_ingest
	$(PY) -m tests.bench.bench_sign_in

clean:
	rm -rf $(VENV) assets/vendor .pytest_cache .ruff_cache

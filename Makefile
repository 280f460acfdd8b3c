# POLKA's developer commands. From a fresh clone:
#   make run     set up, migrate, load the demo data once, serve on http://127.0.0.1:$(PORT)
#   make test    the whole test suite (browser tests included when /usr/bin/chromium exists)
#   make check   ruff, ruff format --check, mypy, then the tests
#   make assets  compile the stylesheet and copy GOV.UK Frontend's script into polka/static/
# Every set-up step runs only when its inputs changed, so running a command again is fast.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

PORT ?= 5000
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DATA_DIR := $(or $(POLKA_DATA_DIR),instance)
PYTEST_ARGS ?=

VENV_STAMP := $(VENV)/.polka-installed
NPM_STAMP := node_modules/.polka-installed
ASSETS := polka/static/polka.css polka/static/govuk-frontend.min.js
DEMO_STAMP := $(DATA_DIR)/.demo-loaded

.PHONY: help run serve test check lint typecheck assets install clean-assets bench

help:
	@echo "make run     set up, migrate, load demo data once, serve on http://127.0.0.1:$(PORT) (PORT=… to change)"
	@echo "make test    the whole test suite"
	@echo "make check   ruff, mypy and the tests"
	@echo "make assets  build the front-end assets"
	@echo "make bench   measure the performance figures (see README)"

# --- Python ------------------------------------------------------------------------------------

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when pyproject.toml is newer than the last install.
$(VENV_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

# --- Front end ---------------------------------------------------------------------------------

# `npm ci` only when the lock file (or package.json) changed since the last install.
$(NPM_STAMP): package-lock.json package.json
	npm ci --no-audit --no-fund --ignore-scripts
	touch $@

$(ASSETS) &: $(wildcard assets/*.scss) assets/build.mjs $(NPM_STAMP)
	node assets/build.mjs

assets: $(ASSETS)

install: $(VENV_STAMP) $(ASSETS)

# --- Commands ----------------------------------------------------------------------------------

run: install
	$(BIN)/polka db upgrade
	@if [ ! -e "$(DEMO_STAMP)" ]; then \
		echo "Loading the demo data (once)…"; \
		$(BIN)/polka demo; \
		mkdir -p "$(DATA_DIR)"; \
		touch "$(DEMO_STAMP)"; \
	fi
	PORT=$(PORT) scripts/serve

# One worker a core (pytest-xdist); each worker has its own data directories, browser and, on
# PostgreSQL, its own database. PYTEST_WORKERS=0 runs everything in this one process.
PYTEST_WORKERS ?= auto

test: install
	$(BIN)/pytest -p no:cacheprovider -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: $(VENV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV_STAMP)
	$(BIN)/mypy

# The figures the issues name, measured (minutes; not part of make test). Exits non-zero on a miss.
bench: install
	$(BIN)/python -m bench.markup
	$(BIN)/python -m bench.wiki
	$(BIN)/python -m bench.search
	$(BIN)/python -m bench.search --postgresql
	$(BIN)/python -m bench.search --postgresql --docs 250000
	$(BIN)/python -m bench.nodes
	$(BIN)/python -m bench.relevance
	$(BIN)/python -m bench.docs
	$(BIN)/python -m bench.activity
	$(BIN)/python -m bench.forum
	$(BIN)/python -m bench.blog
	$(BIN)/python -m bench.pages
	$(BIN)/python -m bench.events
	$(BIN)/python -m bench.notifications
	$(BIN)/python -m bench.live
	$(BIN)/python -m bench.insights

check: lint typecheck
	$(MAKE) --no-print-directory test

clean-assets:
	rm -f $(ASSETS)

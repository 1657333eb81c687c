# The two quick-start commands: `make up` (the main job) and `make test`. Both are idempotent.
VENV := .venv
BIN := $(VENV)/bin
PYTHON ?= python3

.PHONY: setup browser up test test-fast lint

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

# Debian's chromium for the page tests (no browser downloads).
browser:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }

up: setup
	$(BIN)/govgraph db start
	$(BIN)/govgraph ingest
	$(BIN)/govgraph serve

# The whole suite, against a real Neo4j the session starts itself.
test: setup browser
	$(BIN)/govgraph db provision
	$(BIN)/pytest

# The fast tier: every test that needs no Neo4j (and so no Java, Maven or browser).
test-fast: setup
	$(BIN)/pytest -m "not neo4j"

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

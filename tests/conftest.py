"""Shared fixtures: one real Neo4j server for the session, a clean or curated graph per test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

# Tests run their own server instance on a free port, never the user's main one.
os.environ.setdefault("GOVGRAPH_INSTANCE", "test")
os.environ.setdefault("GOVGRAPH_BOLT_PORT", "0")

from govgraph import PROJECT_ROOT
from govgraph.core.settings import Settings, get_settings
from govgraph.graph import server
from govgraph.graph.db import Database

DATA_DIR = PROJECT_ROOT / "data"
ARTICLE = PROJECT_ROOT.parent / "shared" / "sources" / "caisi-frontier-review-article.txt"
_state = {"curated": False}


@pytest.fixture(scope="session")
def settings() -> Iterator[Settings]:
    """Settings for the test server; starts it unless NEO4J_URI points elsewhere."""
    s = get_settings()
    started = False
    if not s.external:
        info = server.start(s)
        started = not info.already_running
    yield s
    if started:
        server.stop(s)


@pytest.fixture(scope="session")
def db(settings: Settings) -> Iterator[Database]:
    with Database.connect(settings) as database:
        yield database


def wipe(db: Database) -> None:
    """Delete every node and relationship (constraints stay)."""
    db.write(lambda tx: tx.run("MATCH (n) DETACH DELETE n").consume())


@pytest.fixture
def clean_db(db: Database) -> Database:
    """An empty graph for a test that writes."""
    wipe(db)
    _state["curated"] = False
    return db


@pytest.fixture
def curated(db: Database) -> Database:
    """The curated dataset, loaded once and shared by read-only tests."""
    if not _state["curated"]:
        from govgraph.ingest.validate import load_dataset
        from govgraph.ingest.writer import ingest

        wipe(db)
        ingest(db, load_dataset([DATA_DIR]))
        _state["curated"] = True
    return db


@pytest.fixture
def tmp_data(tmp_path: Path) -> Path:
    """A folder to write throwaway dataset files into."""
    d = tmp_path / "data"
    d.mkdir()
    return d

"""Shared fixtures: one real Neo4j server for the session, a clean or curated graph per test.

Nothing here starts a server at import: only the `settings` fixture does, so tests that use no
server fixture run without Java. Those that do are marked `neo4j` at collection
(`pytest -m "not neo4j"` is the fast tier).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

# Tests run their own server instance on a free port, never the user's main one.
os.environ.setdefault("GOVGRAPH_INSTANCE", "test")
os.environ.setdefault("GOVGRAPH_BOLT_PORT", "0")

from govgraph import PROJECT_ROOT
from govgraph.api.main import create_app
from govgraph.core.settings import Settings, get_settings
from govgraph.graph import server
from govgraph.graph.db import Database
from govgraph.ingest.validate import Dataset, load_dataset
from govgraph.ingest.writer import ingest

DATA_DIR = PROJECT_ROOT / "data"
ARTICLE = PROJECT_ROOT.parent / "shared" / "sources" / "caisi-frontier-review-article.txt"
_state = {"curated": False}

# Fixtures that start or use the server; a test whose fixture closure holds one needs Neo4j.
SERVER_FIXTURES = frozenset({"settings", "db", "clean_db", "curated"})
# Files whose tests drive servers themselves (lifecycle) or through a browser.
SERVER_FILES = frozenset({"test_server.py", "test_browser.py"})


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        uses = set(getattr(item, "fixturenames", ()))  # the whole closure, indirect ones too
        if item.path.name in SERVER_FILES or uses & SERVER_FIXTURES:
            item.add_marker(pytest.mark.neo4j)


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


@pytest.fixture(scope="session")
def dataset() -> Dataset:
    """The curated data files, read and validated once (no server needed)."""
    return load_dataset([DATA_DIR])


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
def curated(db: Database, dataset: Dataset) -> Database:
    """The curated dataset, loaded once and shared by read-only tests."""
    if not _state["curated"]:
        wipe(db)
        ingest(db, dataset)
        _state["curated"] = True
    return db


@pytest.fixture
def tmp_data(tmp_path: Path) -> Path:
    """A folder to write throwaway dataset files into."""
    d = tmp_path / "data"
    d.mkdir()
    return d


@contextmanager
def app_client(settings: Settings, **overrides: object) -> Iterator[TestClient]:
    """The HTTP app on the test server, with some settings changed."""
    with TestClient(create_app(settings.model_copy(update=overrides))) as c:
        yield c


@pytest.fixture(scope="module")
def client(settings: Settings) -> Iterator[TestClient]:
    """The HTTP app on the test server, one per test module."""
    with app_client(settings) as c:
        yield c

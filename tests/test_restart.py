"""Neo4j stops and starts under a running app: 503 with Retry-After meanwhile, then it recovers.

The app runs against its own instance (`<instance>-restart`, any free port), so stopping that
server touches no other test; the restarted server may well listen on another port.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from conftest import DATA_DIR
from fastapi.testclient import TestClient

from govgraph.api.main import create_app
from govgraph.core.settings import Settings
from govgraph.graph import server
from govgraph.graph.db import Database, connection_info
from govgraph.ingest.validate import load_dataset
from govgraph.ingest.writer import ingest

SEED = DATA_DIR / "caisi-review-2026.yaml"
NAMED = "/api/queries/parties-to?target=program:caisi-frontier-review"
LEAKS = ("bolt://", "127.0.0.1", "govgraph db", "start it", "NEO4J_")


@pytest.fixture(scope="module")
def own(settings: Settings) -> Iterator[Settings]:
    """A server instance of this module's own, with the seed data loaded."""
    if settings.external:
        pytest.skip("NEO4J_URI points at a server this suite does not manage")
    mine = settings.model_copy(
        update={"instance": f"{settings.instance}-restart"[:32], "bolt_port": 0}
    )
    server.start(mine)
    try:
        with Database.connect(mine) as db:
            ingest(db, load_dataset([SEED]))
        yield mine
    finally:
        server.stop(mine)


def assert_unavailable(resp, started: float) -> None:  # type: ignore[no-untyped-def]
    """A quick 503 that says to retry and names no address, port or command."""
    assert resp.status_code == 503, resp.text
    assert int(resp.headers["retry-after"]) > 0
    assert time.monotonic() - started < 5
    for leak in LEAKS:
        assert leak not in resp.text, (leak, resp.text)


def wait_for(client: TestClient, path: str, limit: float = 60) -> float:
    """Seconds until path answers 200."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        if client.get(path).status_code == 200:
            return time.monotonic() - started
        time.sleep(0.2)
    raise AssertionError(f"{path} did not recover within {limit} s")


def test_the_app_answers_503_while_neo4j_is_down_and_recovers_by_itself(own: Settings) -> None:
    app = create_app(own.model_copy(update={"cache_seconds": 0.2, "cypher_timeout": 5.0}))
    with TestClient(app) as client:
        assert client.get("/healthz").json()["status"] == "ok"
        ready = client.get("/readyz")
        assert ready.status_code == 200, ready.text
        revision = ready.json()["revision"]
        assert client.get(NAMED).json()["count"] == 5
        cypher = {"query": "MATCH (n:Actor) RETURN count(n) AS n", "params": {}}
        assert client.post("/api/cypher", json=cypher).status_code == 200
        old_port = connection_info(own).uri.rsplit(":", 1)[1]

        server.stop(own)
        time.sleep(0.5)  # past the cache's revision check: answers must come from Neo4j
        for method, path, body in (
            ("GET", NAMED, None),
            ("POST", "/api/cypher", cypher),
            ("GET", "/readyz", None),
            ("GET", "/api/entities/org:meta", None),
        ):
            started = time.monotonic()
            resp = client.request(method, path, json=body)
            assert_unavailable(resp, started)
            assert old_port not in resp.text
            assert resp.json()["error"]["message"] == "Neo4j is busy/unavailable, retry shortly."
        page = client.get("/entity/org:meta")
        assert page.status_code == 503 and old_port not in page.text
        assert "bolt://" not in page.text and "govgraph db start" not in page.text
        assert client.get("/healthz").status_code == 200
        assert client.get("/api/queries").status_code == 200  # needs no database

        server.start(own)  # likely on another port: the app finds it again
        assert wait_for(client, "/readyz") < 30
        assert client.get("/readyz").json()["revision"] == revision
        assert client.get(NAMED).json()["count"] == 5
        assert client.post("/api/cypher", json=cypher).json()["data"][0]["n"] > 0
        assert app.state.db.info == connection_info(own)  # aimed at the server as it is now
        # The background revision check survived the outage and keeps running.
        cache = app.state.cache
        before = cache.checked_at
        time.sleep(0.5)
        assert cache.checked_at > before


def test_health_endpoints_when_no_data_is_loaded(own: Settings) -> None:
    server.start(own)  # running already, unless the test above failed half-way
    with Database.connect(own) as db:
        db.write(lambda tx: tx.run("MATCH (n) DETACH DELETE n").consume())
        with TestClient(create_app(own)) as client:
            assert client.get("/healthz").status_code == 200
            resp = client.get("/readyz")
            assert resp.status_code == 503 and resp.headers["retry-after"]
            assert "No data is loaded" in resp.json()["error"]["message"]
        ingest(db, load_dataset([SEED]))
        with TestClient(create_app(own)) as client:
            assert client.get("/readyz").json()["status"] == "ready"

"""`?as_recorded=` on the API and the pages, against the real server: the day before a change
answers as the graph stood then, today answers with the change, garbage gets a 422."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from conftest import DATA_DIR, app_client
from fastapi.testclient import TestClient

from govgraph.core.settings import Settings
from govgraph.graph.db import Database
from govgraph.graph.revision import graph_fingerprint
from govgraph.ingest.changes import Change, apply_changes, current_record
from govgraph.ingest.validate import load_dataset
from govgraph.ingest.writer import ingest

ACTOR = "org:openai"
OLD_DAY = "2026-03-01"  # revisions of the seed are backdated to 2026-01-01
NEW = "Corrected after the first of March."


@pytest.fixture(scope="module")
def changed(settings: Settings, db: Database) -> Iterator[TestClient]:
    from conftest import _state, wipe

    wipe(db)
    _state["curated"] = False
    ingest(db, load_dataset([DATA_DIR / "caisi-review-2026.yaml"]))
    db.write(
        lambda tx: tx.run("MATCH (r:Revision) SET r.at = datetime('2026-01-01T00:00Z')").consume()
    )
    now = current_record(db, ACTOR)
    assert now is not None
    change = Change("Actor", {**now.record, "summary": NEW, "aliases": ["OpenAI, Inc."]}, now.rev)
    apply_changes(db, [change], by="alice", why="test", source=now.record["sources"][0])
    with app_client(settings, cache_seconds=0) as client:
        yield client
    wipe(db)


def test_entities_answer_as_recorded(changed: TestClient) -> None:
    today = changed.get(f"/api/entities/{ACTOR}").json()
    then = changed.get(f"/api/entities/{ACTOR}", params={"as_recorded": OLD_DAY}).json()
    assert today["summary"] == NEW
    assert then.get("summary") != NEW
    listed = changed.get("/api/entities", params={"q": "OpenAI, Inc.", "as_recorded": OLD_DAY})
    assert listed.status_code == 200
    assert ACTOR not in [e["id"] for e in listed.json()["data"]]  # the alias came later
    before_all = changed.get(f"/api/entities/{ACTOR}", params={"as_recorded": "2025-12-31"})
    assert before_all.status_code == 404  # nothing was recorded yet


def test_named_queries_and_events_answer_as_recorded(changed: TestClient, db: Database) -> None:
    live = graph_fingerprint(db)
    params = {"id": ACTOR}
    today = changed.get("/api/queries/actor-profile", params=params)
    then = changed.get("/api/queries/actor-profile", params={**params, "as_recorded": OLD_DAY})
    assert today.status_code == then.status_code == 200
    assert NEW in today.text and NEW not in then.text
    generic = changed.get(
        "/api/queries/actor-profile", params={**params, "as_recorded": f"{OLD_DAY}T12:00:00Z"}
    )
    assert generic.status_code == 200 and NEW not in generic.text
    events = changed.get("/api/events", params={"actor": ACTOR, "as_recorded": OLD_DAY})
    assert (
        events.json()["count"]
        == changed.get("/api/events", params={"actor": ACTOR}).json()["count"]
    )
    unknown_then = changed.get("/api/events", params={"actor": ACTOR, "as_recorded": "2025-06-01"})
    assert unknown_then.status_code == 404  # the actor was not recorded yet
    assert changed.get("/api/events", params={"actor": ACTOR}).json()["count"] > 0
    assert graph_fingerprint(db) == live  # views are never committed


def test_pages_answer_as_recorded(changed: TestClient) -> None:
    assert NEW in changed.get(f"/entity/{ACTOR}").text
    page = changed.get(f"/entity/{ACTOR}", params={"as_recorded": OLD_DAY})
    assert page.status_code == 200 and NEW not in page.text
    assert "As recorded on 2026-03-01 23:59 UTC" in page.text
    query_page = changed.get("/queries/actor-profile", params={"id": ACTOR, "as_recorded": OLD_DAY})
    assert query_page.status_code == 200 and NEW not in query_page.text
    assert NEW in changed.get("/queries/actor-profile", params={"id": ACTOR}).text


@pytest.mark.parametrize(
    "raw", ["2026-02-30", "tuesday", "2026-1-1", "\u0662\u0660\u0662\u0666-01-01", "x" * 500]
)
def test_garbage_as_recorded_is_a_422_naming_it(changed: TestClient, raw: str) -> None:
    for path in (f"/api/entities/{ACTOR}", "/api/queries/actor-profile?id=org:openai"):
        response = changed.get(path, params={"as_recorded": raw})
        assert response.status_code == 422, response.text
        assert response.json()["error"]["param"] == "as_recorded"


def test_as_recorded_twice_is_refused(changed: TestClient) -> None:
    response = changed.get(f"/api/entities/{ACTOR}?as_recorded={OLD_DAY}&as_recorded={OLD_DAY}")
    assert response.status_code == 422


def test_as_recorded_is_refused_on_writes(changed: TestClient) -> None:
    response = changed.post("/api/cypher?as_recorded=2026-03-01", json={"query": "RETURN 1"})
    assert response.status_code == 422
    assert response.json()["error"]["param"] == "as_recorded"


def test_views_queue_and_never_break_writes(changed: TestClient, db: Database) -> None:
    """Concurrent views with distinct moments answer 200 or a 503 busy, never a 500 or a
    deadlock, and a correction made meanwhile goes through."""
    from concurrent.futures import ThreadPoolExecutor

    from govgraph.ingest.recorded import parse_moment, view

    def ask(i: int) -> int:
        moment = f"2026-0{1 + i % 9}-1{i % 10}T12:00:00Z"
        return changed.get(f"/api/entities/{ACTOR}", params={"as_recorded": moment}).status_code

    def correct() -> str:
        now = current_record(db, ACTOR)
        assert now is not None
        record = {**now.record, "title": "corrected while views ran"}
        apply_changes(db, [Change("Actor", record, now.rev)], by="e", why="w", source=None)
        return "done"

    with ThreadPoolExecutor(max_workers=8) as pool:
        asks = [pool.submit(ask, i) for i in range(12)]
        write = pool.submit(correct)
        statuses = [f.result() for f in asks]
        assert write.result() == "done"
    assert set(statuses) <= {200, 404, 503} and 200 in statuses
    with view(db, parse_moment(OLD_DAY)) as then:  # a view reads like a transaction too
        now_then = current_record(then, ACTOR)  # type: ignore[arg-type]
        assert now_then is not None and now_then.record.get("summary") != NEW

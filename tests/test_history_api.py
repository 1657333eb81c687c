"""History: a record's revisions (API and page), and the change log paged without gaps."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from conftest import DATA_DIR, app_client
from fastapi.testclient import TestClient

from govgraph.core.settings import Settings
from govgraph.graph.db import Database
from govgraph.graph.history import latest_seq
from govgraph.ingest.changes import Change, apply_changes, current_record
from govgraph.ingest.validate import load_dataset
from govgraph.ingest.writer import ingest

SEED = DATA_DIR / "caisi-review-2026.yaml"
SOURCE = "src:article-2026-caisi-meta-holdout"
HOSTILE = 'OpenAI <script>alert("x")</script> & Co'


def correct(db: Database, record_id: str, why: str = "a correction", **fields: object) -> int:
    """Apply a correction of some fields through the one write path; the new revision's seq."""
    current = current_record(db, record_id)
    assert current is not None
    record = {**current.record, **fields}
    change = Change(current.type, record, base_rev=current.rev)
    return apply_changes(db, [change], by="editor-ann", why=why, source=SOURCE)[-1].seq


@pytest.fixture
def story(clean_db: Database, settings: Settings) -> Iterator[tuple[Database, TestClient]]:
    """The CAISI story, seeded, and an app on it."""
    ingest(clean_db, load_dataset([SEED]))
    with app_client(settings) as client:
        yield clean_db, client


def test_history_is_newest_first_with_what_changed(story: tuple[Database, TestClient]) -> None:
    db, client = story
    before = current_record(db, "org:openai")
    assert before is not None
    old_name = before.record["name"]
    aliases = list(before.record.get("aliases") or [])
    correct(db, "org:openai", "the name as filed", name=HOSTILE, aliases=[*aliases, "OAI"])
    resp = client.get("/api/history/org:openai")
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["record_id"] == "org:openai" and body["count"] == len(body["data"]) >= 2
    seqs = [r["seq"] for r in body["data"]]
    assert seqs == sorted(seqs, reverse=True)
    assert [r["rev"] for r in body["data"]] == sorted(
        (r["rev"] for r in body["data"]), reverse=True
    )
    newest = body["data"][0]
    assert newest["op"] == "update" and newest["by"] == "editor-ann"
    assert newest["why"] == "the name as filed" and newest["source"] == SOURCE
    assert set(newest["fields"]) == {"name", "aliases"}
    assert newest["before"]["name"] == old_name and newest["after"]["name"] == HOSTILE
    assert newest["at"].endswith("Z")
    assert body["data"][-1]["op"] == "create"

    page = client.get("/entity/org:openai/history")
    assert page.status_code == 200, page.text
    html = page.text
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html  # escaped
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)  # no inline script
    assert old_name in html and "OAI" in html and "added" in html
    assert "editor-ann" in html and "the name as filed" in html
    assert f'href="/entity/{SOURCE}/history"' in html
    assert 'href="/feeds/entity/org:openai.atom"' in html


def test_unknown_and_misfiled_ids(story: tuple[Database, TestClient]) -> None:
    _, client = story
    missing = client.get("/api/history/org:openaj")
    assert missing.status_code == 404
    assert "org:openai" in missing.json()["error"]["fix"]  # suggestions, as elsewhere
    bad = client.get("/api/history/not an id")
    assert bad.status_code == 422 and bad.json()["error"]["param"] == "record_id"
    assert client.get("/entity/org:openaj/history").status_code == 404
    event = "event:2026-openai-joins-caisi-review"
    moved = client.get(f"/entity/{event}/history", follow_redirects=False)
    assert moved.status_code == 308 and moved.headers["location"] == f"/event/{event}/history"
    page = client.get(f"/event/{event}/history")
    assert page.status_code == 200 and "New" in page.text


def test_changes_pages_neither_miss_nor_repeat(story: tuple[Database, TestClient]) -> None:
    db, client = story
    for n in range(3):
        correct(db, "org:meta", f"edit {n}", summary=f"Edited summary number {n}.")
    total = latest_seq(db)
    everything = client.get("/api/changes", params={"since": 0, "limit": 1000}).json()
    assert [r["seq"] for r in everything["data"]] == sorted(r["seq"] for r in everything["data"])
    assert everything["count"] == len(everything["data"]) and everything["next"] == total
    size = -(-everything["count"] // 3)  # three pages
    seen: list[int] = []
    since = 0
    for _ in range(3):
        page = client.get("/api/changes", params={"since": since, "limit": size}).json()
        seen += [r["seq"] for r in page["data"]]
        since = page["next"]
    assert seen == [r["seq"] for r in everything["data"]]
    assert len(seen) == len(set(seen))
    last = client.get("/api/changes", params={"since": since}).json()
    assert last == {"data": [], "count": 0, "next": since}
    newest = everything["data"][-1]
    assert newest["record_id"] == "org:meta" and newest["why"] == "edit 2"
    # a time: the changes after it, and a `next` to go on from
    at = everything["data"][-3]["at"]
    by_time = client.get("/api/changes", params={"since": at}).json()
    assert all(r["at"] > at for r in by_time["data"])
    assert by_time["data"][-1]["seq"] == total and by_time["next"] == total
    future = client.get("/api/changes", params={"since": "2999-01-01"}).json()
    assert future["data"] == [] and future["next"] == total


@pytest.mark.parametrize(
    "since",
    ["abc", "-1", "1e3", "\uff11\uff12", "2026-02-30", "2026-13-01T00:00:00Z", "10000000000000000",
     "99999999999999999999", "2026-06-01T25:00", "0x10", "+12", "2026-06-01T00:00:00+99:00"],
)  # fmt: skip
def test_garbage_since_is_refused_naming_it(since: str, client: TestClient) -> None:
    resp = client.get("/api/changes", params={"since": since})
    assert resp.status_code == 422, (since, resp.text)
    error = resp.json()["error"]
    assert error["param"] == "since" and "change number" in error["message"]


@pytest.mark.parametrize(
    "limit", ["0", "1001", "abc", "-5", "\uff11\uff10", "2.5", "99999999999999999999"]
)
def test_garbage_limit_is_refused_naming_it(limit: str, client: TestClient) -> None:
    resp = client.get("/api/changes", params={"limit": limit})
    assert resp.status_code == 422, (limit, resp.text)
    assert resp.json()["error"]["param"] == "limit"


@pytest.mark.parametrize(
    ("path", "param"),
    [
        ("/api/history/org:meta%0a", "record_id"),
        ("/api/history/org:meta%0A%0A", "record_id"),
        ("/entity/org:meta%0a/history", "entity_id"),
        ("/event/event:2026-openai-joins-caisi-review%0a/history", "event_id"),
    ],
)
def test_a_trailing_newline_is_no_id(path: str, param: str, client: TestClient) -> None:
    answer = client.get(path, follow_redirects=False)
    assert answer.status_code == 422, answer.text
    if path.startswith("/api/"):
        assert answer.json()["error"]["param"] == param
    else:
        assert param in answer.text

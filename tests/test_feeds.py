"""Atom feeds: all changes, one record's changes, and a named query's new and changed rows."""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from conftest import DATA_DIR, app_client
from fastapi.testclient import TestClient
from test_history_api import correct

from govgraph.core.settings import Settings
from govgraph.graph.db import Database
from govgraph.ingest.validate import load_dataset
from govgraph.ingest.writer import ingest

SEED = DATA_DIR / "caisi-review-2026.yaml"
A = "{http://www.w3.org/2005/Atom}"
EVENT = "event:2026-openai-joins-caisi-review"
PARTIES = "/feeds/query/parties-to.atom?target=program:caisi-frontier-review"


@pytest.fixture
def story(clean_db: Database, settings: Settings) -> Iterator[tuple[Database, TestClient]]:
    """The CAISI story, seeded, and an app on it."""
    ingest(clean_db, load_dataset([SEED]))
    with app_client(settings) as client:
        yield clean_db, client


def feed(client: TestClient, url: str) -> ET.Element:
    """The feed at url, checked to be Atom, parsed."""
    resp = client.get(url)
    assert resp.status_code == 200, resp.text
    assert resp.headers["content-type"] == "application/atom+xml; charset=utf-8"
    root = ET.fromstring(resp.content)
    assert root.tag == f"{A}feed"
    for tag in ("id", "title", "updated"):
        assert root.findtext(f"{A}{tag}"), tag
    for entry in root.findall(f"{A}entry"):
        for tag in ("id", "title", "updated", "content"):
            assert entry.findtext(f"{A}{tag}"), tag
        assert entry.find(f"{A}author/{A}name") is not None
        assert entry.find(f"{A}link").get("href", "").startswith("http")  # type: ignore[union-attr]
    return root


def entry_ids(root: ET.Element) -> list[str]:
    return [e.findtext(f"{A}id") or "" for e in root.findall(f"{A}entry")]


def moment() -> str:
    """Now as an ISO time with microseconds, Z."""
    now = datetime.now(UTC).isoformat().replace("+00:00", "Z")
    time.sleep(0.01)
    return now


def test_changes_feed_is_atom_with_stable_ids(story: tuple[Database, TestClient]) -> None:
    db, client = story
    seq = correct(db, "org:openai", "the name as filed", name="OpenAI Global")
    first, again = feed(client, "/feeds/changes.atom"), feed(client, "/feeds/changes.atom")
    assert entry_ids(first) == entry_ids(again)
    assert first.findtext(f"{A}updated") == again.findtext(f"{A}updated")
    ids = entry_ids(first)
    assert 0 < len(ids) <= 100
    assert ids[0] == f"tag:govgraph,2026:rev:{seq}"
    seqs = [int(i.rsplit(":", 1)[1]) for i in ids]
    assert seqs == sorted(seqs, reverse=True)
    newest = first.findall(f"{A}entry")[0]
    assert "Changed" in (newest.findtext(f"{A}title") or "")
    assert newest.findtext(f"{A}author/{A}name") == "editor-ann"
    assert newest.find(f"{A}link").get("href").endswith("/entity/org:openai")  # type: ignore[union-attr]
    content = newest.findtext(f"{A}content") or ""
    assert "→ OpenAI Global" in content and "the name as filed" in content
    assert first.findtext(f"{A}updated") == newest.findtext(f"{A}updated")
    api = client.get("/api/changes", params={"since": seq - 1}).json()["data"][0]
    assert newest.findtext(f"{A}updated") == api["at"]


def test_entity_feed_has_its_changes_and_its_events(story: tuple[Database, TestClient]) -> None:
    db, client = story
    own = correct(db, "org:openai", name="OpenAI Global")
    event = correct(db, EVENT, summary="OpenAI joined the review (summary corrected).")
    other = correct(db, "org:meta", name="Meta Platforms (edited)")
    root = feed(client, "/feeds/entity/org:openai.atom")
    ids = entry_ids(root)
    assert ids[:2] == [f"tag:govgraph,2026:rev:{event}", f"tag:govgraph,2026:rev:{own}"]
    assert f"tag:govgraph,2026:rev:{other}" not in ids
    assert ids == entry_ids(feed(client, "/feeds/entity/org:openai.atom"))
    event_feed = entry_ids(feed(client, f"/feeds/entity/{EVENT}.atom"))
    assert event_feed[0] == f"tag:govgraph,2026:rev:{event}"
    assert client.get("/feeds/entity/org:openaj.atom").status_code == 404


def test_query_feed_shows_rows_changed_after_since(story: tuple[Database, TestClient]) -> None:
    db, client = story
    before_change = moment()
    correct(db, "org:openai", name="OpenAI Global")
    after_change = moment()
    changed = feed(client, f"{PARTIES}&since={before_change}")
    entries = changed.findall(f"{A}entry")
    assert len(entries) == 1
    assert (entries[0].findtext(f"{A}title") or "").startswith("Changed row of parties-to")
    assert "OpenAI Global" in (entries[0].findtext(f"{A}content") or "")
    assert entry_ids(changed) == entry_ids(feed(client, f"{PARTIES}&since={before_change}"))
    assert feed(client, f"{PARTIES}&since={after_change}").findall(f"{A}entry") == []
    everything = feed(client, f"{PARTIES}&since=2020-01-01").findall(f"{A}entry")
    rows = client.get("/api/queries/parties-to?target=program:caisi-frontier-review").json()
    assert len(everything) == rows["count"] > 1
    assert all((e.findtext(f"{A}title") or "").startswith("New row") for e in everything)
    assert len(set(entry_ids(changed)) & {e.findtext(f"{A}id") for e in everything}) == 1


@pytest.mark.parametrize(
    ("url", "status", "param"),
    [
        ("/feeds/query/no-such-query.atom", 404, None),
        ("/feeds/query/parties-to.atom", 422, "target"),
        (f"{PARTIES}&colour=red", 422, "colour"),
        ("/feeds/query/parties-to.atom?target=org:nobody-at-all", 404, None),
        (f"{PARTIES}&since=yesterday", 422, "since"),
        (f"{PARTIES}&since=2026-02-30", 422, "since"),
        (f"{PARTIES}&since=12", 422, "since"),
        ("/feeds/entity/not an id.atom", 422, "record_id"),
    ],
)
def test_bad_feed_requests_get_the_api_errors(
    url: str, status: int, param: str | None, client: TestClient
) -> None:
    resp = client.get(url)
    assert resp.status_code == status, resp.text
    assert resp.json()["error"].get("param") == param

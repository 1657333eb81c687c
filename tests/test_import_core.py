"""The shared import path against the real server: matching, crosswalk, claims, review state."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import app_client
from ingest_helpers import cli, ingest_seed, node_count
from test_query_returns import check_row

from govgraph import queries
from govgraph.core.errors import ValidationFailed
from govgraph.core.settings import Settings
from govgraph.graph.db import Database
from govgraph.ingest.batch import ExternalRef, ImportBatch, ImportItem
from govgraph.ingest.importing import run_import
from govgraph.ingest.review import confirm
from govgraph.ingest.validate import load_dataset
from govgraph.ingest.writer import ingest
from govgraph.queries import run as run_query

TODAY = date(2026, 11, 30)


def _source(sid: str = "src:test-registry-1") -> ImportItem:
    record = {
        "id": sid,
        "kind": "primary",
        "publisher": "Test Registry",
        "title": "A recorded payload",
        "published": "2026-07-01",
        "url": "https://registry.example/orders/1",
        "retrieved": "2026-11-30",
        "licence": "Public domain",
        "recorded_at": "2026-11-30",
    }
    return ImportItem("Source", record, f"payload.json:1: {sid}")


def _batch(order_date: str = "2026-06", program_name: str | None = None) -> ImportBatch:
    """A small import: the seed's order (matched by number) and program (by name), a new order."""
    src = "src:test-registry-1"
    batch = ImportBatch("test-registry")
    batch.add(_source(src))
    batch.add(
        ImportItem(
            "Instrument",
            {
                "id": "eo:imported-early-access",
                "kind": "executive_order",
                "name": "Frontier model early access order (as the registry titles it)",
                "status": "in_force",
                "sources": [src],
                "recorded_at": "2026-11-30",
            },
            "payload.json:2: order A",
            refs=(ExternalRef("url", "https://registry.example/orders/1"),),
            compare=("name",),
        )
    )
    batch.add(
        ImportItem(
            "Instrument",
            {
                "id": "program:imported-review",
                "kind": "program",
                "name": program_name or "The CAISI frontier review",
                "status": "active",
                "sources": [src],
                "recorded_at": "2026-11-30",
            },
            "payload.json:3: program",
            refs=(ExternalRef("registry", "P-7"),),
            compare=("name",),
        )
    )
    batch.add(
        ImportItem(
            "Instrument",
            {
                "id": "eo:99001",
                "kind": "executive_order",
                "name": "An order the curated data lacks",
                "number": "99001",
                "status": "in_force",
                "jurisdiction": "country:us",
                "sources": [src],
                "recorded_at": "2026-11-30",
            },
            "payload.json:4: eo 99001",
            refs=(ExternalRef("eo", "99001"),),
            claims={"signing_place": "Washington"},
        )
    )
    batch.add(
        ImportItem(
            "Event",
            {
                "id": "event:imported-eo-99001-signed",
                "type": "signed",
                "date": order_date,
                "summary": "The president signed order 99001.",
                "status": "confirmed",
                "participants": [{"actor": "person:donald-trump", "role": "issuer"}],
                "concerns": [{"id": "eo:99001", "role": "subject"}],
                "sources": [src],
                "recorded_at": "2026-11-30",
            },
            "payload.json:5: signed",
            compare=("date",),
        )
    )
    return batch


@pytest.fixture
def seeded(clean_db: Database, tmp_data: Path) -> Database:
    ingest_seed(clean_db, tmp_data)
    return clean_db


def _one(db: Database, cypher: str, **params: Any) -> Any:
    rows = db.rows(cypher, params)
    return rows[0] if rows else None


def test_matches_by_name_and_keeps_curated_facts(seeded: Database) -> None:
    before = _one(seeded, "MATCH (n {id: 'program:caisi-frontier-review'}) RETURN n.name AS name")
    report = run_import(seeded, _batch(program_name="CAISI Frontier Review!"), today=TODAY)
    found = {f.item_id: f for f in report.matched}
    assert found["program:imported-review"].id == "program:caisi-frontier-review"
    assert found["program:imported-review"].how == "name"
    # the curated record is untouched, the imported one is not a second node
    after = _one(seeded, "MATCH (n {id: 'program:caisi-frontier-review'}) RETURN n.name AS name")
    assert after == before
    assert _one(seeded, "MATCH (n {id: 'program:imported-review'}) RETURN n") is None
    # the crosswalk says which external id belongs to the curated node
    ext = seeded.rows(
        "MATCH (x:ExternalId)-[:IDENTIFIES]->(n {id: 'program:caisi-frontier-review'}) "
        "RETURN x.id AS key"
    )
    assert [r["key"] for r in ext] == ["registry:P-7"]


def test_new_records_are_written_unreviewed_with_provenance(seeded: Database) -> None:
    report = run_import(seeded, _batch(), today=TODAY)
    # the new order, and the one whose link the curated record lacks (not matched, so new)
    assert report.ingest.types["Instrument"].created == 2
    node = _one(
        seeded,
        "MATCH (n:Instrument {id: 'eo:99001'})-[:SOURCED_FROM]->(s:Source) "
        "RETURN n.reviewed AS reviewed, n.origin AS origin, s.licence AS licence",
    )
    assert node == {"reviewed": False, "origin": "import:test-registry", "licence": "Public domain"}
    curated = _one(seeded, "MATCH (n {id: 'program:caisi-frontier-review'}) RETURN n.reviewed AS r")
    assert curated["r"] is True
    claim = _one(
        seeded,
        "MATCH (c:Claim {field: 'signing_place'})-[:ABOUT]->(n {id: 'eo:99001'}) "
        "MATCH (c)-[:CLAIMED_BY]->(s:Source) RETURN c.value AS v, s.id AS s",
    )
    assert claim == {"v": "Washington", "s": "src:test-registry-1"}


def test_reimport_changes_nothing_and_newer_payload_updates_only_what_changed(
    seeded: Database,
) -> None:
    run_import(seeded, _batch(), today=TODAY)
    nodes = node_count(seeded)
    again = run_import(seeded, _batch(), today=TODAY)
    assert again.changed == 0
    assert all(c.created == c.updated == 0 for c in again.ingest.types.values())
    assert node_count(seeded) == nodes
    newer = run_import(seeded, _batch(order_date="2026-06-12"), today=TODAY)
    assert newer.ingest.types["Event"].updated == 1
    assert sum(c.updated + c.created for c in newer.ingest.types.values()) == 1
    assert node_count(seeded) == nodes


def test_a_disagreement_is_kept_and_surfaced(seeded: Database) -> None:
    curated_name = _one(
        seeded, "MATCH (n {id: 'eo:2026-06-frontier-model-early-access'}) RETURN n.name AS n"
    )["n"]
    seeded.write(
        lambda tx: tx.run(
            "MATCH (n {id: 'eo:2026-06-frontier-model-early-access'}) "
            "SET n.url = 'https://registry.example/orders/1'"
        ).consume()
    )
    report = run_import(seeded, _batch(), today=TODAY)
    assert [(d.record, d.field) for d in report.disagreements] == [
        ("eo:2026-06-frontier-model-early-access", "name")
    ]
    assert report.disagreements[0].ours == curated_name
    _, _, rows = run_query(
        seeded, "disagreements", {"id": "eo:2026-06-frontier-model-early-access"}
    )
    assert len(rows) == 1
    assert rows[0]["ours"] == curated_name
    assert rows[0]["theirs"].startswith("Frontier model early access order")
    assert rows[0]["their_source"]["publisher"] == "Test Registry"
    assert rows[0]["our_sources"], "the curated value keeps its own sources"
    check_row(rows[0], queries.get("disagreements").returns)  # as its header declares


def test_reviewed_only_hides_imported_facts_until_confirmed(seeded: Database) -> None:
    run_import(seeded, _batch(), today=TODAY)
    params = {"actor": "person:donald-trump"}
    _, _, every = run_query(seeded, "timeline", params)
    _, _, reviewed = run_query(seeded, "timeline", {**params, "reviewed_only": "true"})
    imported = [r for r in every if r["event_id"] == "event:imported-eo-99001-signed"]
    assert imported and imported[0]["reviewed"] is False
    assert "event:imported-eo-99001-signed" not in {r["event_id"] for r in reviewed}
    assert len(reviewed) == len(every) - 1
    _, _, issued = run_query(seeded, "instruments", {"id": "eo:99001", "reviewed_only": "true"})
    assert issued == []
    assert confirm(seeded, ["event:imported-eo-99001-signed", "eo:99001"], by="Test Editor") == 2
    _, _, now = run_query(seeded, "timeline", {**params, "reviewed_only": "true"})
    assert "event:imported-eo-99001-signed" in {r["event_id"] for r in now}
    derived = _one(
        seeded,
        "MATCH ()-[r:ISSUED {event_id: 'event:imported-eo-99001-signed'}]->() "
        "RETURN r.reviewed AS r",
    )
    assert derived == {"r": True}


def test_curated_prune_keeps_imported_records(seeded: Database, tmp_data: Path) -> None:
    run_import(seeded, _batch(), today=TODAY)
    report = ingest(seeded, load_dataset([tmp_data]), prune=True)
    assert all(c.pruned == 0 for c in report.types.values())
    assert _one(seeded, "MATCH (n {id: 'eo:99001'}) RETURN n.id AS id") == {"id": "eo:99001"}


def test_a_bad_item_refuses_the_whole_batch(seeded: Database) -> None:
    nodes = node_count(seeded)
    batch = _batch()
    batch.items[3].record["number"] = ["not", "text"]
    batch.items[4].record["participants"] = [{"actor": "person:nobody", "role": "issuer"}]
    with pytest.raises(ValidationFailed) as caught:
        run_import(seeded, batch, today=TODAY)
    text = str(caught.value.problems)
    assert "payload.json:4: eo 99001" in text and "number" in text
    assert "person:nobody" in text
    assert node_count(seeded) == nodes
    parse_error = ImportBatch(
        "test-registry", problems=["payload.json:9: truncated. Fix: refetch."]
    )
    with pytest.raises(ValidationFailed):
        run_import(seeded, parse_error, today=TODAY)
    assert node_count(seeded) == nodes


def test_dry_run_writes_nothing(seeded: Database) -> None:
    nodes = node_count(seeded)
    report = run_import(seeded, _batch(), today=TODAY, dry_run=True)
    assert report.dry_run and report.ingest.types["Instrument"].created == 2
    assert node_count(seeded) == nodes


def test_api_and_cli_take_reviewed_only(seeded: Database, settings: Settings) -> None:
    run_import(seeded, _batch(), today=TODAY)
    with app_client(settings) as client:
        url = "/api/queries/timeline?actor=person:donald-trump"
        every = client.get(url).json()["data"]
        reviewed = client.get(url + "&reviewed_only=true").json()["data"]
        assert len(reviewed) == len(every) - 1
        bad = client.get(url + "&reviewed_only=perhaps")
        assert bad.status_code == 422 and "reviewed_only" in bad.text
    listed = cli("review", "list", "--origin", "import:test-registry")
    assert listed.returncode == 0 and "eo:99001" in listed.stdout
    nope = cli("review", "confirm", "eo:does-not-exist", "--by", "Ed")
    assert nope.returncode == 1 and "eo:does-not-exist" in nope.stderr

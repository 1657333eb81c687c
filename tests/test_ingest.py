"""Ingest against the real server: idempotence, updates in place, removal and prune, a killed
run that converges when run again, and the command line. Bad input: test_ingest_garbage.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import DATA_DIR, wipe
from ingest_helpers import (
    cli,
    edit_yaml,
    fingerprint_from_empty,
    ingest_folder,
    ingest_seed,
    node_count,
    record,
    seed_copy,
)

from govgraph.graph.db import Database
from govgraph.graph.revision import graph_fingerprint
from govgraph.ingest.validate import Dataset, load_dataset
from govgraph.ingest.writer import ingest

# --- idempotence, updates, removal ----------------------------------------------------------


def test_ingest_is_idempotent(clean_db: Database, dataset: Dataset) -> None:
    first = ingest(clean_db, dataset)
    for name, c in first.types.items():
        assert (c.created, c.updated, c.unchanged) == (len(dataset.of(name)), 0, 0)
    assert first.shortcuts > 0
    before = graph_fingerprint(clean_db)
    second = ingest(clean_db, dataset)
    for name, c in second.types.items():
        assert (c.created, c.updated, c.unchanged) == (0, 0, len(dataset.of(name)))
        assert c.removed == []
    assert second.changed == 0
    assert second.shortcuts == 0
    assert graph_fingerprint(clean_db) == before
    assert before["labels"]["Event"] == len(dataset.of("Event"))


def test_an_edited_record_updates_in_place(clean_db: Database, tmp_data: Path) -> None:
    path = ingest_seed(clean_db, tmp_data)
    nodes, rels = node_count(clean_db), graph_fingerprint(clean_db)["relationships"]

    with edit_yaml(path) as data:
        record(data, "actors", "org:meta")["summary"] = "Edited summary of Meta."
    report = ingest_folder(clean_db, tmp_data)
    assert report.types["Actor"].updated == 1
    assert report.types["Actor"].created == 0
    assert sum(c.updated + c.created for c in report.types.values()) == 1
    rows = clean_db.rows(
        "MATCH (n:Actor {id: 'org:meta'}) RETURN n.summary AS s, n.content_hash AS h"
    )
    assert len(rows) == 1  # no duplicate
    assert rows[0]["s"] == "Edited summary of Meta."
    assert rows[0]["h"] is not None
    assert node_count(clean_db) == nodes
    assert graph_fingerprint(clean_db)["relationships"] == rels


def test_an_edited_event_rewrites_its_links_and_shortcuts(
    clean_db: Database, tmp_data: Path
) -> None:
    path = ingest_seed(clean_db, tmp_data)
    with edit_yaml(path) as data:
        event = record(data, "events", "event:2026-openai-joins-caisi-review")
        event["date"] = "2026-07"
        event["sources"] = ["src:article-2026-caisi-meta-holdout"]
        event["participants"].append({"actor": "org:microsoft", "role": "party"})
    report = ingest_folder(clean_db, tmp_data)
    assert report.types["Event"].updated == 1
    shortcuts = clean_db.rows(
        "MATCH (a)-[r:PARTY_TO {event_id: 'event:2026-openai-joins-caisi-review'}]->(p) "
        "RETURN a.id AS a, p.id AS p, r.date AS date, r.date_precision AS precision, "
        "r.sources AS sources ORDER BY a"
    )
    assert [(r["a"], r["date"], r["precision"]) for r in shortcuts] == [
        ("org:microsoft", "2026-07", "month"),
        ("org:openai", "2026-07", "month"),
    ]
    assert shortcuts[0]["sources"] == ["src:article-2026-caisi-meta-holdout"]
    sources = clean_db.rows(
        "MATCH (:Event {id: 'event:2026-openai-joins-caisi-review'})"
        "-[r:SOURCED_FROM]->(s) RETURN s.id AS s"
    )
    assert [r["s"] for r in sources] == ["src:article-2026-caisi-meta-holdout"]
    # The fingerprint equals that of the edited file ingested into an empty graph.
    edited = graph_fingerprint(clean_db, history=False)
    assert fingerprint_from_empty(clean_db, load_dataset([tmp_data])) == edited


def test_a_changed_kind_changes_the_labels(clean_db: Database, tmp_data: Path) -> None:
    path = ingest_seed(clean_db, tmp_data)
    with edit_yaml(path) as data:
        record(data, "actors", "org:xai")["kind"] = "company"
    ingest_folder(clean_db, tmp_data)
    labels = clean_db.rows("MATCH (n {id: 'org:xai'}) RETURN labels(n) AS l")[0]["l"]
    assert sorted(labels) == ["Actor", "Company", "Entity", "Organization", "Record"]


def test_a_removed_record_is_reported_and_retracted_only_with_prune(
    clean_db: Database,
    tmp_data: Path,
) -> None:
    gone = "event:2026-meta-negotiating-caisi-review"
    path = ingest_seed(clean_db, tmp_data)
    with edit_yaml(path) as data:
        data["events"] = [e for e in data["events"] if e["id"] != gone]
    reduced = load_dataset([tmp_data])

    kept = ingest(clean_db, reduced)
    assert kept.types["Event"].removed == [gone]
    assert kept.types["Event"].pruned == 0
    assert all(c.removed == [] for n, c in kept.types.items() if n != "Event")
    assert clean_db.rows("MATCH (e:Event {id: $id}) RETURN e.id AS id", {"id": gone})
    assert clean_db.rows("MATCH ()-[r:NEGOTIATING {event_id: $id}]->() RETURN r", {"id": gone})

    pruned = ingest(clean_db, reduced, prune=True)
    assert pruned.types["Event"].removed == [gone]
    assert pruned.types["Event"].pruned == 1
    assert not clean_db.rows("MATCH (e:Event {id: $id}) RETURN e.id AS id", {"id": gone})
    assert not clean_db.rows("MATCH ()-[r {event_id: $id}]->() RETURN r", {"id": gone})
    # retracted, not deleted: its history keeps it
    assert clean_db.rows("MATCH (e:Retracted {id: $id}) RETURN e.id AS id", {"id": gone})
    after = graph_fingerprint(clean_db, history=False)
    assert ingest(clean_db, reduced, prune=True).types["Event"].removed == []
    assert fingerprint_from_empty(clean_db, reduced) == after


# --- a killed ingest converges --------------------------------------------------------------


class Killed(Exception):
    """Raised by the progress callback to stop ingest part-way, like a crash."""


def killer(after: int) -> Any:
    calls = {"n": 0}

    def progress(_: int) -> None:
        calls["n"] += 1
        if calls["n"] > after:
            raise Killed(f"killed after {after} progress calls")

    return progress


@pytest.mark.parametrize("where", ["nodes", "links", "hashes"])
def test_a_killed_ingest_converges_when_run_again(
    clean_db: Database, dataset: Dataset, where: str
) -> None:
    ingest(clean_db, dataset)
    reference = graph_fingerprint(clean_db, history=False)
    wipe(clean_db)

    records = dataset.count()
    types = len(dataset.records)
    # With batch_size=1, progress is called once per node written, once per record type
    # after its links, then once per content hash written.
    after = {
        "nodes": records // 3,
        "links": records + types // 2,
        "hashes": records + types + records // 2,
    }[where]
    with pytest.raises(Killed):
        ingest(clean_db, dataset, batch_size=1, progress=killer(after))
    partial = graph_fingerprint(clean_db, history=False)
    assert partial["hash"] != reference["hash"]  # a real partial write
    hashed = clean_db.rows("MATCH (n) WHERE n.content_hash IS NOT NULL RETURN count(n) AS n")
    if where == "nodes":
        assert 0 < sum(partial["labels"].get(k, 0) for k in dataset.records) < records
    if where == "hashes":
        assert 0 < hashed[0]["n"] < records
    else:
        assert hashed[0]["n"] == 0

    report = ingest(clean_db, dataset)
    assert graph_fingerprint(clean_db, history=False) == reference
    again = ingest(clean_db, dataset)
    assert again.changed == 0
    if where == "hashes":
        # The hash whose progress call raised was written: records // 2 + 1 of them.
        assert sum(c.unchanged for c in report.types.values()) == records // 2 + 1


# --- the command line -----------------------------------------------------------------------


def test_cli_validate_of_the_curated_data_exits_0(dataset: Dataset) -> None:
    result = cli("validate", str(DATA_DIR))
    assert result.returncode == 0, result.stderr
    assert f"OK: {len(dataset.files)} file(s)" in result.stdout
    assert f"{len(dataset.of('Event'))} events" in result.stdout


def test_cli_ingest_of_good_data_then_again_changes_nothing(
    clean_db: Database, tmp_data: Path
) -> None:
    seed_copy(tmp_data)
    first = cli("ingest", str(tmp_data))
    assert first.returncode == 0, first.stderr
    before = graph_fingerprint(clean_db)
    second = cli("ingest", str(tmp_data))
    assert second.returncode == 0, second.stderr
    assert "0 derived relationships written" in second.stdout
    assert graph_fingerprint(clean_db) == before


def test_a_graph_written_before_the_record_label_gets_it(
    clean_db: Database, tmp_data: Path
) -> None:
    ingest_seed(clean_db, tmp_data)
    expected = graph_fingerprint(clean_db)
    # The graph as the first release wrote it: no Record label, no constraint on it.
    clean_db.write(lambda tx: tx.run("DROP CONSTRAINT record_id IF EXISTS").consume())
    clean_db.write(lambda tx: tx.run("MATCH (n:Record) REMOVE n:Record").consume())
    assert clean_db.rows("MATCH (n:Record) RETURN count(n) AS n")[0]["n"] == 0
    report = ingest_folder(clean_db, tmp_data)
    assert report.changed == 0  # nothing rewritten: the label came from the migration
    assert graph_fingerprint(clean_db) == expected
    names = {r["name"] for r in clean_db.rows("SHOW CONSTRAINTS YIELD name RETURN name")}
    assert "record_id" in names

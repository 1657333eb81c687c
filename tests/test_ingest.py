"""Ingest against the real server: idempotence, updates in place, removal and prune, garbage
rejected before any write, and a killed run that converges when run again."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import DATA_DIR, wipe

from govgraph.errors import ValidationFailed
from graph.db import Database
from ingest.validate import Dataset, load_dataset
from ingest.writer import IngestReport, graph_fingerprint, ingest

SEED = DATA_DIR / "caisi-review-2026.yaml"
GOVGRAPH = str(Path(sys.executable).with_name("govgraph"))


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [GOVGRAPH, *args], capture_output=True, text=True, timeout=300, env=dict(os.environ)
    )


def seed_copy(folder: Path, name: str = "a-seed.yaml") -> Path:
    """The seed article's file, copied into a throwaway data folder."""
    path = folder / name
    shutil.copyfile(SEED, path)
    return path


def load_yaml(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text())  # type: ignore[no-any-return]


def save_yaml(path: Path, data: dict[str, Any]) -> None:
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


def record(data: dict[str, Any], key: str, rid: str) -> dict[str, Any]:
    return next(r for r in data[key] if r["id"] == rid)


def counts(report: IngestReport) -> dict[str, tuple[int, int, int]]:
    return {n: (c.created, c.updated, c.unchanged) for n, c in report.types.items()}


def node_count(db: Database) -> int:
    return int(db.rows("MATCH (n) RETURN count(n) AS n")[0]["n"])


# --- idempotence, updates, removal ----------------------------------------------------------


def test_ingest_is_idempotent(clean_db: Database) -> None:
    dataset = load_dataset([DATA_DIR])
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
    path = seed_copy(tmp_data)
    ingest(clean_db, load_dataset([tmp_data]))
    nodes, rels = node_count(clean_db), graph_fingerprint(clean_db)["relationships"]

    data = load_yaml(path)
    record(data, "actors", "org:meta")["summary"] = "Edited summary of Meta."
    save_yaml(path, data)
    report = ingest(clean_db, load_dataset([tmp_data]))
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
    path = seed_copy(tmp_data)
    ingest(clean_db, load_dataset([tmp_data]))
    data = load_yaml(path)
    event = record(data, "events", "event:2026-openai-joins-caisi-review")
    event["date"] = "2026-07"
    event["sources"] = ["src:article-2026-caisi-meta-holdout"]
    event["participants"].append({"actor": "org:microsoft", "role": "party"})
    save_yaml(path, data)
    report = ingest(clean_db, load_dataset([tmp_data]))
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
    edited = graph_fingerprint(clean_db)
    wipe(clean_db)
    ingest(clean_db, load_dataset([tmp_data]))
    assert graph_fingerprint(clean_db) == edited


def test_a_changed_kind_changes_the_labels(clean_db: Database, tmp_data: Path) -> None:
    path = seed_copy(tmp_data)
    ingest(clean_db, load_dataset([tmp_data]))
    data = load_yaml(path)
    record(data, "actors", "org:xai")["kind"] = "company"
    save_yaml(path, data)
    ingest(clean_db, load_dataset([tmp_data]))
    labels = clean_db.rows("MATCH (n {id: 'org:xai'}) RETURN labels(n) AS l")[0]["l"]
    assert sorted(labels) == ["Actor", "Company", "Entity", "Organization"]


def test_a_removed_record_is_reported_and_deleted_only_with_prune(
    clean_db: Database,
    tmp_data: Path,
) -> None:
    gone = "event:2026-meta-negotiating-caisi-review"
    path = seed_copy(tmp_data)
    ingest(clean_db, load_dataset([tmp_data]))
    data = load_yaml(path)
    data["events"] = [e for e in data["events"] if e["id"] != gone]
    save_yaml(path, data)
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
    after = graph_fingerprint(clean_db)
    assert ingest(clean_db, reduced, prune=True).types["Event"].removed == []
    wipe(clean_db)
    ingest(clean_db, reduced)
    assert graph_fingerprint(clean_db) == after


# --- garbage in: a clear message naming file and line, and zero writes ----------------------

EVENT = """events:
  - id: event:2026-x
    type: {type}
    date: "{date}"
    summary: {summary}
    status: reported
    participants:
      - {{actor: {actor}, role: party}}
    concerns:
      - {{id: program:caisi-frontier-review}}
{sources}    recorded_at: "2026-11-29"
"""
SOURCES = "    sources: [src:article-2026-caisi-meta-holdout]\n"


def event(
    type: str = "joined",
    date: str = "2026-07",
    summary: str = "Someone joined.",
    actor: str = "org:openai",
    sources: str = SOURCES,
) -> str:
    return EVENT.format(type=type, date=date, summary=summary, actor=actor, sources=sources)


ACTOR = """actors:
  - id: {id}
    kind: lab
    name: Example Lab
{extra}    sources: [{source}]
    recorded_at: "2026-11-29"
"""


def actor(
    id: str = "org:example", extra: str = "", source: str = "src:nyt-2026-early-access"
) -> str:
    return ACTOR.format(id=id, extra=extra, source=source)


GARBAGE: list[tuple[str, dict[str, str | bytes], str, int, str]] = [
    # (case, files written next to the seed copy, file named, line, message part)
    (
        "malformed yaml",
        {"b.yaml": "actors:\n  - id: org:x\n    name: OpenAI: the lab\n"},
        "b.yaml",
        3,
        "not valid YAML (mapping values are not allowed here)",
    ),
    (
        "unclosed bracket",
        {"b.yaml": "actors:\n  - id: org:x\n    aliases: [A, B\n"},
        "b.yaml",
        4,
        "not valid YAML",
    ),
    (
        "not a mapping",
        {"b.yaml": "- id: org:x\n- id: org:y\n"},
        "b.yaml",
        1,
        "the file must be a mapping with lists under sources, actors",
    ),
    ("a scalar file", {"b.yaml": "just some words\n"}, "b.yaml", 1, "the file must be a mapping"),
    (
        "unknown section",
        {"b.yaml": "# people\n\npeople:\n  - id: person:x\n"},
        "b.yaml",
        3,
        "unknown section 'people'. Fix: use one of sources, actors, instruments, events",
    ),
    (
        "section not a list",
        {"b.yaml": "actors:\n  id: org:x\n"},
        "b.yaml",
        1,
        "'actors' must be a list of records",
    ),
    (
        "record not a mapping",
        {"b.yaml": "actors:\n  - org:x\n"},
        "b.yaml",
        2,
        "a record must be a mapping of fields",
    ),
    (
        "unknown field",
        {"b.yaml": actor(extra="    nickname: Lab X\n")},
        "b.yaml",
        2,
        "org:example: field 'nickname': Extra inputs are not permitted",
    ),
    (
        "wrong type",
        {"b.yaml": actor(extra="    aliases: Lab X\n")},
        "b.yaml",
        2,
        "field 'aliases': Input should be a valid list",
    ),
    (
        "wrong type of date",
        {"b.yaml": event(date="2026-07").replace('"2026-07"', "2026")},
        "b.yaml",
        2,
        "field 'date': Input should be a valid string",
    ),
    (
        "unknown event type",
        {"b.yaml": event(type="exploded")},
        "b.yaml",
        2,
        "field 'type': Input should be 'joined', 'declined'",
    ),
    (
        "duplicate id across files",
        {"b.yaml": actor(id="org:openai")},
        "b.yaml",
        2,
        "org:openai: duplicate id, first defined at ",
    ),
    (
        "missing actor",
        {"b.yaml": event(actor="org:nobody")},
        "b.yaml",
        2,
        "participants refers to unknown actor 'org:nobody'",
    ),
    (
        "missing source",
        {"b.yaml": actor(source="src:nowhere")},
        "b.yaml",
        2,
        "sources refers to unknown source 'src:nowhere'",
    ),
    (
        "event without sources",
        {"b.yaml": event(sources="")},
        "b.yaml",
        2,
        "event:2026-x: field 'sources': Field required. Fix: add 'sources'",
    ),
    (
        "event with empty sources",
        {"b.yaml": event(sources="    sources: []\n")},
        "b.yaml",
        2,
        "field 'sources': List should have at least 1 item",
    ),
    (
        "impossible date",
        {"b.yaml": event(date="2023-02-30")},
        "b.yaml",
        2,
        "field 'date': day 30 in '2023-02-30' does not exist (2023-02 has 28 days)",
    ),
    (
        "month 13",
        {"b.yaml": event(date="2023-13")},
        "b.yaml",
        2,
        "month 13 in '2023-13' does not exist",
    ),
    (
        "inverted range",
        {"b.yaml": event(date="2026-11/2026-06")},
        "b.yaml",
        2,
        "range '2026-11/2026-06' ends before it starts",
    ),
    (
        "date after recorded_at",
        {"b.yaml": event(date="2026-12-25")},
        "b.yaml",
        2,
        "date '2026-12-25' starts after recorded_at 2026-11-29",
    ),
    (
        "recorded_at in the future",
        {"b.yaml": actor().replace('"2026-11-29"', '"2099-01-01"')},
        "b.yaml",
        2,
        "recorded_at 2099-01-01 is in the future",
    ),
    (
        "wrong id prefix",
        {"b.yaml": actor(id="agency:example")},
        "b.yaml",
        2,
        "a lab id must start with 'org:'. Fix: rename it to org:example",
    ),
    (
        "wrong event id prefix",
        {"b.yaml": event().replace("event:2026-x", "evt:2026-x")},
        "b.yaml",
        2,
        "an event id must start with 'event:'",
    ),
    (
        "bad id",
        {"b.yaml": actor(id="Org:Example Lab")},
        "b.yaml",
        2,
        "field 'id': String should match pattern",
    ),
    (
        "non-UTF-8 bytes",
        {"b.yaml": actor().encode() + b"# caf\xe9\n"},
        "b.yaml",
        1,
        "not UTF-8 text",
    ),
    (
        "huge string",
        {"b.yaml": event(summary="x" * 5001)},
        "b.yaml",
        2,
        "field 'summary': String should have at most 5000 characters",
    ),
    (
        "self reference",
        {"b.yaml": actor(extra="    parent: org:example\n")},
        "b.yaml",
        2,
        "parent refers to the record itself",
    ),
]


@pytest.fixture
def preloaded(clean_db: Database, tmp_data: Path) -> tuple[Database, dict[str, Any]]:
    """A graph holding the seed article's records, and its fingerprint."""
    seed_copy(tmp_data)
    ingest(clean_db, load_dataset([tmp_data]))
    return clean_db, graph_fingerprint(clean_db)


@pytest.mark.parametrize(
    ("case", "files", "named", "line", "message"), GARBAGE, ids=[g[0] for g in GARBAGE]
)
def test_garbage_is_rejected_with_file_and_line_and_nothing_written(
    preloaded: tuple[Database, dict[str, Any]],
    tmp_path: Path,
    case: str,
    files: dict[str, str | bytes],
    named: str,
    line: int,
    message: str,
) -> None:
    db, before = preloaded
    folder = tmp_path / "input"
    folder.mkdir()
    seed_copy(folder)
    for name, content in files.items():
        path = folder / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    with pytest.raises(ValidationFailed) as info:
        ingest(db, load_dataset([folder]))
    problems = info.value.problems
    where = f"{folder / named}:{line}:"
    assert any(p.startswith(where) and message in p for p in problems), problems
    assert all(" Fix: " in p for p in problems), problems
    assert graph_fingerprint(db) == before


def test_every_problem_is_reported_at_once(tmp_data: Path) -> None:
    seed_copy(tmp_data)
    (tmp_data / "b.yaml").write_text(event(date="2023-02-30"))
    (tmp_data / "c.yaml").write_text(actor(id="agency:example", source="src:nowhere"))
    with pytest.raises(ValidationFailed) as info:
        load_dataset([tmp_data])
    text = str(info.value)
    assert text.startswith("3 problem(s) in 3 file(s):")
    assert f"{tmp_data / 'b.yaml'}:2:" in text
    assert text.count(f"{tmp_data / 'c.yaml'}:2:") == 2


def test_a_missing_path_is_named(tmp_path: Path) -> None:
    with pytest.raises(ValidationFailed, match="no such file or folder"):
        load_dataset([tmp_path / "nope.yaml"])


def test_an_empty_file_is_an_empty_dataset(tmp_data: Path) -> None:
    (tmp_data / "empty.yaml").write_text("# nothing yet\n")
    assert load_dataset([tmp_data]).count() == 0


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


@pytest.fixture(scope="module")
def full_dataset() -> Dataset:
    """The curated data, read once so every kill point sees the same records."""
    return load_dataset([DATA_DIR])


@pytest.mark.parametrize("where", ["nodes", "links", "hashes"])
def test_a_killed_ingest_converges_when_run_again(
    clean_db: Database, full_dataset: Dataset, where: str
) -> None:
    ingest(clean_db, full_dataset)
    reference = graph_fingerprint(clean_db)
    wipe(clean_db)

    records = full_dataset.count()
    types = len(full_dataset.records)
    # With batch_size=1, progress is called once per node written, once per record type
    # after its links, then once per content hash written.
    after = {
        "nodes": records // 3,
        "links": records + types // 2,
        "hashes": records + types + records // 2,
    }[where]
    with pytest.raises(Killed):
        ingest(clean_db, full_dataset, batch_size=1, progress=killer(after))
    partial = graph_fingerprint(clean_db)
    assert partial["hash"] != reference["hash"]  # a real partial write
    hashed = clean_db.rows("MATCH (n) WHERE n.content_hash IS NOT NULL RETURN count(n) AS n")
    if where == "nodes":
        assert 0 < sum(partial["labels"].get(k, 0) for k in full_dataset.records) < records
    if where == "hashes":
        assert 0 < hashed[0]["n"] < records
    else:
        assert hashed[0]["n"] == 0

    report = ingest(clean_db, full_dataset)
    assert graph_fingerprint(clean_db) == reference
    again = ingest(clean_db, full_dataset)
    assert again.changed == 0
    if where == "hashes":
        # The hash whose progress call raised was written: records // 2 + 1 of them.
        assert sum(c.unchanged for c in report.types.values()) == records // 2 + 1


# --- the command line -----------------------------------------------------------------------


def test_cli_ingest_of_a_bad_file_exits_1_naming_file_and_line(
    preloaded: tuple[Database, dict[str, Any]],
    tmp_path: Path,
) -> None:
    db, before = preloaded
    bad = tmp_path / "bad.yaml"
    bad.write_text(actor(id="org:bad", source="src:nowhere"))
    result = cli("ingest", str(bad))
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{bad}:2: org:bad: sources refers to unknown source 'src:nowhere'" in result.stderr
    assert "error:" in result.stderr
    assert graph_fingerprint(db) == before


def test_cli_validate_of_the_curated_data_exits_0() -> None:
    dataset = load_dataset([DATA_DIR])
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

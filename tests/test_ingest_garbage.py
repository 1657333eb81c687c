"""Garbage in: every bad input is refused with a clear message naming file and line, and
nothing is written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from ingest_helpers import cli, ingest_folder, ingest_seed, seed_copy

from govgraph.core.errors import ValidationFailed
from govgraph.graph.db import Database
from govgraph.graph.revision import graph_fingerprint
from govgraph.ingest.validate import load_dataset

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
    ingest_seed(clean_db, tmp_data)
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
        ingest_folder(db, folder)
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

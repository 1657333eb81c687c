"""The declared schema: its own rules, the constraints it yields in the server, the models it
generates, and the documentation rendered from it."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from govgraph.graph.db import Database
from govgraph.graph.docs import SCHEMA_DOC, render_schema_markdown
from govgraph.graph.models import record_models
from govgraph.graph.schema import SCHEMA_DIR, Prop, check_schema, constraint_statements, load_schema
from govgraph.ingest.writer import ensure_schema

KIND_KEYS = {"labels", "prefix", "description"}
PROP_KEYS = {"reverse", "type", "required", "description", "to", "relationship", "values", "min"}
NAME = re.compile(r"^CREATE (?:CONSTRAINT|INDEX|FULLTEXT INDEX) (\w+) IF NOT EXISTS")


def test_the_schema_is_sound() -> None:
    assert check_schema(load_schema()) == []


def test_schema_files_use_only_known_keys_and_no_empty_values() -> None:
    # An unquoted comma inside a YAML flow mapping silently splits a description into
    # keys with null values; the loader ignores unknown keys, so catch it here.
    for path in sorted(SCHEMA_DIR.glob("*.yaml")):
        raw = yaml.safe_load(path.read_text())
        for name, spec in (raw.get("kinds") or {}).items():
            assert set(spec) <= KIND_KEYS, f"{path.name}: kind {name}: {set(spec) - KIND_KEYS}"
            assert all(v is not None for v in spec.values()), f"{path.name}: kind {name}"
        for name, spec in raw["properties"].items():
            assert set(spec) <= PROP_KEYS, f"{path.name}: {name}: {set(spec) - PROP_KEYS}"
            assert all(v is not None for v in spec.values()), f"{path.name}: {name}"


def test_check_schema_finds_broken_declarations() -> None:
    schema = load_schema()
    actor = schema.types["Actor"]
    props = dict(actor.props)
    props["weird"] = Prop("weird", "colour", description="")
    props["boss"] = Prop("boss", "ref", to="Nobody", relationship="bossed_by", description="x")
    del props["recorded_at"]
    broken_actor = dataclasses.replace(actor, props=props, labels=("actor",))
    broken = dataclasses.replace(
        schema,
        types={**schema.types, "Actor": broken_actor},
        shortcuts=(
            *schema.shortcuts,
            dataclasses.replace(
                schema.shortcuts[0],
                type="bad-name",
                events=("exploded",),
                source=("participants", "emperor"),
            ),
        ),
    )
    problems = "\n".join(check_schema(broken))
    for expected in (
        "label 'actor' is not CamelCase",
        "every record type needs a required 'recorded_at'",
        "weird has unknown type 'colour'",
        "weird has no description",
        "boss refers to unknown type 'Nobody'",
        "boss needs an UPPER_SNAKE relationship",
        "shortcut bad-name: not UPPER_SNAKE",
        "unknown event type 'exploded'",
        "unknown side/role 'participants/emperor'",
    ):
        assert expected in problems


def _statement_names() -> dict[str, str]:
    """name -> 'constraint' | 'index' for every statement the schema derives."""
    out = {}
    for stmt in constraint_statements(load_schema()):
        match = NAME.match(stmt)
        assert match, stmt
        out[match.group(1)] = "constraint" if " CONSTRAINT " in stmt else "index"
    return out


def test_constraints_and_indexes_exist_after_ingest(curated: Database) -> None:
    names = _statement_names()
    constraints = {
        r["name"]: r
        for r in curated.rows(
            "SHOW CONSTRAINTS YIELD name, type, labelsOrTypes, properties RETURN *"
        )
    }
    indexes = {
        r["name"]: r
        for r in curated.rows(
            "SHOW INDEXES YIELD name, type, state, labelsOrTypes, properties RETURN *"
        )
    }
    for name, what in names.items():
        if what == "constraint":
            assert name in constraints, name
            assert constraints[name]["type"] == "UNIQUENESS"
            assert constraints[name]["properties"] == ["id"]
        assert name in indexes or name in constraints, name
        if name in indexes:
            assert indexes[name]["state"] == "ONLINE", name
    for rt in load_schema().types.values():
        label = rt.labels[0]
        assert constraints[f"{label.lower()}_id"]["labelsOrTypes"] == [label]
    assert indexes["entity_search"]["type"] == "FULLTEXT"
    assert indexes["entity_search"]["properties"] == ["search_text"]
    assert indexes["event_date_earliest"]["properties"] == ["date_earliest"]
    assert indexes["rel_party_to_event"]["labelsOrTypes"] == ["PARTY_TO"]


def test_ensure_schema_is_idempotent(curated: Database) -> None:
    before = len(curated.rows("SHOW INDEXES YIELD name RETURN name"))
    ensure_schema(curated)
    ensure_schema(curated)
    assert len(curated.rows("SHOW INDEXES YIELD name RETURN name")) == before


def test_uniqueness_is_enforced_by_the_server(clean_db: Database) -> None:
    from neo4j.exceptions import ConstraintError

    ensure_schema(clean_db)
    clean_db.write(lambda tx: tx.run("CREATE (:Actor:Entity {id: 'org:x'})").consume())
    with pytest.raises(ConstraintError):  # the shared id space of actors and instruments
        clean_db.write(lambda tx: tx.run("CREATE (:Instrument:Entity {id: 'org:x'})").consume())


GOOD: dict[str, dict[str, Any]] = {
    "Actor": {
        "id": "org:openai",
        "kind": "lab",
        "name": "OpenAI",
        "sources": ["src:a"],
        "recorded_at": "2026-11-29",
    },
    "Source": {
        "id": "src:a",
        "kind": "news",
        "publisher": "Reuters",
        "title": "T",
        "published": "2026-06/2026-11-29",
        "recorded_at": "2026-11-29",
    },
    "Instrument": {
        "id": "program:x",
        "kind": "program",
        "name": "X",
        "status": "active",
        "sources": ["src:a"],
        "recorded_at": "2026-11-29",
    },
    "Event": {
        "id": "event:x",
        "type": "joined",
        "date": "2026-06",
        "summary": "S.",
        "status": "reported",
        "participants": [{"actor": "org:openai", "role": "party"}],
        "concerns": [{"id": "program:x"}],
        "sources": ["src:a"],
        "recorded_at": "2026-11-29",
    },
}


@pytest.mark.parametrize("name", list(GOOD))
def test_models_accept_a_good_record(name: str) -> None:
    record = record_models()[name].model_validate(GOOD[name])
    assert record.dump()["id"] == GOOD[name]["id"]


def test_concern_role_defaults_to_subject_and_dump_leaves_defaults_out() -> None:
    event = record_models()["Event"].model_validate(GOOD["Event"])
    assert event.concerns[0].role == "subject"  # type: ignore[attr-defined]
    assert event.dump()["concerns"] == [{"id": "program:x"}]
    assert "aliases" not in record_models()["Actor"].model_validate(GOOD["Actor"]).dump()


BAD = [
    ("Actor", {"nickname": "x"}, "extra_forbidden", "nickname"),
    ("Actor", {"kind": "wizard"}, "literal_error", "kind"),
    ("Actor", {"id": "OpenAI"}, "string_pattern_mismatch", "id"),
    ("Actor", {"id": "org:Open AI"}, "string_pattern_mismatch", "id"),
    ("Actor", {"id": "org:" + "a" * 300}, "string_too_long", "id"),
    ("Actor", {"name": ""}, "string_too_short", "name"),
    ("Actor", {"name": 42}, "string_type", "name"),
    ("Actor", {"summary": "x" * 5001}, "string_too_long", "summary"),
    ("Actor", {"url": "ftp://example.org"}, "string_pattern_mismatch", "url"),
    ("Actor", {"sources": []}, "too_short", "sources"),
    ("Actor", {"sources": "src:a"}, "list_type", "sources"),
    ("Actor", {"recorded_at": "2026-11"}, "value_error", "recorded_at"),
    ("Actor", {"aliases": ["ok", ""]}, "string_too_short", "aliases.1"),
    ("Source", {"published": "2023-02-30"}, "value_error", "published"),
    ("Source", {"kind": "blog"}, "literal_error", "kind"),
    ("Instrument", {"status": "dead"}, "literal_error", "status"),
    ("Instrument", {"terms": "one long term"}, "list_type", "terms"),
    ("Event", {"type": "exploded"}, "literal_error", "type"),
    ("Event", {"participants": []}, "too_short", "participants"),
    (
        "Event",
        {"participants": [{"actor": "org:openai", "role": "boss"}]},
        "literal_error",
        "participants.0.role",
    ),
    ("Event", {"participants": [{"actor": "org:openai"}]}, "missing", "participants.0.role"),
    (
        "Event",
        {"participants": [{"id": "org:openai", "role": "party"}]},
        "extra_forbidden",
        "participants.0.id",
    ),
    (
        "Event",
        {"concerns": [{"id": "program:x", "role": "victim"}]},
        "literal_error",
        "concerns.0.role",
    ),
    ("Event", {"sources": []}, "too_short", "sources"),
    ("Event", {"date": 2023}, "string_type", "date"),
]


@pytest.mark.parametrize(("name", "change", "error", "loc"), BAD)
def test_models_reject_bad_records(name: str, change: dict[str, Any], error: str, loc: str) -> None:
    with pytest.raises(ValidationError) as info:
        record_models()[name].model_validate({**GOOD[name], **change})
    errors = {(e["type"], ".".join(str(p) for p in e["loc"])) for e in info.value.errors()}
    assert (error, loc) in errors


@pytest.mark.parametrize("missing", ["id", "kind", "name", "sources", "recorded_at"])
def test_models_require_required_fields(missing: str) -> None:
    data = {k: v for k, v in GOOD["Actor"].items() if k != missing}
    with pytest.raises(ValidationError) as info:
        record_models()["Actor"].model_validate(data)
    types = {e["type"] for e in info.value.errors()}
    assert types & {"missing", "too_short"}


def test_records_are_frozen() -> None:
    record = record_models()["Actor"].model_validate(GOOD["Actor"])
    with pytest.raises(ValidationError):
        record.name = "Other"  # type: ignore[attr-defined]


def test_models_follow_the_schema() -> None:
    schema = load_schema()
    for name, rt in schema.types.items():
        assert set(record_models()[name].model_fields) == set(rt.props)


def test_schema_doc_is_pinned_to_the_schema() -> None:
    assert SCHEMA_DOC.read_text(encoding="utf-8") == render_schema_markdown(), (
        "docs/schema.md is stale: run `govgraph docs`"
    )


def test_schema_doc_covers_every_declared_name() -> None:
    text = render_schema_markdown()
    schema = load_schema()
    names: list[str] = []
    for rt in schema.types.values():
        names += [rt.name, *rt.labels, *rt.all_kind_labels, *rt.kinds, *rt.props]
        names += [k.prefix + ":" for k in rt.kinds.values()]
        names += [p.relationship for p in rt.props.values() if p.relationship]
    names += [*schema.event_types, *schema.participant_roles, *schema.concern_roles]
    names += [*schema.statuses, *(s.type for s in schema.shortcuts)]
    names += [NAME.match(s).group(1) for s in constraint_statements(schema)]  # type: ignore[union-attr]
    missing = [
        n
        for n in names
        if f"`{n}`" not in text
        and f":{n}" not in text
        and f"{n}[" not in text
        and f" {n} " not in text
    ]
    assert missing == []
    assert "```mermaid" in text
    assert "program:caisi-frontier-review" in text

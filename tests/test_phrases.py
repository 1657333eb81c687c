"""Relationship phrases read right both ways for every relationship type the schema declares."""

from __future__ import annotations

import re

import pytest

from govgraph.api import graph_style
from govgraph.api.phrases import IN, OUT, label, phrase
from govgraph.graph.schema import load_schema


def schema_relationships() -> list[str]:
    """Every relationship type the schema declares: record references and event shortcuts."""
    schema = load_schema()
    refs = {
        p.relationship for t in schema.types.values() for p in t.props.values() if p.relationship
    }
    return sorted(refs | {s.type for s in schema.shortcuts})


RELATIONSHIPS = schema_relationships()
# "is party to by", "is negotiating by": a trailing "by" after a preposition or an -ing word
BAD_BY = re.compile(r"\b(\w+ing|to|in|of|with|from|by) by\b|\bby by\b")


def test_the_schema_declares_the_relationships_the_issue_names() -> None:
    assert {"SUCCEEDED_BY", "PARTY_TO", "NEGOTIATING", "PRESSED_TO_JOIN"} <= set(RELATIONSHIPS)
    assert len(RELATIONSHIPS) >= 20


@pytest.mark.parametrize("rel", RELATIONSHIPS)
def test_every_relationship_has_its_own_phrase_both_ways(rel: str) -> None:
    out, inward = OUT.get(rel), IN.get(rel)
    assert out and inward, f"{rel} needs a phrase in phrases.OUT and phrases.IN"
    assert phrase(rel, "out") == out and phrase(rel, "in") == inward
    assert out != inward
    for text in (out, inward):
        assert not BAD_BY.search(text), f"{rel}: '{text}'"
        assert "_" not in text and text == text.lower()
    # the old way of reading an inbound relationship ("is <out> by") is never produced
    assert inward != f"is {out} by" and inward != f"{out} by"


@pytest.mark.parametrize(
    ("rel", "out", "inward"),
    [
        ("SUCCEEDED_BY", "was succeeded by", "succeeded"),
        ("PARTY_TO", "is party to", "has as a party"),
        ("PRESSED", "pressed", "was pressed by"),
        ("NEGOTIATING", "is in talks to join", "is in talks with"),
    ],
)
def test_the_reporters_examples_read_right(rel: str, out: str, inward: str) -> None:
    assert (phrase(rel, "out"), phrase(rel, "in")) == (out, inward)


def test_an_undeclared_relationship_still_reads_without_raw_type() -> None:
    assert phrase("SOME_NEW_LINK", "out") == "some new link"
    assert "SOME_NEW_LINK" not in phrase("SOME_NEW_LINK", "in")


def test_roles_event_types_and_kinds_read_as_words() -> None:
    schema = load_schema()
    for term in (*schema.event_types, *schema.participant_roles, *schema.entity_kinds):
        assert "_" not in label(term) and label(term)
    assert label("pressed_to_join") == "pressed to join"
    assert label(None) == ""


def test_graph_tooltips_use_human_labels_and_names() -> None:
    edge = {
        "source": "org:openai",
        "target": "program:caisi-frontier-review",
        "type": "PARTY_TO",
        "date": "2026-06/2026-11-29",
        "date_precision": "range",
        "status": "reported",
    }
    names = {"org:openai": "OpenAI", "program:caisi-frontier-review": "CAISI frontier review"}
    title = graph_style.edge_title(edge, names)
    assert title.splitlines()[0] == "OpenAI is party to CAISI frontier review"
    assert "PARTY_TO" not in title and "PARTY_TO" not in graph_style.edge_label(edge)
    event = {"id": "event:x", "labels": ["Event"], "type": "pressed_to_join", "status": "reported"}
    tip = graph_style.node_title({**event, "date": "2026", "date_precision": "year"})
    assert "Pressed to join" in tip and "pressed_to_join" not in tip


@pytest.mark.parametrize(
    ("text", "recorded", "expected"),
    [
        ("../2026-11-29", None, "reported by 29 Nov 2026"),
        ("2026-06/2026-11-29", "2026-11-29", "reported by 29 Nov 2026, not before Jun 2026"),
        ("2026-06/2026-11-29", "2026-11-30", "2026-06 to 2026-11-29"),
        ("2026-06/2026-11-29", None, "2026-06 to 2026-11-29"),
        ("2025-06-03", "2025-06-03", "2025-06-03"),
    ],
)
def test_dates_bounded_only_by_a_recording_day_read_reported_by(
    text: str, recorded: str | None, expected: str
) -> None:
    assert graph_style.date_label(text, "range", recorded) == expected

"""The curated dataset as loaded in the graph: counts, sourcing, the seed article's facts, and
that our summaries are our own words."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from typing import Any

from conftest import ARTICLE

from govgraph.graph.db import Database
from govgraph.graph.docs import EXAMPLES
from govgraph.graph.revision import graph_fingerprint
from govgraph.graph.schema import load_schema
from govgraph.ingest.validate import Dataset

PROGRAM = "program:caisi-frontier-review"
EO = "eo:2026-06-frontier-model-early-access"
FIVE_LABS = {"org:openai", "org:anthropic", "org:google-deepmind", "org:microsoft", "org:xai"}
ARTICLE_NAMES = [
    "OpenAI",
    "Anthropic",
    "Google DeepMind",
    "Microsoft",
    "xAI",
    "Meta",
    "CAISI",
    "Fable 5",
    "Mythos 5",
]
RUN = 8  # words: a longer verbatim run from the article counts as copying


def rels(db: Database, rel: str, **where: str) -> list[dict[str, Any]]:
    """Shortcut relationships of one type, with their endpoints and date fields."""
    conds = " AND ".join(f"{k}.id = ${k}" for k in where) or "true"
    return db.rows(
        f"MATCH (a)-[r:{rel}]->(b) WHERE {conds} RETURN a.id AS a, b.id AS b, "
        "r.event_id AS event, r.event_type AS type, r.date AS date, "
        "r.date_precision AS precision, r.date_earliest AS earliest, r.date_latest AS latest, "
        "r.sources AS sources ORDER BY a, b",
        where,
    )


# --- counts and sourcing --------------------------------------------------------------------


def test_the_curated_data_is_big_enough(dataset: Dataset) -> None:
    assert len(dataset.of("Event")) >= 150
    assert len(dataset.of("Actor")) >= 40


def test_counts_per_label_equal_the_datasets(curated: Database, dataset: Dataset) -> None:
    schema = load_schema()
    expected: Counter[str] = Counter()
    for name, rt in schema.types.items():
        for loc in dataset.of(name):
            expected.update(rt.labels_for(getattr(loc.record, "kind", None)))
    found = graph_fingerprint(curated, history=False)["labels"]
    # Only bookkeeping nodes (the ingest revision) may carry labels outside the schema.
    assert set(found) - set(expected) <= {"GovGraphMeta"}
    assert {k: found.get(k, 0) for k in expected} == dict(expected)


def test_stated_relationships_match_the_records(curated: Database, dataset: Dataset) -> None:
    schema = load_schema()
    expected: Counter[str] = Counter()
    for name, rt in schema.types.items():
        for loc in dataset.of(name):
            for prop in rt.props.values():
                value = getattr(loc.record, prop.name, None)
                if prop.relationship and value:
                    expected[prop.relationship] += len(value) if isinstance(value, list) else 1
    found = graph_fingerprint(curated)["relationships"]
    assert {k: found.get(k, 0) for k in expected} == dict(expected)


def test_every_event_has_a_source(curated: Database, dataset: Dataset) -> None:
    rows = curated.rows(
        "MATCH (e:Event) RETURN e.id AS id, count { (e)-[:SOURCED_FROM]->(:Source) } AS n"
    )
    assert len(rows) == len(dataset.of("Event"))
    assert [r["id"] for r in rows if r["n"] < 1] == []
    assert curated.rows("MATCH (n:Entity) WHERE NOT (n)-[:SOURCED_FROM]->() RETURN n.id") == []


def test_every_shortcut_points_at_a_real_event(curated: Database) -> None:
    types = sorted({s.type for s in load_schema().shortcuts})
    orphans = curated.rows(
        f"MATCH ()-[r:{'|'.join(types)}]->() WHERE NOT EXISTS {{ MATCH (e:Event "
        "{id: r.event_id}) WHERE e.type = r.event_type AND e.date = r.date } "
        "RETURN r.event_id AS id"
    )
    assert orphans == []


# --- the seed article's facts ---------------------------------------------------------------


def test_five_labs_are_party_to_the_review_over_a_bounded_range(curated: Database) -> None:
    parties = rels(curated, "PARTY_TO", b=PROGRAM)
    assert {r["a"] for r in parties} == FIVE_LABS  # Meta is not among them
    for r in parties:
        assert (r["type"], r["date"], r["precision"]) == ("joined", "2026-06/2026-11-29", "range")
        assert (r["earliest"].to_native(), r["latest"].to_native()) == (
            date(2026, 6, 1),
            date(2026, 11, 29),
        )
        assert "src:nyt-2026-early-access" in r["sources"]
    roles = curated.rows(
        "MATCH (a:Actor)-[p:PARTICIPATED_IN]->(e:Event {type: 'joined'})-[:CONCERNS]->"
        "(:Program {id: $p}) RETURN a.id AS a, p.role AS role",
        {"p": PROGRAM},
    )
    assert {(r["a"], r["role"]) for r in roles} == {(lab, "party") for lab in FIVE_LABS}


def test_meta_negotiates_and_is_pressed_by_the_white_house(curated: Database) -> None:
    negotiating = rels(curated, "NEGOTIATING", b=PROGRAM)
    assert [(r["a"], r["date"], r["precision"]) for r in negotiating] == [
        ("org:meta", "2026-06/2026-11-29", "range")
    ]
    pressed = rels(curated, "PRESSED", b="org:meta")
    assert [(r["a"], r["type"]) for r in pressed] == [("office:white-house", "pressed_to_join")]
    assert [r["a"] for r in rels(curated, "PRESSED_TO_JOIN", b=PROGRAM)] == ["org:meta"]
    assert rels(curated, "PARTY_TO", a="org:meta", b=PROGRAM) == []


def test_the_order_was_signed_by_trump_in_june_2026(curated: Database) -> None:
    issued = rels(curated, "ISSUED", b=EO)
    # the article's account (signed in June), and the White House's issue of it on 2 June
    assert {(r["a"], r["type"], r["date"], r["precision"]) for r in issued} == {
        ("person:donald-trump", "signed", "2026-06", "month"),
        ("office:white-house", "issued", "2026-06-02", "day"),
    }
    event = curated.rows(
        "MATCH (p:Person {id: 'person:donald-trump'})-[:PARTICIPATED_IN {role: 'issuer'}]->"
        "(e:Event {type: 'signed'})-[:CONCERNS]->(:ExecutiveOrder {id: $eo}) "
        "RETURN e.date AS date, e.date_precision AS precision, e.date_earliest AS lo, "
        "e.date_latest AS hi",
        {"eo": EO},
    )
    assert [(r["date"], r["precision"]) for r in event] == [("2026-06", "month")]
    assert (event[0]["lo"].to_native(), event[0]["hi"].to_native()) == (
        date(2026, 6, 1),
        date(2026, 6, 30),
    )


def test_the_order_established_the_program(curated: Database) -> None:
    established = rels(curated, "ESTABLISHED", a=EO)
    assert [(r["b"], r["type"]) for r in established] == [(PROGRAM, "established")]
    admin = curated.rows(
        "MATCH (:Program {id: $p})-[:ADMINISTERED_BY]->(a) RETURN a.id AS a", {"p": PROGRAM}
    )
    assert admin == [{"a": "agency:caisi"}]


def test_the_safety_institute_was_succeeded_by_caisi(curated: Database) -> None:
    succeeded = rels(curated, "SUCCEEDED_BY", a="agency:us-aisi")
    assert [(r["b"], r["date"], r["precision"]) for r in succeeded] == [
        ("agency:caisi", "2025-06-03", "day")
    ]


def test_anthropic_was_ordered_and_then_suspended_access(curated: Database) -> None:
    every = rels(curated, "ORDERED", b="org:anthropic")
    # the article's account (the U.S. ordered it), and Commerce's letter of 12 June that
    # later reporting names, kept as its own event with its own sources
    assert {(r["a"], r["type"]) for r in every} == {
        ("country:us", "ordered"),
        ("dept:commerce", "ordered"),
        ("person:howard-lutnick", "ordered"),
    }
    ordered = [r for r in every if r["a"] == "country:us"]
    order_models = curated.rows(
        "MATCH (e:Event {id: $e})-[c:CONCERNS {role: 'model'}]->(m:AIModel) "
        "RETURN m.id AS m ORDER BY m",
        {"e": ordered[0]["event"]},
    )
    assert [r["m"] for r in order_models] == ["model:fable-5", "model:mythos-5"]
    restricted = rels(curated, "RESTRICTED", a="org:anthropic")
    assert {(r["b"], r["type"]) for r in restricted} >= {
        ("model:fable-5", "suspended_access"),
        ("model:mythos-5", "suspended_access"),
    }
    suspension = next(r for r in restricted if r["type"] == "suspended_access")
    assert suspension["earliest"] >= ordered[0]["earliest"]  # not before the order
    developers = curated.rows(
        "MATCH (m:AIModel)-[:DEVELOPED_BY]->(:Lab {id: 'org:anthropic'}) "
        "RETURN m.id AS m ORDER BY m"
    )
    assert {"model:fable-5", "model:mythos-5"} <= {r["m"] for r in developers}


def test_the_reuters_report_cites_the_times(curated: Database) -> None:
    cites = curated.rows(
        "MATCH (:Source {id: 'src:reuters-2026-nyt-early-access'})-[:CITES]->"
        "(s:Source) RETURN s.id AS s"
    )
    assert cites == [{"s": "src:nyt-2026-early-access"}]


def test_the_documented_examples_answer_the_question(curated: Database) -> None:
    first, by_events, as_of = (curated.rows(ex.cypher, ex.params) for ex in EXAMPLES)
    assert {r["actor"] for r in first} == FIVE_LABS
    assert all(r["date"] == "2026-06/2026-11-29" and r["precision"] == "range" for r in first)
    assert all(r["sources"] and r["event"].startswith("event:") for r in first)
    assert sorted(r["name"] for r in by_events) == sorted(r["name"] for r in first)
    assert {r["party_as_of"] for r in as_of} == {"uncertain"}  # 2026-08-01 is inside the range


# --- the article ----------------------------------------------------------------------------


def article_text() -> str:
    """The article's body (its '#' header lines are our description, not its text)."""
    lines = ARTICLE.read_text(encoding="utf-8").splitlines()
    return "\n".join(line for line in lines if not line.startswith("#"))


def test_the_articles_named_entities_are_actors(curated: Database) -> None:
    text = article_text()
    actors = curated.rows(
        "MATCH (a:Actor) RETURN a.id AS id, a.name AS name, coalesce(a.aliases, []) AS aliases"
    )
    for name in ARTICLE_NAMES:
        assert re.search(rf"\b{re.escape(name)}\b", text), f"'{name}' is not in the article"
        found = [a["id"] for a in actors if name == a["name"] or name in a["aliases"]]
        assert found, f"no actor is named '{name}'"


def words(text: str) -> list[str]:
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"')
    return re.findall(r"[a-z0-9]+(?:['.\-][a-z0-9]+)*", text.replace("\u201d", '"').lower())


def test_no_summary_copies_the_article(dataset: Dataset) -> None:
    article = words(article_text())
    runs = {tuple(article[i : i + RUN]) for i in range(len(article) - RUN + 1)}
    assert len(runs) > 1000
    copied = []
    for records in dataset.records.values():
        for loc in records:
            data = loc.record.dump()
            for field in ("summary", "note", "terms"):
                value = data.get(field) or []
                for text in value if isinstance(value, list) else [value]:
                    w = words(text)
                    hits = [
                        " ".join(w[i : i + RUN])
                        for i in range(len(w) - RUN + 1)
                        if tuple(w[i : i + RUN]) in runs
                    ]
                    if hits:
                        copied.append(f"{loc.file}:{loc.line}: {loc.id} {field}: '{hits[0]}'")
    assert copied == [], "verbatim runs of the article:\n" + "\n".join(copied)

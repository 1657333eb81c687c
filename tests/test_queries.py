"""Named queries: headers parse, params match, and answers match the curated data."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import DATA_DIR

from govgraph import queries
from govgraph.core.errors import BadParameter, GovGraphError, NotFound
from govgraph.graph.db import Database
from govgraph.ingest.validate import load_dataset

CAISI_REVIEW = "program:caisi-frontier-review"
FIVE_LABS = {"org:openai", "org:anthropic", "org:google-deepmind", "org:microsoft", "org:xai"}


@pytest.mark.parametrize("path", sorted(queries.QUERY_DIR.glob("*.cypher")), ids=lambda p: p.stem)
def test_header_parses_and_params_match_body(path: Path) -> None:
    q = queries.parse(path)
    assert q.title and q.description
    declared = {p.name for p in q.params}
    assert declared == q.used_params(), (
        f"{path.name}: declared {declared} != used {q.used_params()}"
    )
    assert set(q.example) <= declared
    for p in q.params:
        assert p.type in queries.PARAM_TYPES


def test_required_queries_exist() -> None:
    names = {
        "parties-to",
        "holdouts",
        "agreements-of",
        "timeline",
        "actor-profile",
        "incidents",
        "instruments",
        "lineage",
        "paths",
        "sources-for",
    }
    assert names <= set(queries.registry())


def test_bad_header_is_reported_with_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "broken.cypher"
    bad.write_text("// title: x\n// description: y\n// param: a notatype\nRETURN $a\n")
    with pytest.raises(GovGraphError, match=r"broken.cypher:3: bad param line"):
        queries.parse(bad)
    untitled = tmp_path / "untitled.cypher"
    untitled.write_text("RETURN 1\n")
    with pytest.raises(GovGraphError, match="no '// title:' line"):
        queries.parse(untitled)


@pytest.mark.parametrize("name", sorted(queries.registry()))
def test_every_query_runs_its_example(curated: Database, name: str) -> None:
    q, params, rows = queries.run(curated, name, queries.get(name).example)
    if name == "disagreements":  # only imports make claims (tests/test_import_*.py show rows)
        assert rows == []
    else:
        assert rows, f"{name} example returned no rows"
    assert set(params) == {p.name for p in q.params}


def test_parties_to_caisi_review_are_the_five_labs_with_sources(curated: Database) -> None:
    _, _, rows = queries.run(curated, "parties-to", {"target": CAISI_REVIEW})
    assert {r["actor_id"] for r in rows} == FIVE_LABS
    for row in rows:
        ids = {s["id"] for s in row["sources"]}
        assert "src:nyt-2026-early-access" in ids and "src:reuters-2026-nyt-early-access" in ids
        assert row["date"] == "2026-06/2026-11-29" and row["date_precision"] == "range"


def test_parties_to_as_of_before_the_order_is_empty(curated: Database) -> None:
    _, _, rows = queries.run(curated, "parties-to", {"target": CAISI_REVIEW, "as_of": "2026-05-31"})
    assert rows == []


def test_parties_to_as_of_inside_the_bounds_is_uncertain(curated: Database) -> None:
    _, _, rows = queries.run(curated, "parties-to", {"target": CAISI_REVIEW, "as_of": "2026-08-01"})
    assert {r["actor_id"] for r in rows} == FIVE_LABS
    assert {r["party_as_of"] for r in rows} == {"uncertain"}
    _, _, after = queries.run(
        curated, "parties-to", {"target": CAISI_REVIEW, "as_of": "2026-12-01"}
    )
    assert {r["party_as_of"] for r in after} == {"yes"}


def test_holdouts_of_caisi_review_is_meta_with_position_and_source(curated: Database) -> None:
    _, _, rows = queries.run(curated, "holdouts", {"target": CAISI_REVIEW})
    assert [r["actor_id"] for r in rows] == ["org:meta"]
    meta = rows[0]
    assert meta["standing"] == "holdout"
    assert meta["latest_position"] == "negotiating"
    assert "working through the details" in meta["position_summary"]
    assert "src:reuters-2026-nyt-early-access" in {s["id"] for s in meta["sources"]}


def test_lineage_of_caisi(curated: Database) -> None:
    _, _, rows = queries.run(curated, "lineage", {"id": "agency:caisi"})
    got = {(r["relation"], r["other_id"]) for r in rows}
    assert ("predecessor", "agency:us-aisi") in got
    assert ("part_of", "dept:commerce") in got
    rename = next(r for r in rows if r["relation"] == "predecessor")
    assert rename["date"] == "2025-06-03"
    assert rename["sources"] and rename["sources"][0]["id"]


def test_instruments_june_order_signer_and_program(curated: Database) -> None:
    _, _, rows = queries.run(
        curated, "instruments", {"id": "eo:2026-06-frontier-model-early-access"}
    )
    assert len(rows) == 1
    order = rows[0]
    # the article's signing (June) and the White House's issue of it (2 June)
    issued = {(i["id"], i["date"]) for i in order["issued_by"]}
    assert issued == {("person:donald-trump", "2026-06"), ("office:white-house", "2026-06-02")}
    assert {"relation": "ESTABLISHED", "id": CAISI_REVIEW} in [
        {"relation": a["relation"], "id": a["id"]} for a in order["acts_on"]
    ]
    assert any("licensing" in t for t in order["terms"])


def test_incidents_order_to_anthropic_models_and_later_decision(curated: Database) -> None:
    _, _, rows = queries.run(curated, "incidents", {"actor": "org:anthropic", "type": "ordered"})
    order = next(
        r for r in rows if r["event_id"] == "event:2026-us-orders-anthropic-suspend-foreign-access"
    )
    assert [o["id"] for o in order["ordered_by"]] == ["country:us"]
    assert {m["id"] for m in order["models"]} == {"model:fable-5", "model:mythos-5"}
    followed = order["followed_by"]
    assert "event:2026-anthropic-disables-models-for-all" in {f["id"] for f in followed}
    # later reporting adds what followed (limits, easing, restoring access): all after the order
    kinds = {"suspended_access", "restricted_access", "restored_access", "announced"}
    assert all(f["type"] in kinds for f in followed)
    assert order["sources"][0]["id"] == "src:reuters-2026-anthropic-order"


def test_timeline_is_ordered_and_filtered(curated: Database) -> None:
    _, _, rows = queries.run(
        curated, "timeline", {"date_from": "2023-01-01", "date_to": "2023-12-31", "limit": "1000"}
    )
    assert rows
    starts = [r["earliest"] or r["latest"] for r in rows]
    assert starts == sorted(starts)
    assert all(r["latest"] is None or r["latest"] >= "2023-01-01" for r in rows)
    expected = sum(
        1
        for loc in load_dataset([DATA_DIR]).of("Event")
        if loc.record.date[:4] == "2023" and "/" not in loc.record.date  # type: ignore[attr-defined]
    )
    assert len([r for r in rows if r["date_precision"] != "range"]) >= expected
    _, _, typed = queries.run(curated, "timeline", {"type": "declined"})
    assert typed and {r["type"] for r in typed} == {"declined"}


def test_agreements_of_meta(curated: Database) -> None:
    _, _, rows = queries.run(curated, "agreements-of", {"actor": "org:meta"})
    rels = {(r["relation"], r["target_id"]) for r in rows}
    assert ("NEGOTIATING", CAISI_REVIEW) in rels
    assert ("PRESSED_TO_JOIN", CAISI_REVIEW) in rels


def test_paths_between_meta_and_openai(curated: Database) -> None:
    _, _, rows = queries.run(curated, "paths", {"source": "org:meta", "target": "org:openai"})
    assert rows
    assert [r["length"] for r in rows] == sorted(r["length"] for r in rows)
    first = rows[0]
    assert first["nodes"][0]["id"] == "org:meta" and first["nodes"][-1]["id"] == "org:openai"
    assert all(r["type"] not in {"SOURCED_FROM", "CITES"} for p in rows for r in p["relationships"])


def test_sources_for_meta_include_cited_chain(curated: Database) -> None:
    _, _, rows = queries.run(curated, "sources-for", {"id": "org:meta"})
    by_id = {r["source_id"]: r for r in rows}
    reuters = by_id["src:reuters-2026-nyt-early-access"]
    assert ["src:reuters-2026-nyt-early-access", "src:nyt-2026-early-access"] in reuters["cites"]


@pytest.mark.parametrize(
    ("raw", "param", "why"),
    [
        ({}, "target", "is required"),
        ({"target": "not an id"}, "target", "is not an id"),
        ({"target": CAISI_REVIEW, "as_of": "2026-02-30"}, "as_of", "does not exist"),
        ({"target": CAISI_REVIEW, "as_of": "yesterday"}, "as_of", "is not a date"),
        ({"target": CAISI_REVIEW, "bogus": "1"}, "bogus", "is not a parameter"),
        ({"target": "x:" + "a" * 300}, "target", "longer than"),
    ],
)
def test_bad_parameters_name_the_parameter(raw: dict[str, str], param: str, why: str) -> None:
    with pytest.raises(BadParameter, match=why) as exc:
        queries.get("parties-to").bind(raw)
    assert exc.value.param == param


def test_unknown_query_lists_the_names() -> None:
    with pytest.raises(NotFound, match="No query named") as exc:
        queries.get("who-knows")
    assert "parties-to" in str(exc.value.fix)


def test_unicode_and_quotes_in_text_parameters_are_values(curated: Database) -> None:
    for hostile in ("o'brien", 'x" OR 1=1 //', "Ünïcødé ☃", "x:y}) DETACH DELETE n //"):
        with pytest.raises(BadParameter):
            queries.run(curated, "lineage", {"id": hostile})
    with pytest.raises(NotFound) as unknown:  # an id no record has is an error, not "nobody"
        queries.run(curated, "lineage", {"id": "org:nobody-here"})
    assert "org:nobody-here" in unknown.value.message


@pytest.mark.parametrize("name", sorted(set(queries.registry()) - {"disagreements"}))
def test_every_question_can_be_asked_of_reviewed_facts_only(name: str) -> None:
    """Imported facts stay unreviewed until someone confirms them; any answer can omit them."""
    query = queries.registry()[name]
    flag = next((p for p in query.params if p.name == "reviewed_only"), None)
    assert flag is not None and flag.type == "bool" and flag.default is False
    assert "reviewed_only" in query.used_params()

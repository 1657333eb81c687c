"""Questions across instruments: `compare`, holdouts across agreements, the timeline's filters."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from ingest_helpers import cli

from govgraph import queries
from govgraph.core.errors import BadParameter
from govgraph.graph.db import Database
from govgraph.graph.schema import load_schema

COMMITMENTS = "agreement:us-voluntary-commitments-2023-07"  # the White House commitments, 2023
REVIEW = "program:caisi-frontier-review"
AS_OF = (None, "2024-01-01", "2026-08-01")
SETS = ("a_only", "both", "b_only")

# Independent of `compare`: labs that joined A and never joined B, with no withdrawal from A.
LABS_IN_A_NOT_B = """
MATCH (l:Lab)-[:PARTY_TO]->(:Entity {id: $a})
WHERE NOT EXISTS { MATCH (l)-[:PARTY_TO]->(:Entity {id: $b}) }
  AND NOT EXISTS { MATCH (l)-[:WITHDREW_FROM]->(:Entity {id: $a}) }
RETURN DISTINCT l.id AS id
"""
INSTRUMENTS_JOINED = """
MATCH (:Actor)-[:PARTY_TO]->(t:Entity) RETURN DISTINCT t.id AS id ORDER BY id
"""
TARGETS = """
MATCH (:Actor)-[:PARTY_TO|DECLINED|NEGOTIATING|WITHDREW_FROM|PRESSED_TO_JOIN]->(t:Entity)
RETURN DISTINCT t.id AS id ORDER BY id
"""
EVENT_ENDS = """
MATCH (e:Event {id: $id})
RETURN [(a:Actor)-[:PARTICIPATED_IN]->(e) | a.id] + [(e)-[:CONCERNS]->(x) | x.id] AS ids
"""


def run(db: Database, name: str, **raw: str | None) -> list[dict[str, Any]]:
    """A named query's rows, parameters without a value left out."""
    return queries.run(db, name, {k: v for k, v in raw.items() if v is not None})[2]


def party_ids(db: Database, target: str, as_of: str | None) -> set[str]:
    """Who parties-to lists for a target."""
    return {r["actor_id"] for r in run(db, "parties-to", target=target, as_of=as_of)}


def by_set(rows: list[dict[str, Any]]) -> dict[str, set[str]]:
    return {s: {r["member_id"] for r in rows if r["set"] == s} for s in SETS}


def test_labs_in_the_2023_commitments_but_not_the_caisi_review(curated: Database) -> None:
    rows = run(curated, "compare", a=COMMITMENTS, b=REVIEW)
    answer = {r["member_id"] for r in rows if r["set"] == "a_only" and r["kind"] == "lab"}
    expected = {r["id"] for r in curated.rows(LABS_IN_A_NOT_B, {"a": COMMITMENTS, "b": REVIEW})}
    assert answer == expected
    assert "org:meta" in answer and "org:openai" not in answer  # OpenAI joined both
    for r in rows:
        assert r["a_id"] == COMMITMENTS and r["b_id"] == REVIEW
        if r["set"] != "b_only":
            assert r["a_standing"] in {"party", "uncertain"} and r["a_event_id"]
            assert r["a_sources"] and all(s["publisher"] for s in r["a_sources"])
        else:
            assert r["a_standing"] == "not party" and r["a_sources"] == []


@pytest.mark.parametrize("as_of", AS_OF, ids=lambda d: d or "ever")
def test_sets_are_the_set_algebra_of_parties_to(curated: Database, as_of: str | None) -> None:
    in_a, in_b = party_ids(curated, COMMITMENTS, as_of), party_ids(curated, REVIEW, as_of)
    sets = by_set(run(curated, "compare", a=COMMITMENTS, b=REVIEW, as_of=as_of))
    assert sets == {"a_only": in_a - in_b, "both": in_a & in_b, "b_only": in_b - in_a}


def test_two_actors_compare_the_instruments_each_joined(curated: Database) -> None:
    targets = [r["id"] for r in curated.rows(INSTRUMENTS_JOINED)]
    joined = {
        actor: {t for t in targets if actor in party_ids(curated, t, None)}
        for actor in ("org:meta", "org:openai")
    }
    rows = run(curated, "compare", a="org:meta", b="org:openai")
    meta, openai = joined["org:meta"], joined["org:openai"]
    assert by_set(rows) == {"a_only": meta - openai, "both": meta & openai, "b_only": openai - meta}
    assert COMMITMENTS in by_set(rows)["both"]


def test_compare_over_http_gives_the_three_sets(client: TestClient, curated: Database) -> None:
    response = client.get("/api/queries/compare", params={"a": COMMITMENTS, "b": REVIEW})
    assert response.status_code == 200, response.text
    assert {r["set"] for r in response.json()["data"]} == set(SETS)


@pytest.mark.parametrize(
    ("a", "b", "param", "words"),
    [
        ("org:meta", REVIEW, "b", "compare two instruments"),
        (REVIEW, REVIEW, "b", "the same record"),
        ("event:2025-01-21-stargate-announced", REVIEW, "a", "not an actor or an instrument"),
    ],
)
def test_a_pair_that_cannot_be_compared_is_a_clear_error(
    client: TestClient, curated: Database, a: str, b: str, param: str, words: str
) -> None:
    response = client.get("/api/queries/compare", params={"a": a, "b": b})
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert f"parameter '{param}'" in error["message"] and words in error["message"]


def test_an_unknown_id_is_a_404_with_suggestions(client: TestClient, curated: Database) -> None:
    response = client.get(
        "/api/queries/compare", params={"a": "program:caisi-fronteir-review", "b": COMMITMENTS}
    )
    assert response.status_code == 404
    assert REVIEW in response.json()["error"]["fix"]


def test_compare_from_the_command_line(curated: Database) -> None:
    done = cli(
        "query", "compare", "-p", f"a={COMMITMENTS}", "-p", f"b={REVIEW}", "--format", "json"
    )
    assert done.returncode == 0, done.stderr
    assert '"a_only"' in done.stdout and '"org:meta"' in done.stdout
    wrong = cli("query", "compare", "-p", "a=org:meta", "-p", f"b={REVIEW}")
    assert wrong.returncode != 0
    assert "compare two instruments" in wrong.stdout + wrong.stderr


@pytest.mark.parametrize("as_of", AS_OF, ids=lambda d: d or "ever")
def test_holdouts_all_is_holdouts_over_every_target(curated: Database, as_of: str | None) -> None:
    targets = [r["id"] for r in curated.rows(TARGETS)]
    each = {
        (r["actor_id"], r["target_id"], r["standing"])
        for t in targets
        for r in run(curated, "holdouts", target=t, kind="any", as_of=as_of, standing="any")
    }
    for standing in ("holdout", "declined", "withdrew", "any"):
        everything = run(curated, "holdouts-all", as_of=as_of, standing=standing)
        wanted = {x for x in each if standing in ("any", x[2])}
        assert {(r["actor_id"], r["target_id"], r["standing"]) for r in everything} == wanted
    labs = run(curated, "holdouts-all", kind="lab", as_of=as_of)
    assert {r["kind"] for r in labs} <= {"lab"}
    programs = run(curated, "holdouts-all", target_kind="program", as_of=as_of)
    assert {r["target_id"].split(":")[0] for r in programs} <= {"program"}


def test_holdouts_all_answers_who_declined_or_holds_out(curated: Database) -> None:
    rows = run(curated, "holdouts-all", kind="lab")
    standings = {(r["actor_id"], r["target_id"]): r["standing"] for r in rows}
    assert standings[("org:meta", REVIEW)] == "holdout"
    assert standings[("org:meta", "agreement:eu-gpai-code-of-practice")] == "declined"
    assert all(r["sources"] for r in rows)


def test_timeline_takes_several_event_types(curated: Database) -> None:
    both = run(curated, "timeline", types="declined,negotiating", limit="1000")
    one = {
        t: {r["event_id"] for r in run(curated, "timeline", type=t, limit="1000")}
        for t in ("declined", "negotiating")
    }
    assert {r["event_id"] for r in both} == one["declined"] | one["negotiating"]
    assert one["declined"] and one["negotiating"]
    assert queries.get("timeline").bind({"types": " declined, negotiating ,declined"})["types"] == [
        "declined",
        "negotiating",
    ]


def test_a_wrong_event_type_in_the_list_names_itself(curated: Database) -> None:
    with pytest.raises(BadParameter) as caught:
        run(curated, "timeline", types="declined,nope")
    assert "parameter 'types'" in caught.value.message and "'nope'" in caught.value.message
    assert all(t in caught.value.message for t in load_schema().event_types)  # the fix lists them


def test_timeline_counterparty_keeps_events_both_take_part_in(curated: Database) -> None:
    rows = run(curated, "timeline", actor="org:meta", counterparty=REVIEW, limit="1000")
    assert len(rows) >= 2
    for r in rows:
        ends = set(curated.rows(EVENT_ENDS, {"id": r["event_id"]})[0]["ids"])
        assert {"org:meta", REVIEW} <= ends, r["event_id"]
    alone = {r["event_id"] for r in run(curated, "timeline", actor="org:meta", limit="1000")}
    assert {r["event_id"] for r in rows} < alone


def test_timeline_page_filters_by_types_and_counterparty(
    client: TestClient, curated: Database
) -> None:
    page = client.get("/timeline", params=[("types", "declined"), ("types", "negotiating")])
    assert page.status_code == 200
    declined = run(curated, "timeline", types="declined,negotiating", limit="1000")
    assert page.text.count('class="tl-row"') == len(declined)
    assert 'value="declined" checked' in page.text and 'value="negotiating" checked' in page.text
    data = client.get("/api/queries/timeline", params={"types": "declined,negotiating"})
    assert "/api/queries/timeline?types=declined%2Cnegotiating" in page.text
    assert len(data.json()["data"]) == len(declined)
    with_cp = client.get("/timeline", params={"actor": "org:meta", "counterparty": REVIEW})
    assert with_cp.status_code == 200 and f'value="{REVIEW}"' in with_cp.text
    bad = client.get("/timeline", params={"counterparty": "program:nope"})
    assert bad.status_code == 404 and "counterparty" in bad.text

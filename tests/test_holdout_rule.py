"""The holdout rule is decided once: the parties view colours exactly what the queries answer."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from govgraph import PROJECT_ROOT, queries
from govgraph.core.errors import BadParameter
from govgraph.graph.db import Database

AS_OF = (None, "2025-01-01", "2026-08-01")
DEFINITION = (
    "A holdout is an actor whose latest stated position (among pressed to join, negotiating, "
    "declined and withdrew) is pressed to join or negotiating, and that had not joined"
)
TARGETS = """
MATCH (:Actor)-[:PARTY_TO|DECLINED|NEGOTIATING|WITHDREW_FROM|PRESSED_TO_JOIN]->(t:Entity)
RETURN DISTINCT t.id AS id ORDER BY id
"""
CODE = "agreement:eu-gpai-code-of-practice"
REVIEW = "program:caisi-frontier-review"


def answer(client: TestClient, name: str, **params: str | None) -> list[dict[str, Any]]:
    """A named query's rows over HTTP."""
    given = {k: v for k, v in params.items() if v is not None}
    response = client.get(f"/api/queries/{name}", params=given)
    assert response.status_code == 200, response.text
    rows: list[dict[str, Any]] = response.json()["data"]
    return rows


def view_standings(client: TestClient, target: str, as_of: str | None) -> dict[str, str]:
    """Each actor's standing as the parties graph view draws it."""
    params = {"format": "json", **({"as_of": as_of} if as_of else {})}
    response = client.get(f"/graph/parties/{target}", params=params)
    assert response.status_code == 200, response.text
    view = response.json()
    assert view["shown"] == view["total"], "the node cap hid some actors"
    return {n["id"]: n["standing"] for n in view["nodes"] if n.get("standing")}


def with_standing(standings: dict[str, str], *wanted: str) -> set[str]:
    return {actor for actor, s in standings.items() if s in wanted}


def test_every_target_is_walked(curated: Database) -> None:
    targets = [r["id"] for r in curated.rows(TARGETS)]
    assert CODE in targets and REVIEW in targets and len(targets) >= 15


@pytest.mark.parametrize("as_of", AS_OF, ids=lambda d: d or "ever")
def test_parties_view_colours_exactly_the_answers(
    client: TestClient, curated: Database, as_of: str | None
) -> None:
    for target in [r["id"] for r in curated.rows(TARGETS)]:
        drawn = view_standings(client, target, as_of)
        at = {"target": target, "as_of": as_of}
        joined = {r["actor_id"] for r in answer(client, "parties-to", **at)}
        not_joined = answer(client, "holdouts", **at, kind="any", standing="any")
        for standing in ("holdout", "declined", "withdrew"):
            rows = answer(client, "holdouts", **at, kind="any", standing=standing)
            assert {r["standing"] for r in rows} <= {standing}
            assert with_standing(drawn, standing) == {r["actor_id"] for r in rows}, (
                target,
                as_of,
                standing,
            )
        holdouts = answer(client, "holdouts", **at, kind="any")  # the default standing
        assert with_standing(drawn, "holdout") == {r["actor_id"] for r in holdouts}
        assert with_standing(drawn, "joined", "joined_uncertain") == joined, (target, as_of)
        assert not joined & {r["actor_id"] for r in not_joined}, (target, as_of)
        assert set(drawn.values()) <= {
            "joined",
            "joined_uncertain",
            "holdout",
            "declined",
            "withdrew",
            "presser",
        }


def test_meta_declined_the_eu_code_and_holds_out_from_the_caisi_review(
    client: TestClient, curated: Database
) -> None:
    assert view_standings(client, CODE, None)["org:meta"] == "declined"
    assert "org:meta" not in {r["actor_id"] for r in answer(client, "holdouts", target=CODE)}
    every = answer(client, "holdouts", target=CODE, kind="any", standing="any")
    assert {r["actor_id"]: r["standing"] for r in every}["org:meta"] == "declined"
    for as_of in (None, "2026-08-01"):
        assert view_standings(client, REVIEW, as_of)["org:meta"] == "holdout"
        rows = answer(client, "holdouts", target=REVIEW, as_of=as_of)
        assert [(r["actor_id"], r["standing"]) for r in rows] == [("org:meta", "holdout")]


def test_the_parties_view_links_to_the_holdouts_answer(
    client: TestClient, curated: Database
) -> None:
    html = client.get(f"/graph/parties/{REVIEW}", params={"as_of": "2026-08-01"}).text
    link = "/api/queries/holdouts?target=program%3Acaisi-frontier-review&amp;kind=any"
    assert f'href="{link}&amp;as_of=2026-08-01">holdouts (JSON)</a>' in html
    assert "holdout: pressed to join or negotiating, not joined" in html


def test_the_definition_is_documented() -> None:
    assert DEFINITION in queries.get("holdouts").description
    assert DEFINITION in (PROJECT_ROOT / "docs" / "queries.md").read_text()


def test_standing_is_checked() -> None:
    params = queries.get("holdouts").bind({"target": REVIEW})
    assert params["standing"] == "holdout" and params["kind"] == "lab"
    with pytest.raises(BadParameter, match="is not a standing") as exc:
        queries.get("holdouts").bind({"target": REVIEW, "standing": "holdouts"})
    assert exc.value.param == "standing"

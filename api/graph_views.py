"""The entity views: an entity's neighbourhood, and the parties to an agreement or program.

Who stands where in the parties view is never decided here: joined and joined_uncertain come
from the parties-to query, holdout, declined and withdrew from the holdouts query.
"""

from __future__ import annotations

from collections import Counter
from typing import Any
from urllib.parse import urlencode

from govgraph import queries
from govgraph.api.graph_network import (
    GraphView,
    build,
    cap_nodes,
    cap_notice,
    edges_among,
    node_details,
)
from govgraph.core.cypher import text
from govgraph.core.errors import BadParameter, NotFound
from govgraph.core.ids import check_id
from govgraph.core.values import to_json

NEIGHBOURHOOD = {1: "neighbourhood-1", 2: "neighbourhood-2"}
# Drawing order in the parties view (and what the node cap leaves out last).
STANDING_ORDER = ("joined", "joined_uncertain", "holdout", "declined", "withdrew", "presser")
EDGE_KEYS = ("date", "date_precision", "event_id", "status", "sources")


def entity(db: Any, entity_id: str, param: str = "id") -> dict[str, Any]:
    """The id, name and kind of an actor or instrument; BadParameter or NotFound otherwise."""
    check_id(entity_id, param)
    rows = db.rows(text("entity-name"), {"id": entity_id})
    if not rows:
        raise NotFound(
            f"No actor or instrument with id '{entity_id}'.",
            fix="search for it on the home page (/?q=...) to find its id.",
        )
    return dict(rows[0])


# ---------------------------------------------------------------------------------- neighbourhood


def neighbourhood(db: Any, entity_id: str, depth: int, cap: int) -> GraphView:
    """An entity and everything within `depth` steps (sources left out, shown in tooltips)."""
    if depth not in NEIGHBOURHOOD:
        raise BadParameter("depth", f"{depth} is not allowed; use 1 or 2")
    center = entity(db, entity_id)
    found = db.rows(text(NEIGHBOURHOOD[depth]), {"id": entity_id, "keep": cap - 1})
    kept = found[0]["kept"] if found else []
    dropped = Counter(found[0]["dropped"] if found else [])
    ids = [entity_id, *(r["id"] for r in kept)]
    total = len(ids) + sum(dropped.values())
    notice = None
    if dropped:
        hint = (
            "use depth=1."
            if depth == 2
            else "open the entity's page for the full list of its events and relationships."
        )
        notice = cap_notice(cap, total, dropped, "(the farthest and least connected)", hint)
    details = node_details(db, ids)  # only for the nodes drawn: a depth-2 ring can be thousands
    return build(
        f"Neighbourhood of {center['name']} (depth {depth})",
        ids,
        details,
        edges_among(db, ids),
        total=total,
        cap=cap,
        notice=notice,
        emphasize=[entity_id],
        api_url=f"/api/entities/{entity_id}",
        links=[(f"/entity/{entity_id}", f"{center['name']}: facts and sources")],
    )


# ---------------------------------------------------------------------------------------- parties


def standings(db: Any, target_id: str, as_of: str | None) -> tuple[dict[str, str], Any]:
    """Each actor's standing, as parties-to and holdouts answer; and the as_of day they bound."""
    raw = {"target": target_id, "as_of": as_of}
    _, params, not_joined = queries.run(db, "holdouts", {**raw, "kind": "any", "standing": "any"})
    _, _, joined = queries.run(db, "parties-to", raw)
    standing = {r["actor_id"]: r["standing"] for r in not_joined}
    sure = {r["actor_id"] for r in joined if r["party_as_of"] == "yes"}
    for row in joined:
        standing[row["actor_id"]] = "joined" if row["actor_id"] in sure else "joined_uncertain"
    return standing, params["as_of"]


def party_edges(db: Any, target_id: str, as_of: Any) -> tuple[list[dict[str, Any]], set[str]]:
    """The joining, position and pressing relationships around the target; and the pressers."""
    edges: list[dict[str, Any]] = []
    pressers: set[str] = set()
    for row in db.rows(text("parties-edges"), {"target": target_id, "as_of": as_of}):
        row = to_json(row)
        facts = {k: row[k] for k in EDGE_KEYS}
        edges.append(
            {"source": row["actor_id"], "target": target_id, "type": row["relation"], **facts}
        )
        for presser in row["pressers"]:
            pressers.add(presser)
            edges.append({"source": presser, "target": row["actor_id"], "type": "PRESSED", **facts})
    return edges, pressers


def party_links(target: dict[str, Any], as_of: str | None) -> tuple[str, list[tuple[str, str]]]:
    """The view's API URL (the parties-to answer) and its links (holdouts, the target's page)."""
    given = {"target": target["id"], **({"as_of": as_of} if as_of else {})}
    holdouts = urlencode({"target": target["id"], "kind": "any", **given})
    return f"/api/queries/parties-to?{urlencode(given)}", [
        (f"/api/queries/holdouts?{holdouts}", "holdouts (JSON)"),
        (f"/entity/{target['id']}", f"{target['name']}: facts and sources"),
    ]


def parties(db: Any, target_id: str, as_of: str | None, cap: int) -> GraphView:
    """Who joined, holds out, declined or withdrew (and who pressed), maybe as of a day."""
    target = entity(db, target_id, "target")
    standing, day = standings(db, target_id, as_of)
    edges, pressers = party_edges(db, target_id, day)
    for presser in sorted(pressers):
        standing.setdefault(presser, "presser")
    actors = sorted(standing, key=lambda a: (STANDING_ORDER.index(standing[a]), a))
    ordered = [target_id, *actors]
    ids, notice = cap_nodes(
        ordered,
        standing,
        cap,
        "(pressers and withdrawn parties last)",
        "set as_of to an earlier day.",
    )
    api_url, links = party_links(target, as_of)
    return build(
        f"Parties to {target['name']}" + (f" as of {day}" if day else ""),
        ids,
        node_details(db, ids),
        edges,
        total=len(ordered),
        cap=cap,
        notice=notice,
        standing=standing,
        emphasize=[target_id],
        api_url=api_url,
        links=links,
    )

"""The explorer's data: a record's neighbours, as of a day and filtered, shaped for vis-network."""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any

from govgraph.api.graph_network import node_details
from govgraph.api.graph_style import (
    PSEUDO_KINDS,
    edge_label,
    edge_title,
    kind_of,
    node_label,
    node_title,
    page_url,
    style_of,
)
from govgraph.core.cypher import text
from govgraph.core.errors import BadParameter, NotFound
from govgraph.core.values import to_json
from govgraph.graph.schema import load_schema

MAX_NEIGHBOURS = 200
DEFAULT_NEIGHBOURS = 100
CITATIONS = {"SOURCED_FROM", "CITES"}


@cache
def relation_types() -> tuple[str, ...]:
    """Every relationship type the explorer draws: references and shortcuts, from the schema."""
    schema = load_schema()
    found = {p.relationship for t in schema.types.values() for p in t.props.values()}
    found |= {s.type for s in schema.shortcuts}
    return tuple(sorted(r for r in found if r and r not in CITATIONS))


def node_kinds() -> tuple[str, ...]:
    """Every kind a node can have: the schema's actor and instrument kinds, and event."""
    return (*load_schema().entity_kinds, *PSEUDO_KINDS)


def parse_list(raw: str | None, param: str, allowed: tuple[str, ...]) -> list[str] | None:
    """A comma-separated filter checked against what is allowed (None when not given)."""
    if raw is None or not raw.strip():
        return None
    values = [v.strip() for v in raw.split(",") if v.strip()]
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise BadParameter(
            param, f"'{unknown[0][:60]}' is not one of {', '.join(allowed)} (comma-separated)"
        )
    return values


def vis_node(row: dict[str, Any]) -> dict[str, Any]:
    """One record as the explorer draws it: label, tooltip, colour, shape, page and dates."""
    kind = kind_of(row)
    color, shape = style_of(kind)
    return {
        "id": row["id"],
        "label": node_label(row),
        "name": row.get("name") or node_label(row).replace("\n", " "),
        "title": node_title(row),
        "kind": kind,
        "color": color,
        "shape": shape,
        "size": 8 if kind == "event" else 16,
        "url": page_url(row["id"], row),
        "earliest": row.get("earliest"),
        "latest": row.get("latest"),
    }


def vis_edge(edge: dict[str, Any]) -> dict[str, Any]:
    """One relationship as the explorer draws it, with its date bounds for the time slider."""
    return {
        "id": edge["id"],
        "source": edge["source"],
        "target": edge["target"],
        "relation": edge["type"],
        "label": edge_label(edge),
        "title": edge_title({**edge, "sources": None}),
        "role": edge.get("role"),
        "date": edge.get("date"),
        "earliest": edge.get("earliest"),
        "latest": edge.get("latest"),
        "event_id": edge.get("event_id"),
    }


def neighbours(
    db: Any,
    record_id: str,
    as_of: date | None = None,
    kinds: list[str] | None = None,
    relations: list[str] | None = None,
    cap: int = DEFAULT_NEIGHBOURS,
) -> dict[str, Any]:
    """The record (first) and up to `cap` neighbours (most connected first), with their edges."""
    params = {"id": record_id, "as_of": as_of, "kinds": kinds, "relations": relations, "cap": cap}
    rows = [to_json(r) for r in db.rows(text("explore-neighbours"), params)]
    ids = [record_id, *(r["id"] for r in rows)]
    details = node_details(db, ids)
    if record_id not in details or kind_of(details[record_id]) == "source":
        raise NotFound(
            f"'{record_id}' is a source, not an actor, instrument or event.",
            fix="start from an actor, instrument or event; sources are listed on their pages.",
        )
    nodes = [vis_node(details[i]) for i in ids if i in details]
    seen: dict[str, dict[str, Any]] = {}
    for row in rows:
        for edge in row["edges"]:
            seen.setdefault(edge["id"], vis_edge(edge))
    total = rows[0]["total"] if rows else 0
    return {
        "id": record_id,
        "as_of": as_of.isoformat() if as_of else None,
        "nodes": nodes,
        "edges": list(seen.values()),
        "total": total,
        "shown": len(rows),
        "notice": (
            f"Showing the {len(rows)} most connected of {total} neighbours; "
            "filter by kind or relation to see others."
            if total > len(rows)
            else None
        ),
    }

"""Graph views of query results, Cypher console results and the whole graph, filtered."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date
from typing import Any

from govgraph import queries
from govgraph.api.graph_network import (
    GraphView,
    build,
    cap_nodes,
    cap_notice,
    edges_among,
    node_details,
)
from govgraph.api.graph_style import PSEUDO_KINDS, kind_of
from govgraph.core.cypher import text
from govgraph.core.errors import BadParameter
from govgraph.core.ids import is_id
from govgraph.graph.dates import parse_day
from govgraph.graph.schema import load_schema

SKIP_KEYS = {"sources"}
# Relationship properties an edge shows (besides its sources).
REL_TEXT_PROPS = ("role", "date", "date_precision", "event_id", "status")


def ids_in(value: Any, prefixes: set[str], out: dict[str, None], key: str = "") -> None:
    """Collect id-like strings (kind prefix, colon, slug) from query rows, skipping citations."""
    if key in SKIP_KEYS:
        return
    if isinstance(value, str):
        if is_id(value) and value.split(":", 1)[0] in prefixes:
            out[value] = None
    elif isinstance(value, dict):
        for k, v in value.items():
            ids_in(v, prefixes, out, k)
    elif isinstance(value, (list, tuple)):
        for v in value:
            ids_in(v, prefixes, out, key)


def id_prefixes() -> set[str]:
    """The id prefixes of every record type and kind, from the schema."""
    return {p for t in load_schema().types.values() for p in t.prefixes()}


def from_rows(
    db: Any,
    title: str,
    rows: Sequence[dict[str, Any]],
    cap: int,
    hint: str,
    api_url: str | None = None,
) -> GraphView:
    """A graph of every record a result names, with the relationships among them."""
    found: dict[str, None] = {}
    ids_in(list(rows), id_prefixes(), found)
    details = node_details(db, list(found))
    ordered = [i for i in found if i in details]
    kinds = {i: kind_of(d) for i, d in details.items()}
    ids, notice = cap_nodes(ordered, kinds, cap, "(the last named in the result)", hint)
    return build(
        title,
        ids,
        details,
        edges_among(db, ids),
        total=len(ordered),
        cap=cap,
        notice=notice,
        api_url=api_url,
    )


def all_kinds() -> list[str]:
    """Every kind the whole-graph view filters by: actor and instrument kinds, then event."""
    return [*load_schema().entity_kinds, *PSEUDO_KINDS]


def parse_kinds(values: Sequence[str]) -> list[str] | None:
    """kinds=lab,agency or repeated kinds=...; None means every actor and instrument kind."""
    allowed = all_kinds()
    wanted = [k.strip() for v in values for k in v.split(",") if k.strip()]
    for kind in wanted:
        if kind not in allowed:
            raise BadParameter("kinds", f"'{kind[:50]}' is not a kind; use {', '.join(allowed)}")
    return list(dict.fromkeys(wanted)) or None


def whole(
    db: Any, kinds: list[str] | None, date_from: str | None, date_to: str | None, cap: int
) -> GraphView:
    """Every actor and instrument of the kinds (and events, with kind 'event'), in a date range."""
    start = day_param("from", date_from)
    end = day_param("to", date_to)
    if start and end and start > end:
        raise BadParameter("from", f"{start} is after to={end}; swap them")
    entity_kinds = [k for k in kinds if k not in PSEUDO_KINDS] if kinds else None
    want_entities = entity_kinds is None or bool(entity_kinds)
    want_events = bool(kinds and "event" in kinds)
    params = {"from": start, "to": end, "cap": cap}
    rows: list[dict[str, Any]] = []  # the best connected of each part, merged and cut to cap
    if want_entities:
        rows += db.rows(text("graph-whole-entities"), {**params, "kinds": entity_kinds})
    if want_events:
        rows += db.rows(text("graph-whole-events"), params)
    rows.sort(key=lambda r: (-r["degree"], r["id"]))
    ids = [r["id"] for r in rows[:cap]]
    totals = Counter(
        {
            r["kind"]: r["n"]
            for r in db.rows(
                text("graph-whole-counts"),
                {**params, "kinds": entity_kinds, "entities": want_entities, "events": want_events},
            )
        }
    )
    total = sum(totals.values())
    notice = None
    if total > len(ids):
        dropped = totals - Counter(r["kind"] for r in rows[:cap])
        hint = "choose fewer kinds, or a shorter date range with from= and to=."
        notice = cap_notice(cap, total, dropped, "(the least connected)", hint)
    details = node_details(db, ids)
    label = ", ".join(kinds) if kinds else "all actors and instruments"
    span = f" from {start or '…'} to {end or '…'}" if (start or end) else ""
    return build(
        f"Graph: {label}{span}",
        ids,
        details,
        edges_among(db, ids, start, end),
        total=total,
        cap=cap,
        notice=notice,
    )


def day_param(name: str, value: str | None) -> date | None:
    """A query-string day (None when absent), or BadParameter naming the parameter."""
    if not value:
        return None
    if len(value) > 20:
        raise BadParameter(name, "is not a date such as 2026-01-31")
    try:
        return parse_day(value)
    except ValueError as exc:
        raise BadParameter(name, str(exc)) from None


def _rel_shaped(value: dict[str, Any]) -> bool:
    """A map shaped like a returned relationship (user-built maps may only look like one)."""
    return isinstance(value["type"], str) and is_id(value["start"]) and is_id(value["end"])


def _text(value: Any) -> str | None:
    """A property drawn on an edge: text, or nothing."""
    return value if isinstance(value, str) else None


def cypher_graph(db: Any, rows: Sequence[dict[str, Any]], cap: int) -> GraphView | None:
    """Nodes and relationships a console query returned (None when it returned none)."""
    found: dict[str, None] = {}
    rels: list[dict[str, Any]] = []

    stack: list[Any] = [list(rows)]
    while stack:  # a loop, not recursion: results can nest deeper than Python's stack
        value = stack.pop()
        if isinstance(value, dict):
            if {"labels", "properties"} <= value.keys() and is_id(value.get("id")):
                found[value["id"]] = None
            elif {"type", "start", "end", "properties"} <= value.keys() and _rel_shaped(value):
                props = value["properties"] if isinstance(value["properties"], dict) else {}
                sources = props.get("sources")
                rels.append(
                    {
                        "source": value["start"],
                        "target": value["end"],
                        "type": value["type"],
                        **{k: _text(props.get(k)) for k in REL_TEXT_PROPS},
                        "sources": [x for x in sources if isinstance(x, str)]
                        if isinstance(sources, list)
                        else None,
                    }
                )
            stack.extend(reversed(list(value.values())))
        elif isinstance(value, list):
            stack.extend(reversed(value))
    for rel in rels:
        found.setdefault(rel["source"], None)
        found.setdefault(rel["target"], None)
    if not found:
        return None
    details = node_details(db, [i for i in found if i])
    ordered = [i for i in found if i in details]
    kinds = {i: kind_of(d) for i, d in details.items()}
    ids, notice = cap_nodes(
        ordered, kinds, cap, "(the last returned)", "add a LIMIT or a narrower WHERE clause."
    )
    seen: set[tuple[str, str, str]] = set()
    edges = []
    for edge in [*rels, *edges_among(db, ids)]:
        key = (edge["source"], edge["target"], edge["type"])
        if key not in seen:
            seen.add(key)
            edges.append(edge)
    return build(
        "Nodes the query returned", ids, details, edges, total=len(ordered), cap=cap, notice=notice
    )


def for_query(
    db: Any, query: queries.CannedQuery, rows: Sequence[dict[str, Any]], cap: int, api_url: str
) -> GraphView:
    """The graph of a named query's result (the records its rows name)."""
    return from_rows(
        db,
        f"{query.title}: records in the result",
        rows,
        cap,
        "narrow the query's parameters.",
        api_url=api_url,
    )

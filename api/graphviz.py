"""Interactive graph views: read the graph, build a pyvis network, hand its JSON to our template.

pyvis only builds the nodes, edges and options (``Network.get_network_data``); the page is our
own template, which loads vis-network from this app's /static (served from the installed pyvis
package), so no view ever needs a CDN. Every value reaches Cypher as a $parameter; the only
relationship types written into Cypher text are the schema's own.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlencode

from pyvis.network import Network

from govgraph import queries
from govgraph.api.graph_style import (
    OPTIONS,
    STATUS_STYLE,
    edge_label,
    edge_title,
    kind_of,
    node_label,
    node_title,
    page_url,
    style_of,
)
from govgraph.core.errors import BadParameter, NotFound
from govgraph.core.ids import ID_PATTERN
from govgraph.core.values import to_json

NODE_DETAILS = """
UNWIND $ids AS nid
CALL (nid) {
  MATCH (n:Entity {id: nid}) RETURN n
  UNION
  MATCH (n:Event {id: nid}) RETURN n
  UNION
  MATCH (n:Source {id: nid}) RETURN n
}
CALL (n) {
  OPTIONAL MATCH (n)-[sf:SOURCED_FROM]->(s:Source)
  WITH s, sf ORDER BY sf.ord, s.id
  WITH collect(s {.id, .publisher, .title, .published}) AS cited
  RETURN cited[..6] AS sources, size(cited) AS source_count
}
RETURN n.id AS id, source_count, [l IN labels(n) WHERE l <> 'Entity'] AS labels, n.kind AS kind,
       n.name AS name, n.aliases AS aliases, n.type AS type, n.date AS date,
       n.date_precision AS date_precision, n.date_earliest AS earliest,
       n.date_latest AS latest, n.summary AS summary, n.status AS status,
       n.publisher AS publisher, n.title AS title, n.published AS published, sources
"""
EDGES_AMONG = """
UNWIND $ids AS aid
CALL (aid) {
  MATCH (a:Entity {id: aid}) RETURN a
  UNION
  MATCH (a:Event {id: aid}) RETURN a
  UNION
  MATCH (a:Source {id: aid}) RETURN a
}
MATCH (a)-[r]->(b)
WHERE b.id IN $ids AND (b:Entity OR b:Event OR b:Source)
  AND ($from IS NULL OR r.date_latest IS NULL OR r.date_latest >= $from)
  AND ($to IS NULL OR r.date_earliest IS NULL OR r.date_earliest <= $to)
RETURN a.id AS source, b.id AS target, type(r) AS type, r.role AS role, r.date AS date,
       r.date_precision AS date_precision, r.event_id AS event_id, r.status AS status,
       r.sources AS sources
ORDER BY source, target, type
"""
_NEIGHBOURHOOD = """
MATCH (c:Entity {id: $id})
OPTIONAL MATCH p = (c) (()-[:!SOURCED_FROM&!CITES]-()){1,%d} (m)
WHERE (m:Entity OR m:Event) AND m <> c
WITH c, m, min(length(p)) AS dist
RETURN c.id AS center, m.id AS id, dist,
       CASE WHEN m IS NULL THEN 0 ELSE COUNT { (m)-[:!SOURCED_FROM&!CITES]-() } END AS degree
"""
NEIGHBOURHOOD = {1: _NEIGHBOURHOOD % 1, 2: _NEIGHBOURHOOD % 2}
STANDING = """
MATCH (t:Entity {id: $target})
      <-[r:PARTY_TO|DECLINED|NEGOTIATING|WITHDREW_FROM|PRESSED_TO_JOIN]-(a:Actor)
WHERE $as_of IS NULL OR r.date_earliest IS NULL OR r.date_earliest <= $as_of
OPTIONAL MATCH (p:Actor)-[pr:PRESSED {event_id: r.event_id}]->(a)
RETURN a.id AS actor_id, type(r) AS relation, r.date AS date,
       r.date_precision AS date_precision, r.event_id AS event_id, r.status AS status,
       r.sources AS sources, collect(DISTINCT p.id) AS pressers
ORDER BY actor_id, relation
"""
EXISTS = "MATCH (n:Entity {id: $id}) RETURN n.id AS id, n.name AS name, n.kind AS kind"


@dataclass(frozen=True)
class LegendItem:
    """One colour/shape in a graph's legend."""

    key: str
    color: str
    shape: str
    label: str


@dataclass
class GraphView:
    """What a graph page shows: the network's JSON plus legend, cap notice and links."""

    title: str
    nodes: list[dict[str, Any]]
    edges: list[dict[str, Any]]
    options: dict[str, Any]
    legend: list[LegendItem]
    total: int
    cap: int
    notice: str | None = None
    api_url: str | None = None
    links: list[tuple[str, str]] = field(default_factory=list)

    @property
    def shown(self) -> int:
        return len(self.nodes)

    def spec(self) -> dict[str, Any]:
        """The JSON the page script hands to vis-network."""
        return {"nodes": self.nodes, "edges": self.edges, "options": self.options}

    def public(self) -> dict[str, Any]:
        """The JSON form of a graph page (its ?format=json)."""
        return {
            "title": self.title,
            **self.spec(),
            "shown": self.shown,
            "total": self.total,
            "cap": self.cap,
            "notice": self.notice,
            "legend": [vars(item) for item in self.legend],
        }


# ------------------------------------------------------------------------------- building blocks


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    return value.iso_format() if hasattr(value, "iso_format") else str(value)


def node_details(db: Any, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """Name, kind, summary and sources of each id (missing ids are left out)."""
    if not ids:
        return {}
    rows = db.rows(NODE_DETAILS, {"ids": list(ids)})
    out: dict[str, dict[str, Any]] = {}
    for row in rows:
        row["earliest"], row["latest"] = _iso(row.get("earliest")), _iso(row.get("latest"))
        out[row["id"]] = to_json(row)
    return out


def edges_among(
    db: Any, ids: Sequence[str], date_from: date | None = None, date_to: date | None = None
) -> list[dict[str, Any]]:
    """Every relationship between two of the ids (dated ones outside the range left out)."""
    if not ids:
        return []
    rows = db.rows(EDGES_AMONG, {"ids": list(ids), "from": date_from, "to": date_to})
    return [to_json(r) for r in rows]


def cap_nodes(
    ordered: Sequence[str], kinds: dict[str, str], cap: int, criterion: str, hint: str
) -> tuple[list[str], str | None]:
    """The first `cap` ids, and a notice naming what was left out and how to narrow."""
    unique = list(dict.fromkeys(ordered))
    if len(unique) <= cap:
        return unique, None
    kept, dropped = unique[:cap], unique[cap:]
    counts = Counter(kinds.get(i, "other") for i in dropped)
    what = ", ".join(f"{n} {k}" for k, n in counts.most_common())
    notice = (
        f"Showing {cap} of {len(unique)} nodes (the node cap is {cap}). "
        f"Left out {len(dropped)} {criterion}: {what}. To narrow: {hint}"
    )
    return kept, notice


def build(
    title: str,
    ids: Sequence[str],
    details: dict[str, dict[str, Any]],
    edges: Iterable[dict[str, Any]],
    *,
    total: int,
    cap: int,
    notice: str | None,
    colors: dict[str, str] | None = None,
    status_legend: Sequence[str] = (),
    emphasize: Iterable[str] = (),
    api_url: str | None = None,
    links: Sequence[tuple[str, str]] = (),
) -> GraphView:
    """Put nodes and edges into a pyvis Network and take its JSON for our template."""
    net = Network(directed=True, cdn_resources="local")
    colors = colors or {}
    big = set(emphasize)
    kinds_seen: dict[str, None] = {}
    for node_id in ids:
        row = details.get(node_id)
        if row is None:
            continue
        kind = kind_of(row)
        color, shape = style_of(kind)
        if node_id in colors:
            color = colors[node_id]
        else:
            kinds_seen[kind] = None
        extra: dict[str, Any] = {"kind": kind, "url": page_url(node_id, row)}
        if node_id in big:
            extra.update(
                size=28, borderWidth=3, font={"size": 16, "face": "sans-serif", "bold": True}
            )
        if kind == "event":
            extra["size"] = 8
        net.add_node(
            node_id, label=node_label(row), shape=shape, color=color, title=node_title(row), **extra
        )
    present = set(net.get_nodes())
    for i, edge in enumerate(edges):
        if edge["source"] not in present or edge["target"] not in present:
            continue
        dashed = edge["type"] in {"PARTICIPATED_IN", "CONCERNS", "BASED_IN", "IN_JURISDICTION"}
        net.add_edge(
            edge["source"],
            edge["target"],
            id=f"e{i}",
            label=edge_label(edge),
            title=edge_title(edge),
            relation=edge["type"],
            dashes=dashed,
        )
    net.set_options(json.dumps(options_for(len(net.nodes), len(net.edges))))
    nodes, vis_edges, _heading, _height, _width, options = net.get_network_data()
    legend = [
        LegendItem(k, style_of(k)[0], style_of(k)[1], k.replace("_", " ")) for k in kinds_seen
    ]
    legend += [LegendItem(s, STATUS_STYLE[s][0], "dot", STATUS_STYLE[s][1]) for s in status_legend]
    return GraphView(
        title=title,
        nodes=nodes,
        edges=vis_edges,
        options=json.loads(options),
        legend=legend,
        total=total,
        cap=cap,
        notice=notice,
        api_url=api_url,
        links=list(links),
    )


def options_for(n_nodes: int, n_edges: int) -> dict[str, Any]:
    """vis-network options; big graphs get a cheaper layout so they settle quickly."""
    options = json.loads(json.dumps(OPTIONS))
    if n_nodes > 60 or n_edges > 120:
        options["layout"]["improvedLayout"] = False
        options["edges"]["smooth"] = {"enabled": True, "type": "continuous"}
        options["physics"]["stabilization"]["iterations"] = 150 if n_nodes <= 150 else 100
        options["physics"]["barnesHut"].update(gravitationalConstant=-6000, springLength=120)
    return options


def _entity(db: Any, entity_id: str, param: str = "id") -> dict[str, Any]:
    if not ID_PATTERN.match(entity_id) or len(entity_id) > 200:
        raise BadParameter(param, f"'{entity_id[:100]}' is not an id such as org:openai")
    rows = db.rows(EXISTS, {"id": entity_id})
    if not rows:
        raise NotFound(
            f"No actor or instrument with id '{entity_id}'.",
            fix="search for it on the home page (/?q=...) to find its id.",
        )
    return dict(rows[0])


# ------------------------------------------------------------------------------------- the views


def neighbourhood(db: Any, entity_id: str, depth: int, cap: int) -> GraphView:
    """An entity and everything within `depth` steps (sources left out, shown in tooltips)."""
    if depth not in NEIGHBOURHOOD:
        raise BadParameter("depth", f"{depth} is not allowed; use 1 or 2")
    center = _entity(db, entity_id)
    rows = [r for r in db.rows(NEIGHBOURHOOD[depth], {"id": entity_id}) if r["id"]]
    rows.sort(key=lambda r: (r["dist"], -r["degree"], r["id"]))
    ordered = [entity_id, *(r["id"] for r in rows)]
    details = node_details(db, ordered)
    kinds = {i: kind_of(d) for i, d in details.items()}
    hint = (
        "use depth=1."
        if depth == 2
        else "open the entity's page for the full list of its events and relationships."
    )
    ids, notice = cap_nodes(ordered, kinds, cap, "(the farthest and least connected)", hint)
    return build(
        f"Neighbourhood of {center['name']} (depth {depth})",
        ids,
        details,
        edges_among(db, ids),
        total=len(ordered),
        cap=cap,
        notice=notice,
        emphasize=[entity_id],
        api_url=f"/api/entities/{entity_id}",
        links=[(f"/entity/{entity_id}", f"{center['name']}: facts and sources")],
    )


def standing(relations: set[str], joined: str | None) -> str:
    """Where an actor stands towards an agreement: joined > withdrew > holdout > declined > ..."""
    if joined == "yes":
        return "joined"
    if joined == "uncertain":
        return "joined_uncertain"
    if "WITHDREW_FROM" in relations or "PARTY_TO" in relations:
        return "withdrew"
    if "PRESSED_TO_JOIN" in relations:
        return "holdout"
    if "DECLINED" in relations:
        return "declined"
    return "negotiating"


def parties(db: Any, target_id: str, as_of: str | None, cap: int) -> GraphView:
    """Who joined, negotiates, declined or holds out (pressed, not joined), maybe as of a day."""
    target = _entity(db, target_id, "target")
    raw = {"target": target_id, "as_of": as_of}
    _, params, joined_rows = queries.run(db, "parties-to", raw)
    joined = {r["actor_id"]: r["party_as_of"] for r in joined_rows}
    rows = db.rows(STANDING, {"target": target_id, "as_of": params["as_of"]})
    relations: dict[str, set[str]] = {}
    pressers: dict[str, set[str]] = {}
    edges: list[dict[str, Any]] = []
    for row in rows:
        row = to_json(row)
        relations.setdefault(row["actor_id"], set()).add(row["relation"])
        edges.append(
            {
                "source": row["actor_id"],
                "target": target_id,
                "type": row["relation"],
                "date": row["date"],
                "date_precision": row["date_precision"],
                "event_id": row["event_id"],
                "status": row["status"],
                "sources": row["sources"],
            }
        )
        for presser in row["pressers"]:
            pressers.setdefault(presser, set()).add(row["actor_id"])
            edges.append(
                {
                    "source": presser,
                    "target": row["actor_id"],
                    "type": "PRESSED",
                    "date": row["date"],
                    "date_precision": row["date_precision"],
                    "event_id": row["event_id"],
                    "status": row["status"],
                    "sources": row["sources"],
                }
            )
    for actor_id in joined:
        relations.setdefault(actor_id, set()).add("PARTY_TO")
    status = {a: standing(rels, joined.get(a)) for a, rels in relations.items()}
    for presser in pressers:
        status.setdefault(presser, "presser")
    order = {
        "joined": 0,
        "joined_uncertain": 1,
        "holdout": 2,
        "negotiating": 3,
        "declined": 4,
        "withdrew": 5,
        "presser": 6,
    }
    actors = sorted(status, key=lambda a: (order[status[a]], a))
    ordered = [target_id, *actors]
    details = node_details(db, ordered)
    ids, notice = cap_nodes(
        ordered,
        status,
        cap,
        "(pressers and withdrawn parties last)",
        "set as_of to an earlier day.",
    )
    colors = {a: STATUS_STYLE[s][0] for a, s in status.items()}
    seen = [s for s in STATUS_STYLE if s in {status[a] for a in ids if a in status}]
    when = f" as of {params['as_of']}" if params["as_of"] else ""
    query = urlencode({k: v for k, v in raw.items() if v})
    holdouts = urlencode(
        {"target": target_id, "kind": "any", **({"as_of": as_of} if as_of else {})}
    )
    return build(
        f"Parties to {target['name']}{when}",
        ids,
        details,
        edges,
        total=len(ordered),
        cap=cap,
        notice=notice,
        colors=colors,
        status_legend=seen,
        emphasize=[target_id],
        api_url=f"/api/queries/parties-to?{query}",
        links=[
            (f"/api/queries/holdouts?{holdouts}", "holdouts (JSON)"),
            (f"/entity/{target_id}", f"{target['name']}: facts and sources"),
        ],
    )

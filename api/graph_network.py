"""Build a graph view: read records and their relationships, lay them out as a pyvis network.

pyvis only builds the nodes, edges and options (``Network.get_network_data``); the page is our
own template, which loads vis-network from this app's /static (served from the installed pyvis
package), so no view ever needs a CDN.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pyvis.network import Network

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
from govgraph.core.cypher import text
from govgraph.core.values import to_json
from govgraph.graph.schema import ENTITY_LABEL, RECORD_LABEL

# Labels every record of a family carries: they say nothing about what a node is.
HIDDEN_LABELS = (ENTITY_LABEL, RECORD_LABEL)
DASHED = {"PARTICIPATED_IN", "CONCERNS", "BASED_IN", "IN_JURISDICTION"}


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
        """How many nodes are drawn."""
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


# ------------------------------------------------------------------------------ reading the graph


def node_details(db: Any, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """Name, kind, summary and sources of each id (missing ids are left out)."""
    if not ids:
        return {}
    rows = db.rows(text("node-details"), {"ids": list(ids), "hidden": list(HIDDEN_LABELS)})
    return {row["id"]: to_json(row) for row in rows}


def edges_among(
    db: Any, ids: Sequence[str], date_from: date | None = None, date_to: date | None = None
) -> list[dict[str, Any]]:
    """Every relationship between two of the ids (dated ones outside the range left out)."""
    if not ids:
        return []
    rows = db.rows(text("edges-among"), {"ids": list(ids), "from": date_from, "to": date_to})
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
    return kept, cap_notice(cap, len(unique), counts, criterion, hint)


def cap_notice(cap: int, total: int, dropped: Counter[str], criterion: str, hint: str) -> str:
    """What a capped graph left out, by kind, and how to narrow it."""
    what = ", ".join(f"{n} {k}" for k, n in dropped.most_common())
    return (
        f"Showing {cap} of {total} nodes (the node cap is {cap}). "
        f"Left out {sum(dropped.values())} {criterion}: {what}. To narrow: {hint}"
    )


# ---------------------------------------------------------------------------- building the network


def build(
    title: str,
    ids: Sequence[str],
    details: dict[str, dict[str, Any]],
    edges: Iterable[dict[str, Any]],
    *,
    total: int,
    cap: int,
    notice: str | None,
    standing: dict[str, str] | None = None,
    emphasize: Iterable[str] = (),
    api_url: str | None = None,
    links: Sequence[tuple[str, str]] = (),
) -> GraphView:
    """Put nodes and edges into a pyvis Network and take its JSON for our template."""
    net = Network(directed=True, cdn_resources="local")
    standing = standing or {}
    kinds_seen = add_nodes(net, ids, details, standing, set(emphasize))
    add_edges(net, edges)
    net.set_options(json.dumps(options_for(len(net.nodes), len(net.edges))))
    nodes, vis_edges, _heading, _height, _width, options = net.get_network_data()
    statuses_seen = {standing[n] for n in net.get_nodes() if n in standing}
    return GraphView(
        title=title,
        nodes=nodes,
        edges=vis_edges,
        options=json.loads(options),
        legend=legend(kinds_seen, statuses_seen),
        total=total,
        cap=cap,
        notice=notice,
        api_url=api_url,
        links=list(links),
    )


def add_nodes(
    net: Network,
    ids: Sequence[str],
    details: dict[str, dict[str, Any]],
    standing: dict[str, str],
    big: set[str],
) -> list[str]:
    """Add a node per known id, coloured by its standing or else its kind; the kinds drawn."""
    kinds_seen: dict[str, None] = {}
    for node_id in ids:
        row = details.get(node_id)
        if row is None:
            continue
        kind = kind_of(row)
        color, shape = style_of(kind)
        extra: dict[str, Any] = {"kind": kind, "url": page_url(node_id, row)}
        if node_id in standing:
            color = STATUS_STYLE[standing[node_id]][0]
            extra["standing"] = standing[node_id]
        else:
            kinds_seen[kind] = None
        if node_id in big:
            extra.update(
                size=28, borderWidth=3, font={"size": 16, "face": "sans-serif", "bold": True}
            )
        if kind == "event":
            extra["size"] = 8
        net.add_node(
            node_id, label=node_label(row), shape=shape, color=color, title=node_title(row), **extra
        )
    return list(kinds_seen)


def add_edges(net: Network, edges: Iterable[dict[str, Any]]) -> None:
    """Add each relationship whose two ends are drawn."""
    present = set(net.get_nodes())
    names = {n["id"]: str(n.get("label") or n["id"]).replace("\n", " ") for n in net.nodes}
    for i, edge in enumerate(edges):
        if edge["source"] not in present or edge["target"] not in present:
            continue
        net.add_edge(
            edge["source"],
            edge["target"],
            id=f"e{i}",
            label=edge_label(edge),
            title=edge_title(edge, names),
            relation=edge["type"],
            dashes=edge["type"] in DASHED,
        )


def legend(kinds: Iterable[str], statuses: set[str]) -> list[LegendItem]:
    """A legend item per kind drawn, then per standing drawn (in STATUS_STYLE order)."""
    items = [LegendItem(k, *style_of(k), k.replace("_", " ")) for k in kinds]
    items += [
        LegendItem(s, STATUS_STYLE[s][0], "dot", STATUS_STYLE[s][1])
        for s in STATUS_STYLE
        if s in statuses
    ]
    return items


def options_for(n_nodes: int, n_edges: int) -> dict[str, Any]:
    """vis-network options; big graphs get a cheaper layout so they settle quickly."""
    options = json.loads(json.dumps(OPTIONS))
    if n_nodes > 60 or n_edges > 120:
        options["layout"]["improvedLayout"] = False
        options["edges"]["smooth"] = {"enabled": True, "type": "continuous"}
        options["physics"]["stabilization"]["iterations"] = 150 if n_nodes <= 150 else 100
        options["physics"]["barnesHut"].update(gravitationalConstant=-6000, springLength=120)
    return options

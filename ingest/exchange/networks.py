"""GraphML and GEXF, written by networkx: records as nodes, relationships as edges (for Gephi)."""

from __future__ import annotations

import io
from typing import Any

import networkx as nx
from networkx.readwrite.gexf import GEXFWriter

from govgraph import __version__
from govgraph.ingest.exchange.snapshot import Snapshot

# Names GEXF reserves for its own markup (id, label, dynamics, layout); kept out of attributes.
RESERVED = {"id", "label", "type", "start", "end", "pid", "viz", "weight", "slices", "spells"}
RENAMED = {"type": "event_type"}  # an event's type becomes event_type (kind holds it too)


def _attrs(props: dict[str, Any]) -> dict[str, str | int | float | bool]:
    """Properties as GraphML/GEXF values: lists joined with '; ', nulls left out."""
    out: dict[str, str | int | float | bool] = {}
    for key, value in props.items():
        key = RENAMED.get(key, key)
        if value is None or value == [] or key in RESERVED:
            continue
        if isinstance(value, list):
            out[key] = "; ".join(str(v) for v in value)
        elif isinstance(value, (str, int, float, bool)):
            out[key] = value
        else:
            out[key] = str(value)
    return out


def to_networkx(snap: Snapshot, edge_ids: bool = False) -> nx.MultiDiGraph:
    """A directed multigraph: one node per record, one edge per relationship (keyed by its id).

    edge_ids: also as the `id` attribute, which GEXF takes for the edge's id.
    """
    graph = nx.MultiDiGraph(name="govgraph")
    for node in snap.nodes:
        attrs = _attrs(node.props)
        attrs.update(label=node.label, record=node.record, kind=node.kind, reviewed=node.reviewed)
        graph.add_node(node.id, **attrs)
    for edge in snap.edges:
        attrs = _attrs(edge.props)
        attrs.update(
            label=edge.relation,
            relation=edge.relation,
            derived=edge.derived,
            reviewed=edge.reviewed,
        )
        if edge_ids:
            attrs["id"] = edge.id
        graph.add_edge(edge.start, edge.end, key=edge.id, **attrs)
    return graph


def graphml(snap: Snapshot) -> bytes:
    """The graph as GraphML (UTF-8)."""
    buffer = io.BytesIO()
    nx.write_graphml(to_networkx(snap), buffer, encoding="utf-8")
    return buffer.getvalue()


def gexf(snap: Snapshot) -> bytes:
    """The graph as GEXF 1.2 (UTF-8), dated by its latest record rather than by today."""
    writer = GEXFWriter(encoding="utf-8")
    writer.add_graph(to_networkx(snap, edge_ids=True))
    meta = writer.xml.find("meta")
    if meta is not None:  # so two exports of one graph are the same bytes on any day
        creator = meta.find("creator")
        if creator is not None:
            creator.text = f"govgraph {__version__}"
        if snap.modified():
            meta.set("lastmodifieddate", str(snap.modified()))
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()

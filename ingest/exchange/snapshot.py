"""The graph as plain records and relationships, read once for the GraphML, GEXF and FtM exports."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from govgraph.core.cypher import text
from govgraph.core.values import to_json
from govgraph.graph.db import Database
from govgraph.graph.schema import Schema, load_schema

# Kept for search and change detection only; they say nothing about the record.
SKIPPED_PROPS = {"id", "content_hash", "search_text", "record_json", "rev", "edited"}
LABEL_CHARS = 80


@dataclass(frozen=True)
class Node:
    """One record: its type (Actor, Instrument, Event, Source), kind and properties as JSON."""

    id: str
    record: str
    kind: str
    props: dict[str, Any]
    reviewed: bool

    @property
    def label(self) -> str:
        """A short human label: the name, a source's title, or the start of an event's summary."""
        label = str(self.props.get("name") or self.props.get("title") or "")
        if not label:
            summary = str(self.props.get("summary") or self.id)
            label = summary if len(summary) <= LABEL_CHARS else summary[: LABEL_CHARS - 1] + "…"
        return label


@dataclass(frozen=True)
class Edge:
    """One relationship between two records; derived ones carry their event's id and dates."""

    start: str
    end: str
    relation: str
    props: dict[str, Any]
    reviewed: bool
    derived: bool

    @property
    def id(self) -> str:
        """Unique in the graph: a pair of records has one relationship per type and event/role."""
        which = self.props.get("event_id") or self.props.get("role") or ""
        return f"{self.start}|{self.relation}|{self.end}|{which}"

    def sort_key(self) -> tuple[str, str, str, str, int]:
        return (self.start, self.relation, self.end, self.id, int(self.props.get("ord") or 0))


@dataclass
class Snapshot:
    """Every record and relationship of the graph (only reviewed ones with reviewed_only)."""

    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    reviewed_only: bool = False

    def modified(self) -> str | None:
        """The latest day a record was written or reviewed, as YYYY-MM-DD."""
        days = [
            str(n.props[key])
            for n in self.nodes
            for key in ("recorded_at", "reviewed_on")
            if n.props.get(key)
        ]
        return max(days) if days else None


def _record_type(labels: list[str], schema: Schema) -> str:
    """The schema type whose main label the node carries."""
    return next((name for name, rt in schema.types.items() if rt.labels[0] in labels), "Record")


def read_snapshot(
    db: Database, reviewed_only: bool = False, schema: Schema | None = None
) -> Snapshot:
    """Records and relationships between them, read in one transaction, sorted by id."""
    schema = schema or load_schema()
    derived = {sc.type for sc in schema.shortcuts}
    params = {"reviewed_only": reviewed_only}

    def work(tx: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        nodes = [r.data() for r in tx.run(text("exchange-nodes"), params)]
        edges = [r.data() for r in tx.run(text("exchange-edges"), params)]
        return nodes, edges

    node_rows, edge_rows = db.read(work)
    snap = Snapshot(reviewed_only=reviewed_only)
    for row in sorted(node_rows, key=lambda r: str(r["id"])):
        props = {k: to_json(v) for k, v in row["props"].items() if k not in SKIPPED_PROPS}
        snap.nodes.append(
            Node(
                id=row["id"],
                record=_record_type(row["labels"], schema),
                kind=str(props.get("kind") or props.get("type") or ""),
                props=props,
                reviewed=bool(props.get("reviewed", True)),
            )
        )
    edges = [
        Edge(
            start=row["start"],
            end=row["end"],
            relation=row["type"],
            props={k: to_json(v) for k, v in row["props"].items()},
            reviewed=bool(row["reviewed"]),
            derived=row["type"] in derived,
        )
        for row in edge_rows
    ]
    snap.edges = sorted(edges, key=Edge.sort_key)
    return snap

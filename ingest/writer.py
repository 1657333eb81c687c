"""Write a validated dataset: batched, idempotent UNWIND ... MERGE transactions."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from neo4j import ManagedTransaction

from govgraph.graph.db import Database
from govgraph.graph.schema import (
    ENTITY_LABEL,
    RecordType,
    Schema,
    constraint_statements,
    load_schema,
    statement_name,
)
from govgraph.ingest.rows import content_hash, node_props, ref_rows, shortcut_rows
from govgraph.ingest.validate import Dataset

T = TypeVar("T")
Progress = Callable[[int], None]


@dataclass
class TypeCounts:
    """What ingest did to one record type."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    pruned: int = 0


@dataclass
class IngestReport:
    """Counts per record type, plus derived relationships written."""

    types: dict[str, TypeCounts] = field(default_factory=dict)
    shortcuts: int = 0
    revision: str | None = None

    @property
    def changed(self) -> int:
        return sum(c.created + c.updated + c.pruned for c in self.types.values())


def batches(rows: list[T], size: int) -> Iterator[list[T]]:
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


def ensure_schema(db: Database, schema: Schema | None = None) -> int:
    """Create the constraints and indexes that are missing (each `IF NOT EXISTS`); count them."""
    with db.session() as session:
        names = {r["name"] for r in session.run("SHOW CONSTRAINTS YIELD name RETURN name")}
        names |= {r["name"] for r in session.run("SHOW INDEXES YIELD name RETURN name")}
    missing = [
        stmt
        for stmt in constraint_statements(schema or load_schema())
        if statement_name(stmt) not in names
    ]
    for stmt in missing:
        db.write(lambda tx, s=stmt: tx.run(s).consume())
    if missing:
        db.write(lambda tx: tx.run("CALL db.awaitIndexes(60)").consume())
    return len(missing)


def _run_rows(
    db: Database,
    cypher: str,
    rows: list[dict[str, Any]],
    size: int,
    progress: Progress | None = None,
) -> None:
    for chunk in batches(rows, size):

        def work(tx: ManagedTransaction, chunk: list[dict[str, Any]] = chunk) -> None:
            tx.run(cypher, rows=chunk).consume()

        db.write(work)
        if progress:
            progress(len(chunk))


def _node_query(rt: RecordType, kind: str | None) -> str:
    label = rt.labels[0]
    stale = [lab for lab in rt.all_kind_labels if lab not in rt.labels_for(kind)]
    remove = f"REMOVE n:{':'.join(stale)} " if stale else ""
    extra = [lab for lab in rt.labels_for(kind) if lab != label]
    add = f"SET n:{':'.join(extra)} " if extra else ""
    return f"UNWIND $rows AS row MERGE (n:{label} {{id: row.id}}) SET n = row.props {remove}{add}"


def _ref_query(schema: Schema, rt: RecordType, prop_name: str) -> str:
    prop = rt.props[prop_name]
    me = rt.labels[0]
    other = ENTITY_LABEL if prop.to == "Any" else schema.types[str(prop.to)].labels[0]
    if prop.type == "roles" and prop.to == "Actor":
        # Participants point at the event: (actor)-[:PARTICIPATED_IN {role}]->(event).
        return (
            f"UNWIND $rows AS row MATCH (a:{me} {{id: row.from}}) "
            f"MATCH (b:{other} {{id: row.to}}) "
            f"MERGE (b)-[r:{prop.relationship} {{role: row.role}}]->(a) SET r.ord = row.ord"
        )
    role = "{role: row.role}" if prop.type == "roles" else ""
    return (
        f"UNWIND $rows AS row MATCH (a:{me} {{id: row.from}}) "
        f"MATCH (b:{other} {{id: row.to}}) "
        f"MERGE (a)-[r:{prop.relationship} {role}]->(b) SET r.ord = row.ord"
    )


def _clear_refs_query(rt: RecordType) -> str:
    out_rels = [
        str(p.relationship)
        for p in rt.props.values()
        if p.relationship and not (p.type == "roles" and p.to == "Actor")
    ]
    in_rels = [
        str(p.relationship) for p in rt.props.values() if p.type == "roles" and p.to == "Actor"
    ]
    parts = [f"UNWIND $rows AS row MATCH (n:{rt.labels[0]} {{id: row.id}})"]
    if out_rels:
        parts.append(f"CALL (n) {{ MATCH (n)-[r:{'|'.join(out_rels)}]->() DELETE r }}")
    if in_rels:
        parts.append(f"CALL (n) {{ MATCH (n)<-[r:{'|'.join(in_rels)}]-() DELETE r }}")
    return " ".join(parts)


def _shortcut_types(schema: Schema) -> str:
    return "|".join(sorted({s.type for s in schema.shortcuts}))


def existing_hashes(db: Database, rt: RecordType) -> dict[str, str | None]:
    """id -> content_hash of every node of a record type already in the graph."""
    q = f"MATCH (n:{rt.labels[0]}) RETURN n.id AS id, n.content_hash AS h"
    return {row["id"]: row["h"] for row in db.rows(q)}


@dataclass
class Plan:
    """What an ingest will do: the records to write, which of them already exist, all hashes."""

    report: IngestReport
    changed: dict[str, set[str]]  # per type: ids to write
    existing: set[str]  # ids already in the graph (their old relationships must be cleared)
    hashes: dict[str, str]  # new content hash of every input record
    before: dict[str, str | None]  # content hash of every record node already in the graph


def plan(db: Database, dataset: Dataset, schema: Schema) -> Plan:
    """Classify every record as created, updated or unchanged; list removed ids."""
    out = Plan(IngestReport(), {}, set(), {}, {})
    for name, rt in schema.types.items():
        before = existing_hashes(db, rt)
        out.before.update(before)
        counts = TypeCounts()
        out.changed[name] = set()
        for loc in dataset.of(name):
            h = out.hashes[loc.id] = content_hash(loc.record.dump())
            if loc.id not in before:
                counts.created += 1
                out.changed[name].add(loc.id)
            elif before[loc.id] != h:
                counts.updated += 1
                out.changed[name].add(loc.id)
                out.existing.add(loc.id)
            else:
                counts.unchanged += 1
        ids = {loc.id for loc in dataset.of(name)}
        counts.removed = sorted(set(before) - ids)
        out.report.types[name] = counts
    return out


def ingest(
    db: Database,
    dataset: Dataset,
    *,
    prune: bool = False,
    batch_size: int = 5000,
    progress: Progress | None = None,
    on_total: Callable[[int], None] | None = None,
) -> IngestReport:
    """Write every changed record, its relationships and derived shortcuts; hashes last."""
    schema = load_schema()
    ensure_schema(db, schema)
    the_plan = plan(db, dataset, schema)
    report, changed = the_plan.report, the_plan.changed
    total = sum(len(v) for v in changed.values())
    if total or (prune and any(c.removed for c in report.types.values())):
        mark_writing(db)  # readers must not cache answers from a half-written graph
    if on_total:
        on_total(total * 3)

    # 1. Nodes: properties and labels (SET n = props also clears the old hash).
    for name, rt in schema.types.items():
        groups: dict[str | None, list[dict[str, Any]]] = defaultdict(list)
        for loc in dataset.of(name):
            if loc.id in changed[name]:
                kind = getattr(loc.record, "kind", None)
                groups[kind].append({"id": loc.id, "props": node_props(rt, loc)})
        for kind, rows in groups.items():
            _run_rows(db, _node_query(rt, kind), rows, batch_size, progress)

    # 2. Relationships the records state, rewritten for changed records (new ones have none).
    for name, rt in schema.types.items():
        ids = [{"id": i} for i in sorted(changed[name])]
        stale = [row for row in ids if row["id"] in the_plan.existing]
        _run_rows(db, _clear_refs_query(rt), stale, batch_size)
        by_prop: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for loc in dataset.of(name):
            if loc.id in changed[name]:
                for prop, row in ref_rows(rt, loc):
                    by_prop[prop].append(row)
        for prop, rows in by_prop.items():
            _run_rows(db, _ref_query(schema, rt, prop), rows, batch_size)
        if progress:
            progress(len(ids))

    # 3. Shortcuts derived from changed events, each keyed by its event id.
    events = changed.get("Event", set())
    clear = (
        f"UNWIND $rows AS row MATCH ()-[r:{_shortcut_types(schema)}]->() "
        "WHERE r.event_id = row.id DELETE r"
    )
    _run_rows(db, clear, [{"id": i} for i in sorted(events & the_plan.existing)], batch_size)
    by_type: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for sc, row in shortcut_rows(schema, dataset, events):
        by_type[sc.type].append(row)
    for rel, rows in by_type.items():
        q = (
            f"UNWIND $rows AS row MATCH (a:{ENTITY_LABEL} {{id: row.from}}) "
            f"MATCH (b:{ENTITY_LABEL} {{id: row.to}}) "
            f"MERGE (a)-[r:{rel} {{event_id: row.props.event_id}}]->(b) SET r += row.props"
        )
        _run_rows(db, q, rows, batch_size)
        report.shortcuts += len(rows)

    # 4. Hashes last: a run killed before this point is redone by the next run.
    for name, rt in schema.types.items():
        rows = [
            {"id": loc.id, "hash": the_plan.hashes[loc.id]}
            for loc in dataset.of(name)
            if loc.id in changed[name]
        ]
        q = (
            f"UNWIND $rows AS row MATCH (n:{rt.labels[0]} {{id: row.id}}) "
            "SET n.content_hash = row.hash"
        )
        _run_rows(db, q, rows, batch_size, progress)

    if prune:
        _prune(db, schema, report, batch_size)
    after = {i: h for i, h in the_plan.before.items() if h is not None}
    after.update(the_plan.hashes)
    if prune:
        for counts in report.types.values():
            for gone in counts.removed:
                after.pop(gone, None)
    report.revision = write_revision(db, after)
    return report


REVISION_KEY = "revision"
WRITING = "writing:"


SET_REVISION = "MERGE (m:GovGraphMeta {key: $key}) SET m.value = $value, m.updated_at = datetime()"


def _set_revision(db: Database, value: str) -> str:
    db.write(lambda tx: tx.run(SET_REVISION, key=REVISION_KEY, value=value).consume())
    return value


def mark_writing(db: Database) -> str:
    """Set the revision to a one-off 'writing:' value until this ingest finishes."""
    return _set_revision(db, WRITING + uuid.uuid4().hex[:12])


def write_revision(db: Database, hashes: dict[str, str]) -> str:
    """Record a revision derived from every record's content hash (same graph, same revision)."""
    revision = content_hash({"records": sorted(hashes.items())})[:16]
    if read_revision(db) == revision:
        return revision  # nothing changed: write nothing
    return _set_revision(db, revision)


def read_revision(db: Database) -> str | None:
    """The revision the last ingest recorded, if any."""
    rows = db.rows("MATCH (m:GovGraphMeta {key: $key}) RETURN m.value AS v", {"key": REVISION_KEY})
    return str(rows[0]["v"]) if rows else None


def _prune(db: Database, schema: Schema, report: IngestReport, batch_size: int) -> None:
    """Delete records no longer in the input, and the shortcuts their events derived."""
    removed_events = [{"id": i} for i in report.types.get("Event", TypeCounts()).removed]
    clear = (
        f"UNWIND $rows AS row MATCH ()-[r:{_shortcut_types(schema)}]->() "
        "WHERE r.event_id = row.id DELETE r"
    )
    _run_rows(db, clear, removed_events, batch_size)
    for name, rt in schema.types.items():
        counts = report.types[name]
        rows = [{"id": i} for i in counts.removed]
        q = f"UNWIND $rows AS row MATCH (n:{rt.labels[0]} {{id: row.id}}) DETACH DELETE n"
        _run_rows(db, q, rows, batch_size)
        counts.pruned = len(rows)


def graph_fingerprint(db: Database) -> dict[str, Any]:
    """Counts per label and relationship type plus a content hash of the whole graph."""
    labels = db.rows("MATCH (n) UNWIND labels(n) AS l RETURN l AS label, count(*) AS n ORDER BY l")
    rels = db.rows("MATCH ()-[r]->() RETURN type(r) AS type, count(*) AS n ORDER BY type")
    nodes = db.rows(
        "MATCH (n) WHERE n.id IS NOT NULL "
        "RETURN n.id AS id, labels(n) AS labels, properties(n) AS props ORDER BY n.id"
    )
    edges = db.rows(
        "MATCH (a)-[r]->(b) RETURN a.id AS a, type(r) AS t, b.id AS b, properties(r) AS p "
        "ORDER BY a, t, b, p.event_id, p.role, p.ord"
    )
    blob = repr([(n["id"], sorted(n["labels"]), sorted(n["props"].items())) for n in nodes])
    blob += repr([(e["a"], e["t"], e["b"], sorted(e["p"].items())) for e in edges])
    return {
        "labels": {r["label"]: r["n"] for r in labels},
        "relationships": {r["type"]: r["n"] for r in rels},
        "hash": content_hash({"graph": blob}),
    }

"""Write a validated dataset: batched, idempotent UNWIND ... MERGE transactions."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from neo4j import ManagedTransaction

from govgraph.core.cypher import fill, text
from govgraph.core.values import content_hash
from govgraph.graph.db import Database
from govgraph.graph.revision import mark_writing, write_revision
from govgraph.graph.schema import (
    RECORD_LABEL,
    RecordType,
    Schema,
    constraint_statements,
    load_schema,
    statement_name,
)
from govgraph.ingest.rows import node_props, ref_rows, shortcut_rows
from govgraph.ingest.validate import CURATED, Dataset, Located

T = TypeVar("T")
Progress = Callable[[int], None]
Rows = list[dict[str, Any]]


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
    schema = schema or load_schema()
    names = {r["name"] for r in db.rows(text("constraint-names"))}
    names |= {r["name"] for r in db.rows(text("index-names"))}
    missing = [s for s in constraint_statements(schema) if statement_name(s) not in names]
    if f"{RECORD_LABEL.lower()}_id" not in names:
        # A graph written before the common record label existed gets it once, before its
        # constraint is created.
        labels = [rt.labels[0] for rt in schema.types.values()]
        db.write(
            lambda tx: tx.run(fill("label-records", record=RECORD_LABEL), labels=labels).consume()
        )
    for stmt in missing:
        db.write(lambda tx, s=stmt: tx.run(s).consume())
    if missing:
        db.write(lambda tx: tx.run(text("await-indexes")).consume())
    return len(missing)


def existing_hashes(db: Database, rt: RecordType) -> tuple[dict[str, str | None], dict[str, str]]:
    """id -> content_hash, and id -> origin, of every node of a record type in the graph."""
    rows = db.rows(fill("content-hashes", label=rt.labels[0]))
    return {r["id"]: r["h"] for r in rows}, {r["id"]: r["origin"] or CURATED for r in rows}


def record_hash(loc: Located, origin: str) -> str:
    """The content hash of a record as its origin writes it (a change of origin is a change)."""
    data = loc.record.dump()
    return content_hash(data if origin == CURATED else {**data, "_origin": origin})


@dataclass
class Plan:
    """What an ingest will do: the records to write, which of them already exist, all hashes."""

    report: IngestReport
    changed: dict[str, set[str]]  # per type: ids to write
    existing: set[str]  # ids already in the graph (their old relationships must be cleared)
    hashes: dict[str, str]  # new content hash of every input record
    before: dict[str, str | None]  # content hash of every record node already in the graph

    def writes(self, prune: bool) -> bool:
        """True when the run will change the graph."""
        removed = prune and any(c.removed for c in self.report.types.values())
        return any(self.changed.values()) or removed

    def hashes_after(self, prune: bool) -> dict[str, str]:
        """Every record's content hash once the run is done (for the graph revision)."""
        after = {i: h for i, h in self.before.items() if h is not None}
        after.update(self.hashes)
        if prune:
            for counts in self.report.types.values():
                for gone in counts.removed:
                    after.pop(gone, None)
        return after


def plan(db: Database, dataset: Dataset, schema: Schema) -> Plan:
    """Classify every record as created, updated or unchanged; list removed ids."""
    out = Plan(IngestReport(), {}, set(), {}, {})
    for name, rt in schema.types.items():
        before, origins = existing_hashes(db, rt)
        out.before.update(before)
        counts = TypeCounts()
        out.changed[name] = set()
        for loc in dataset.of(name):
            h = out.hashes[loc.id] = record_hash(loc, dataset.origin)
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
        # Only records this origin wrote can be "removed": an ingest of data/ never prunes
        # what an importer added, and an import never prunes the curated records.
        counts.removed = sorted(i for i in set(before) - ids if origins[i] == dataset.origin)
        out.report.types[name] = counts
    return out


@dataclass
class _Run:
    """One ingest's inputs, shared by its phases."""

    db: Database
    schema: Schema
    dataset: Dataset
    plan: Plan
    batch_size: int
    progress: Progress | None

    def write(self, cypher: str, rows: Rows, count: bool = False, **params: Any) -> None:
        """Run `cypher` over `rows` in batches, one write transaction each."""
        for chunk in batches(rows, self.batch_size):

            def work(tx: ManagedTransaction, chunk: Rows = chunk) -> None:
                tx.run(cypher, rows=chunk, **params).consume()

            self.db.write(work)
            if count and self.progress:
                self.progress(len(chunk))

    def changed(self, name: str) -> Iterator[Any]:
        """The located records of a type that this run writes."""
        ids = self.plan.changed[name]
        return (loc for loc in self.dataset.of(name) if loc.id in ids)

    @property
    def derived_types(self) -> str:
        return "|".join(sorted({s.type for s in self.schema.shortcuts}))


def _write_nodes(run: _Run) -> None:
    """Phase 1: properties and labels (SET n = props also clears the old hash)."""
    for name, rt in run.schema.types.items():
        rows = []
        for loc in run.changed(name):
            labels = rt.labels_for(getattr(loc.record, "kind", None))
            rows.append(
                {
                    "id": loc.id,
                    "props": node_props(rt, loc, run.dataset.origin),
                    "labels": [lab for lab in labels if lab != rt.labels[0]],
                    "stale": [lab for lab in rt.all_kind_labels if lab not in labels],
                }
            )
        run.write(fill("merge-records", label=rt.labels[0]), rows, count=True)


def _clear_links(run: _Run, rt: RecordType) -> None:
    """Delete the relationships that changed records already in the graph stated."""
    stale = [{"id": i} for i in sorted(run.plan.changed[rt.name] & run.plan.existing)]
    props = [p for p in rt.props.values() if p.relationship]
    run.write(
        fill("clear-links", label=rt.labels[0]),
        stale,
        outgoing=[p.relationship for p in props if not p.reverse],
        incoming=[p.relationship for p in props if p.reverse],
    )


def _write_links(run: _Run) -> None:
    """Phase 2: the relationships records state, rewritten for changed records."""
    for name, rt in run.schema.types.items():
        _clear_links(run, rt)
        by_prop: dict[str, Rows] = defaultdict(list)
        for loc in run.changed(name):
            for prop_name, row in ref_rows(rt, loc):
                by_prop[prop_name].append(row)
        for prop_name, rows in by_prop.items():
            prop = rt.props[prop_name]
            start, end = prop.ends(rt.labels[0], run.schema.target_label(prop))
            template = "merge-role-links" if prop.type == "roles" else "merge-links"
            run.write(fill(template, start=start, end=end, type=str(prop.relationship)), rows)
        if run.progress:
            run.progress(len(run.plan.changed[name]))


def _write_derived(run: _Run, report: IngestReport) -> None:
    """Phase 3: shortcuts derived from changed events, each keyed by its event id."""
    events = run.plan.changed.get("Event", set())
    stale = [{"id": i} for i in sorted(events & run.plan.existing)]
    run.write(fill("clear-derived", types=run.derived_types), stale)
    by_type: dict[str, Rows] = defaultdict(list)
    for sc, row in shortcut_rows(run.schema, run.dataset, events):
        by_type[sc.type].append(row)
    for rel, rows in by_type.items():
        run.write(fill("merge-derived", type=rel), rows)
        report.shortcuts += len(rows)


def _write_hashes(run: _Run) -> None:
    """Phase 4, last: a run killed before this point is redone by the next run."""
    for name, rt in run.schema.types.items():
        rows = [{"id": loc.id, "hash": run.plan.hashes[loc.id]} for loc in run.changed(name)]
        run.write(fill("set-content-hashes", label=rt.labels[0]), rows, count=True)


def _prune(run: _Run, report: IngestReport) -> None:
    """Delete records no longer in the input, and the shortcuts their events derived."""
    removed_events = [{"id": i} for i in report.types.get("Event", TypeCounts()).removed]
    run.write(fill("clear-derived", types=run.derived_types), removed_events)
    for name, rt in run.schema.types.items():
        counts = report.types[name]
        run.write(fill("delete-records", label=rt.labels[0]), [{"id": i} for i in counts.removed])
        counts.pruned = len(counts.removed)


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
    if the_plan.writes(prune):
        mark_writing(db)  # readers must not cache answers from a half-written graph
    if on_total:
        on_total(sum(len(v) for v in the_plan.changed.values()) * 3)
    run = _Run(db, schema, dataset, the_plan, batch_size, progress)
    report = the_plan.report
    _write_nodes(run)
    _write_links(run)
    _write_derived(run, report)
    _write_hashes(run)
    if prune:
        _prune(run, report)
    report.revision = write_revision(db, the_plan.hashes_after(prune))
    return report

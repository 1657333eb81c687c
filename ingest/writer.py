"""Write a validated dataset: batched, idempotent UNWIND ... MERGE transactions, with revisions.

A whole ingest writes in batches, one transaction each; a small change (an accepted proposal,
an as-recorded view) runs the same phases inside one transaction the caller holds.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from neo4j import ManagedTransaction

from govgraph.core.cypher import fill, text
from govgraph.graph.db import Database
from govgraph.graph.history import (
    Revision,
    changed_fields,
    next_seqs,
    utc_now,
    write_revisions,
)
from govgraph.graph.revision import mark_writing, write_revision
from govgraph.graph.schema import (
    RECORD_LABEL,
    RecordType,
    Schema,
    constraint_statements,
    load_schema,
    statement_name,
)
from govgraph.ingest.plan import IngestReport, Plan, TypeCounts, plan, record_hash
from govgraph.ingest.rows import node_props, ref_rows, shortcut_rows
from govgraph.ingest.validate import CURATED, Dataset

__all__ = ["IngestReport", "Plan", "TypeCounts", "ensure_schema", "ingest", "plan", "record_hash"]

T = TypeVar("T")
Progress = Callable[[int], None]
Rows = list[dict[str, Any]]


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


@dataclass(frozen=True)
class Stamp:
    """Who writes, when and why: what every revision of one write says."""

    by: str
    why: str
    at: datetime = field(default_factory=utc_now)
    source: str | None = None
    proposal: str | None = None
    edited: str | None = None  # set by app edits: a later ingest reports rather than overwrites
    # A dataset's new record entered the record on its recorded_at day, not when this graph
    # loaded it, so a fresh install answers as_recorded for the days the dataset knows.
    date_creates: bool = False


@dataclass
class _Run:
    """One write's inputs, shared by its phases."""

    db: Any  # the Database; None for a small change, which only uses its transaction
    schema: Schema
    dataset: Dataset
    plan: Plan
    batch_size: int
    progress: Progress | None
    stamp: Stamp
    tx: ManagedTransaction | None = None  # a small change: every phase in this one transaction
    befores: dict[str, dict[str, Any] | None] = field(default_factory=dict)
    restored: set[str] = field(default_factory=set)  # retracted ids this write brings back

    def write(self, cypher: str, rows: Rows, count: bool = False, **params: Any) -> None:
        """Run `cypher` over `rows`: in batches of one transaction each, or in the caller's."""
        if self.tx is not None:
            if rows:
                self.tx.run(cypher, rows=rows, **params).consume()
            return
        for chunk in batches(rows, self.batch_size):

            def work(tx: ManagedTransaction, chunk: Rows = chunk) -> None:
                tx.run(cypher, rows=chunk, **params).consume()

            self.db.write(work)
            if count and self.progress:
                self.progress(len(chunk))

    def transact(self, fn: Callable[[ManagedTransaction], None]) -> None:
        """Run fn in the caller's transaction, or in a write transaction of its own."""
        if self.tx is not None:
            fn(self.tx)
        else:
            self.db.write(fn)

    def changed(self, name: str) -> Iterator[Any]:
        """The located records of a type that this run writes."""
        ids = self.plan.changed[name]
        return (loc for loc in self.dataset.of(name) if loc.id in ids)

    @property
    def derived_types(self) -> str:
        return "|".join(sorted({s.type for s in self.schema.shortcuts}))


def read_current(run_or_tx: Any, ids: list[str]) -> list[dict[str, Any]]:
    """records-current rows (stored JSON, rev, labels, retracted) for some ids."""
    if isinstance(run_or_tx, Database):
        return run_or_tx.rows(text("records-current"), {"ids": ids})
    return [r.data() for r in run_or_tx.run(text("records-current"), ids=ids)]


def _read_befores(run: _Run) -> None:
    """Phase 0: the stored state of every record the run changes (for its revision)."""
    ids = sorted(i for ids in run.plan.changed.values() for i in ids)
    for chunk in batches(ids, run.batch_size):
        for row in read_current(run.tx or run.db, chunk):
            if row["retracted"]:
                run.restored.add(row["id"])
                labels = [lab for lab in row["labels"] if lab != "Retracted"]
                run.befores[row["id"]] = None
                run.write(text("restore-retracted"), [{"id": row["id"], "labels": labels}])
            else:
                run.befores[row["id"]] = json.loads(row["record"]) if row["record"] else None


def _write_nodes(run: _Run) -> None:
    """Phase 1: properties and labels (SET n = props also clears the old hash)."""
    for name, rt in run.schema.types.items():
        rows = []
        for loc in run.changed(name):
            labels = rt.labels_for(getattr(loc.record, "kind", None))
            props = node_props(rt, loc, run.dataset.origin)
            props["rev"] = run.plan.revs.get(loc.id, 0)  # the new number is set with the hash
            rows.append(
                {
                    "id": loc.id,
                    "props": props,
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


def _revision(run: _Run, seq: int, type_name: str, rid: str, after: dict[str, Any]) -> Revision:
    before = run.befores.get(rid)
    op = "restore" if rid in run.restored else ("update" if rid in run.plan.existing else "create")
    at = run.stamp.at
    if op == "create" and run.stamp.date_creates and after.get("recorded_at"):
        day = date.fromisoformat(str(after["recorded_at"])[:10])
        at = min(at, datetime(day.year, day.month, day.day, tzinfo=UTC))
    return Revision(
        seq=seq,
        id=f"rev:{seq}",
        record_id=rid,
        record_type=type_name,
        rev=run.plan.revs.get(rid, 0) + 1,
        op=op,
        at=at,
        by=run.stamp.by,
        why=run.stamp.why,
        source=run.stamp.source,
        proposal=run.stamp.proposal,
        before=before,
        after=after,
        fields=changed_fields(before, after),
    )


def _write_hashes(run: _Run, report: IngestReport) -> list[Revision]:
    """Phase 4, last: hashes, revision numbers and revisions together, per transaction.

    A run killed before this point is redone by the next run, and writes each revision once.
    """
    written: list[Revision] = []
    for name, rt in run.schema.types.items():
        locs = list(run.changed(name))
        for chunk in batches(locs, run.batch_size):

            def work(tx: ManagedTransaction, chunk: list[Any] = chunk, rt: RecordType = rt) -> None:
                seqs = next_seqs(tx, len(chunk))  # the counter first, as every writer does
                hashes = [{"id": loc.id, "hash": run.plan.hashes[loc.id]} for loc in chunk]
                tx.run(fill("set-content-hashes", label=rt.labels[0]), rows=hashes).consume()
                revisions = [
                    _revision(run, seq, rt.name, loc.id, loc.record.dump())
                    for seq, loc in zip(seqs, chunk, strict=True)
                ]
                revs = [
                    {"id": r.record_id, "rev": r.rev, "edited": run.stamp.edited} for r in revisions
                ]
                tx.run(fill("set-revs", label=rt.labels[0]), rows=revs).consume()
                write_revisions(tx, revisions)
                written[:] = [*written, *revisions]

            run.transact(work)
            if run.progress and run.tx is None:
                run.progress(len(chunk))
    report.revisions += len(written)
    return written


def retract_in(
    tx: ManagedTransaction, schema: Schema, stamp: Stamp, rows: list[dict[str, Any]]
) -> list[Revision]:
    """Retract records in one transaction: rows are records-current rows of live records."""
    if not rows:
        return []
    events = [{"id": r["id"]} for r in rows if schema.types["Event"].labels[0] in r["labels"]]
    derived = "|".join(sorted({s.type for s in schema.shortcuts}))
    tx.run(fill("clear-derived", types=derived), rows=events).consume()
    seqs = next_seqs(tx, len(rows))
    revisions = []
    for seq, row in zip(seqs, rows, strict=True):
        before = json.loads(row["record"]) if row["record"] else None
        type_name = next(
            (n for n, rt in schema.types.items() if rt.labels[0] in row["labels"]), "Record"
        )
        revisions.append(
            Revision(
                seq=seq,
                id=f"rev:{seq}",
                record_id=row["id"],
                record_type=type_name,
                rev=int(row["rev"] or 0) + 1,
                op="retract",
                at=stamp.at,
                by=stamp.by,
                why=stamp.why,
                source=stamp.source,
                proposal=stamp.proposal,
                before=before,
                after=None,
                fields=changed_fields(before, None),
            )
        )
    retracted = [
        {
            "id": r.record_id,
            "at": r.at.isoformat(),
            "by": r.by,
            "why": r.why,
            "rev": r.rev,
            "edited": stamp.edited,
        }
        for r in revisions
    ]
    tx.run(text("retract-records"), rows=retracted).consume()
    write_revisions(tx, revisions)
    return revisions


def _prune(run: _Run, report: IngestReport) -> None:
    """Retract records no longer in the input (their history keeps them)."""
    ids = sorted(i for c in report.types.values() for i in c.removed)
    for chunk in batches(ids, run.batch_size):
        rows = [r for r in read_current(run.db, chunk) if not r["retracted"]]

        def work(tx: ManagedTransaction, rows: list[dict[str, Any]] = rows) -> None:
            retract_in(tx, run.schema, run.stamp, rows)

        run.db.write(work)
        report.revisions += len(rows)
    for counts in report.types.values():
        counts.pruned = len(counts.removed)


def _stamp_for(dataset: Dataset) -> Stamp:
    if dataset.origin == CURATED:
        files = len(dataset.files)
        return Stamp(by="ingest", why=f"ingest of the dataset ({files} file(s))", date_creates=True)
    source = dataset.origin.removeprefix("import:")
    return Stamp(by=dataset.origin, why=f"import from {source}", date_creates=True)


def ingest(
    db: Database,
    dataset: Dataset,
    *,
    prune: bool = False,
    batch_size: int = 5000,
    progress: Progress | None = None,
    on_total: Callable[[int], None] | None = None,
) -> IngestReport:
    """Write every changed record, its relationships, derived shortcuts and revisions."""
    schema = load_schema()
    ensure_schema(db, schema)
    the_plan = plan(db, dataset, schema)
    if the_plan.writes(prune):
        mark_writing(db)  # readers must not cache answers from a half-written graph
    if on_total:
        on_total(sum(len(v) for v in the_plan.changed.values()) * 3)
    run = _Run(db, schema, dataset, the_plan, batch_size, progress, _stamp_for(dataset))
    report = the_plan.report
    _read_befores(run)
    _write_nodes(run)
    _write_links(run)
    _write_derived(run, report)
    _write_hashes(run, report)
    run.write(text("clear-edited"), [{"id": i} for i in the_plan.synced])
    if prune:
        _prune(run, report)
    report.revision = write_revision(db, the_plan.hashes_after(prune))
    return report


def write_in(
    tx: ManagedTransaction, schema: Schema, dataset: Dataset, the_plan: Plan, stamp: Stamp
) -> list[Revision]:
    """A small change: every phase of an ingest, in the caller's one transaction."""
    run = _Run(None, schema, dataset, the_plan, 10**9, None, stamp, tx=tx)
    _read_befores(run)
    _write_nodes(run)
    _write_links(run)
    _write_derived(run, the_plan.report)
    return _write_hashes(run, the_plan.report)


def undo_in(
    tx: ManagedTransaction, schema: Schema, dataset: Dataset, the_plan: Plan, stamp: Stamp
) -> None:
    """Earlier states written back for an as-recorded view: no hashes, no revisions."""
    run = _Run(None, schema, dataset, the_plan, 10**9, None, stamp, tx=tx)
    _read_befores(run)
    _write_nodes(run)
    _write_links(run)
    _write_derived(run, the_plan.report)

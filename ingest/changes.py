"""Small changes made in the app: new records, corrections and retractions, one transaction each.

A change is validated like data/ (the same models and cross-checks, references resolved against
the graph), checked against the revision it was made from, and written through the ingest's
phases in the caller's one transaction, with its revision. Nothing else of the graph is read.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from neo4j import ManagedTransaction
from pydantic import ValidationError

from govgraph.core.cypher import text
from govgraph.core.errors import Conflict, NotFound, ValidationFailed
from govgraph.core.values import content_hash
from govgraph.graph.db import Database
from govgraph.graph.history import Revision, changed_fields, history_in, next_seqs, utc_now
from govgraph.graph.models import record_models
from govgraph.graph.schema import Schema, load_schema
from govgraph.ingest.plan import IngestReport, Plan, record_hash
from govgraph.ingest.validate import CURATED, Dataset, Located, cross_checks, pydantic_problems
from govgraph.ingest.writer import Stamp, read_current, retract_in, write_in

Also = Callable[[ManagedTransaction, list[Revision]], None]
MAX_CHANGES = 100


@dataclass(frozen=True)
class Change:
    """One record to write: new (base_rev None) or a correction made from revision base_rev."""

    type: str
    record: dict[str, Any]
    base_rev: int | None = None


@dataclass(frozen=True)
class Current:
    """A record as the graph holds it now."""

    type: str
    record: dict[str, Any]
    rev: int
    retracted: bool


def type_of(schema: Schema, labels: list[str]) -> str | None:
    """The record type a node's labels say."""
    return next((n for n, rt in schema.types.items() if rt.labels[0] in labels), None)


def _current(schema: Schema, row: dict[str, Any]) -> Current:
    labels = row["labels"] if not row["retracted"] else row.get("labels", [])
    record = json.loads(row["record"]) if row["record"] else {"id": row["id"]}
    type_name = type_of(schema, labels) or _type_from_id(schema, row["id"])
    return Current(type_name, record, int(row["rev"] or 0), bool(row["retracted"]))


def _type_from_id(schema: Schema, rid: str) -> str:
    """A retracted node keeps no type label: its kind prefix says the type."""
    prefix = rid.split(":", 1)[0]
    for name, rt in schema.types.items():
        if prefix == name.lower() or any(k.prefix == prefix for k in rt.kinds.values()):
            return name
    return "Record"


def current_record(db: Database, record_id: str) -> Current | None:
    """The record as stored now (live or retracted), in dataset format, with its revision."""
    rows = read_current(db, [record_id])
    return _current(load_schema(), rows[0]) if rows else None


@dataclass
class _Prepared:
    dataset: Dataset
    plan: Plan


def _validate(schema: Schema, changes: list[Change]) -> tuple[Dataset, list[str]]:
    """Each record against its model; problems name the change and the field."""
    problems: list[str] = []
    dataset = Dataset(origin=CURATED)
    models = record_models()
    if not changes:
        problems.append("no change given. Fix: send at least one record.")
    if len(changes) > MAX_CHANGES:
        problems.append(f"{len(changes)} changes at once. Fix: send at most {MAX_CHANGES}.")
        return dataset, problems
    seen: set[str] = set()
    for i, change in enumerate(changes):
        rid = change.record.get("id") if isinstance(change.record, dict) else None
        where = f"change {i + 1}" + (f": {rid}" if isinstance(rid, str) else "")
        if change.type not in schema.types:
            problems.append(
                f"{where}: unknown record type '{str(change.type)[:40]}'. "
                f"Fix: use one of {', '.join(schema.types)}."
            )
            continue
        if not isinstance(change.record, dict):
            problems.append(f"{where}: a record must be a mapping of fields. Fix: send an object.")
            continue
        try:
            record = models[change.type].model_validate(change.record)
        except ValidationError as exc:
            problems.extend(pydantic_problems(where, exc))
            continue
        loc = Located(change.type, record, where, 0)
        if loc.id in seen:
            problems.append(f"{where}: the same id twice. Fix: send each record once.")
            continue
        seen.add(loc.id)
        dataset.records.setdefault(change.type, []).append(loc)
    return dataset, problems


def _known(run: Any, schema: Schema, dataset: Dataset) -> dict[str, str]:
    """Types of the live records the changes refer to (and nothing else of the graph)."""
    refs: set[str] = set()
    for name, rt in schema.types.items():
        for loc in dataset.of(name):
            for prop in rt.props.values():
                value = getattr(loc.record, prop.name, None)
                if not value or prop.type not in {"ref", "ref_list", "roles"}:
                    continue
                if prop.type == "ref":
                    refs.add(value)
                elif prop.type == "ref_list":
                    refs.update(value)
                else:
                    refs.update(getattr(v, "actor", None) or v.id for v in value)
    refs -= dataset.ids()
    rows = run.run(text("record-types"), ids=sorted(refs)).data() if refs else []
    return {r["id"]: t for r in rows if (t := type_of(schema, r["labels"]))}


def _merge(
    tx: ManagedTransaction, change: Change, now: Current
) -> tuple[dict[str, Any], int | None]:
    """The record to write: the change itself, or, when the record moved on since base_rev in
    other fields only, the current record with this change's fields applied."""
    assert change.base_rev is not None
    if now.rev == change.base_rev:
        return change.record, None
    later = [r for r in history_in(tx, now.record.get("id", ""), 1000) if r.rev > change.base_rev]
    base = next((r.before for r in later if r.rev == change.base_rev + 1), None)
    if base is None or change.base_rev > now.rev:
        return change.record, now.rev  # no usable base: any later change conflicts
    mine = set(changed_fields(base, change.record))
    theirs = {f for r in later for f in r.fields}
    if mine & theirs:
        return change.record, now.rev
    merged = {**now.record, **{f: change.record[f] for f in mine if f in change.record}}
    for f in mine - set(change.record):
        merged.pop(f, None)
    return merged, None


def _prepare(tx: ManagedTransaction, schema: Schema, changes: list[Change]) -> _Prepared:
    """Validate, check revisions and build the plan, reading only the records involved."""
    ids = [c.record.get("id") for c in changes if isinstance(c.record, dict)]
    rows = {r["id"]: r for r in read_current(tx, [i for i in ids if isinstance(i, str)])}
    resolved: list[Change] = []
    for change in changes:
        rid = change.record.get("id") if isinstance(change.record, dict) else None
        row = rows.get(rid) if isinstance(rid, str) else None
        if change.base_rev is None:
            if row is not None:
                now = _current(schema, row)
                if now.retracted:
                    raise Conflict(
                        f"'{rid}' belongs to a retracted record (revision {now.rev}); its history "
                        "keeps the id.",
                        record_id=str(rid),
                        current_revision=now.rev,
                        fix="choose another id for the new record.",
                    )
                raise Conflict(
                    f"'{rid}' is already a record (revision {now.rev}).",
                    record_id=str(rid),
                    current_revision=now.rev,
                    fix="propose a correction of it instead, or choose another id.",
                )
            resolved.append(change)
            continue
        if row is None:
            raise NotFound(
                f"No record '{str(rid)[:100]}' to correct.", fix="propose it as a new record."
            )
        now = _current(schema, row)
        record, conflict_rev = _merge(tx, change, now)
        if conflict_rev is not None:
            raise Conflict(
                f"'{rid}' changed since revision {change.base_rev} in a field this change also "
                f"changes; it is now at revision {conflict_rev}.",
                record_id=str(rid),
                current_revision=conflict_rev,
                fix="review the current record and its history, then propose again from it.",
            )
        resolved.append(Change(change.type, record, change.base_rev))
    dataset, problems = _validate(schema, resolved)
    if not problems:
        known = _known(tx, schema, dataset)
        problems += cross_checks(schema, dataset, date.today(), known)
    if problems:
        raise ValidationFailed(problems, what="the change")
    the_plan = Plan(IngestReport(), {n: set() for n in schema.types}, set(), {}, {})
    for name in schema.types:
        for loc in dataset.of(name):
            the_plan.changed[name].add(loc.id)
            the_plan.hashes[loc.id] = record_hash(loc, CURATED)
            row = rows.get(loc.id)
            if row is not None:
                the_plan.revs[loc.id] = int(row["rev"] or 0)
                if not row["retracted"]:
                    the_plan.existing.add(loc.id)
    return _Prepared(dataset, the_plan)


def _bump_cache_revision(tx: ManagedTransaction, seq: int) -> None:
    """A new graph revision (readers' caches key on it) without hashing the whole graph."""
    row = tx.run(text("revision-get"), key="revision").single()
    old = row["v"] if row else ""
    value = content_hash({"after": old, "seq": seq})[:16]
    tx.run(text("revision-set"), key="revision", value=value).consume()


def check_changes(db: Database, changes: list[Change]) -> None:
    """Validate changes exactly as apply_changes would; write nothing."""
    schema = load_schema()
    db.read(lambda tx: _prepare(tx, schema, changes))


def apply_changes(
    db: Database,
    changes: list[Change],
    *,
    by: str,
    why: str,
    source: str | None,
    proposal: str | None = None,
    also: Also | None = None,
) -> list[Revision]:
    """Validate and write changes, with their revisions, in one transaction."""
    schema = load_schema()
    at = utc_now()
    edited = f"{by} on {at:%Y-%m-%d}" + (f", {proposal}" if proposal else "")
    stamp = Stamp(by=by, why=why, at=at, source=source, proposal=proposal, edited=edited)

    def work(tx: ManagedTransaction) -> list[Revision]:
        next_seqs(tx, 0)  # lock the counter: concurrent changes queue here, then see ours
        prepared = _prepare(tx, schema, changes)
        revisions = write_in(tx, schema, prepared.dataset, prepared.plan, stamp)
        _bump_cache_revision(tx, revisions[-1].seq)
        if also:
            also(tx, revisions)
        return revisions

    return db.write(work)


def retract(
    db: Database,
    record_id: str,
    *,
    by: str,
    why: str,
    base_rev: int | None = None,
    also: Also | None = None,
) -> Revision:
    """Take a record out of answers, with a reason; its history keeps every state."""
    schema = load_schema()
    if not why or not why.strip():
        raise ValidationFailed(["reason: empty. Fix: say why the record is retracted."])
    stamp = Stamp(by=by, why=why.strip(), at=utc_now(), edited=f"{by} (retracted)")

    def work(tx: ManagedTransaction) -> Revision:
        next_seqs(tx, 0)
        rows = read_current(tx, [record_id])
        if not rows:
            raise NotFound(f"No record '{record_id[:100]}'.", fix="check the id.")
        now = _current(schema, rows[0])
        if now.retracted:
            raise Conflict(
                f"'{record_id}' is already retracted.",
                record_id=record_id,
                current_revision=now.rev,
                fix="nothing to do; its history shows the retraction.",
            )
        if base_rev is not None and base_rev != now.rev:
            raise Conflict(
                f"'{record_id}' changed since revision {base_rev}; it is at {now.rev}.",
                record_id=record_id,
                current_revision=now.rev,
                fix="review its history, then retract it from the current revision.",
            )
        reverse = sorted(
            {str(p.relationship) for rt in schema.types.values() for p in rt.props.values()
             if p.relationship and p.reverse}
        )  # fmt: skip
        found = tx.run(text("record-referrers"), id=record_id, reverse=reverse)
        referrers = [r.data() for r in found]
        if referrers:
            names = ", ".join(sorted({r["id"] for r in referrers}))
            raise Conflict(
                f"'{record_id}' is still referred to by {names}.",
                record_id=record_id,
                current_revision=now.rev,
                fix="retract or correct those records first.",
            )
        revisions = retract_in(tx, schema, stamp, rows)
        _bump_cache_revision(tx, revisions[-1].seq)
        if also:
            also(tx, revisions)
        return revisions[0]

    return db.write(work)

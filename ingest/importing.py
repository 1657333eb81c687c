"""The shared import path: validate a whole batch, match it, write what is new through ingest."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import ValidationError

from govgraph.core.cypher import text
from govgraph.core.errors import ValidationFailed
from govgraph.graph.dates import parse_fuzzy
from govgraph.graph.db import Database
from govgraph.graph.models import record_models
from govgraph.graph.schema import Schema, load_schema
from govgraph.ingest.batch import ImportBatch, ImportItem
from govgraph.ingest.matching import Found, Matches, match, normalise
from govgraph.ingest.validate import Dataset, Located, cross_checks, pydantic_problems
from govgraph.ingest.writer import IngestReport, ensure_schema, ingest, plan

Progress = Callable[[int], None]


@dataclass(frozen=True)
class Disagreement:
    """A field where an imported source states another value than the graph's record."""

    record: str
    field: str
    ours: str
    theirs: str
    source: str


@dataclass
class ImportReport:
    """What an import did, or would do (dry run)."""

    source: str
    origin: str
    dry_run: bool
    ingest: IngestReport
    matched: list[Found] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)  # items not written (no match, no --create)
    disagreements: list[Disagreement] = field(default_factory=list)
    external_ids: int = 0  # crosswalk entries created
    claims: int = 0  # claims created
    notes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> int:
        return self.ingest.changed + self.external_ids + self.claims


def _ref_fields(schema: Schema) -> dict[str, dict[str, str]]:
    """Per type: field -> its reference type (ref, ref_list, roles)."""
    return {
        name: {p.name: p.type for p in rt.props.values() if p.type in {"ref", "ref_list", "roles"}}
        for name, rt in schema.types.items()
    }


def remap(record: dict[str, Any], fields: dict[str, str], ids: dict[str, str]) -> dict[str, Any]:
    """The record with its id and every reference moved to the records they matched."""
    out = dict(record)
    out["id"] = ids.get(record["id"], record["id"])
    for name, kind in fields.items():
        value = out.get(name)
        if not value:
            continue
        if kind == "ref" and isinstance(value, str):
            out[name] = ids.get(value, value)
        elif kind == "ref_list" and isinstance(value, list):
            out[name] = list(dict.fromkeys(ids.get(v, v) for v in value))
        elif kind == "roles" and isinstance(value, list):
            moved = []
            for link in value:
                if isinstance(link, dict):
                    key = "actor" if "actor" in link else "id"
                    ref = link.get(key)
                    link = {**link, key: ids.get(ref, ref) if isinstance(ref, str) else ref}
                moved.append(link)
            out[name] = moved
    return out


def _display(value: Any) -> str:
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return "" if value is None else str(value)


def _differs(field_name: str, current: dict[str, Any], theirs: Any) -> bool:
    """True when the source's value is not the record's (a name that is an alias agrees)."""
    ours = current.get(field_name)
    if theirs in (None, "", []):
        return False
    if field_name in {"name", "title"}:
        known = [ours, *(current.get("aliases") or [])] if field_name == "name" else [ours]
        return normalise(str(theirs)) not in {normalise(str(k or "")) for k in known}
    if field_name in {"date", "published"}:
        a, b = parse_fuzzy(str(ours)) if ours else None, parse_fuzzy(str(theirs))
        return a is None or (a.earliest, a.latest) != (b.earliest, b.latest)
    return _display(ours) != _display(theirs)


@dataclass
class _Import:
    db: Database
    schema: Schema
    batch: ImportBatch
    today: date
    create: bool

    def __post_init__(self) -> None:
        self.origin = f"import:{self.batch.source}"
        self.fields = _ref_fields(self.schema)
        self.models = record_models()

    def prepare(self) -> tuple[Matches, Dataset, list[ImportItem], list[str]]:
        """Match, remap and validate every item; raise listing every problem."""
        if self.batch.problems:
            raise ValidationFailed(self.batch.problems, what=f"{self.batch.source} input")
        matches = match(self.db, self.schema, self.batch)
        ids = matches.mapping()
        dataset = Dataset(files=[self.batch.source], origin=self.origin)
        problems: list[str] = []
        written: list[ImportItem] = []
        dropped: list[str] = []
        seen: dict[str, str] = {}
        for item in self.batch.items:
            if item.type not in self.schema.types:
                problems.append(f"{item.where}: unknown record type '{item.type}'.")
                continue
            pid = item.record.get("id")
            found = matches.found.get(str(pid))
            if found is not None and found.origin != self.origin:
                continue  # someone else's record: crosswalk and claims only, never overwritten
            if found is None and not self.create and item.type != "Source":
                dropped.append(item.where)
                continue
            raw = remap(item.record, self.fields[item.type], ids)
            try:
                record = self.models[item.type].model_validate(raw)
            except ValidationError as exc:
                problems.extend(pydantic_problems(item.where, exc))
                continue
            loc = Located(item.type, record, item.where, 0)
            if loc.id in seen:
                problems.append(
                    f"{item.where}: the same record as {seen[loc.id]} ({loc.id}). "
                    "Fix: the importer must emit each record once."
                )
                continue
            seen[loc.id] = item.where
            dataset.records.setdefault(item.type, []).append(loc)
            written.append(item)
        problems += cross_checks(self.schema, dataset, self.today, self._known(dataset))
        if problems:
            raise ValidationFailed(problems, what=f"{self.batch.source} input")
        return matches, dataset, written, dropped

    def _known(self, dataset: Dataset) -> dict[str, str]:
        """Graph records the dataset refers to, with their type, for reference checks."""
        refs: set[str] = set()
        for name in self.schema.types:
            for loc in dataset.of(name):
                rec = loc.record.dump()
                for fname, kind in self.fields[name].items():
                    value = rec.get(fname)
                    if kind == "ref" and value:
                        refs.add(value)
                    elif kind == "ref_list":
                        refs |= set(value or [])
                    elif kind == "roles":
                        refs |= {v.get("actor") or v.get("id") for v in value or []}
        refs -= dataset.ids()
        labels = {rt.labels[0]: name for name, rt in self.schema.types.items()}
        rows = self.db.rows(text("match-records"), {"ids": sorted(refs), "types": list(labels)})
        return {r["id"]: labels[r["type"]] for r in rows if r["type"] in labels}

    def disagreements(self, matches: Matches) -> tuple[list[Disagreement], list[dict[str, Any]]]:
        """Compared fields that differ from the graph's record, and every claim row to write."""
        ids = matches.mapping()
        out: list[Disagreement] = []
        rows: list[dict[str, Any]] = []
        for item in self.batch.items:
            pid = str(item.record.get("id"))
            found = matches.found.get(pid)
            record_id = found.id if found else pid
            sources = [ids.get(s, s) for s in item.record.get("sources") or []]
            if not sources:
                continue
            facts: dict[str, Any] = dict(item.claims)
            if found is not None and found.origin != self.origin:
                current = matches.current.get(found.id, {})
                for name in item.compare:
                    theirs = item.record.get(name)
                    if _differs(name, current, theirs):
                        facts[name] = theirs
                        out.append(
                            Disagreement(
                                found.id,
                                name,
                                _display(current.get(name)),
                                _display(theirs),
                                sources[0],
                            )
                        )
            for name, value in facts.items():
                rows.append(
                    {
                        "key": f"claim:{record_id}|{name}|{sources[0]}",
                        "record": record_id,
                        "source": sources[0],
                        "field": name,
                        "value": _display(value),
                        "origin": self.origin,
                        "recorded_at": self.today.isoformat(),
                    }
                )
        return out, rows

    def crosswalk(self, matches: Matches) -> list[dict[str, Any]]:
        ids = matches.mapping()
        rows = []
        for item in self.batch.items:
            pid = str(item.record.get("id"))
            for ref in item.refs:
                rows.append(
                    {
                        "key": ref.key,
                        "scheme": ref.scheme,
                        "value": ref.value,
                        "url": ref.url,
                        "record": ids.get(pid, pid),
                        "origin": self.origin,
                        "recorded_at": self.today.isoformat(),
                    }
                )
        return rows


def _write_rows(db: Database, name: str, rows: list[dict[str, Any]], size: int) -> int:
    """Write provenance rows in batches; the number of nodes created."""
    created = 0
    for i in range(0, len(rows), size):
        chunk = rows[i : i + size]
        summary = db.write(lambda tx, c=chunk: tx.run(text(name), rows=c).consume())
        created += summary.counters.nodes_created
    return created


def run_import(
    db: Database,
    batch: ImportBatch,
    *,
    today: date | None = None,
    dry_run: bool = False,
    create: bool = True,
    batch_size: int = 5000,
    progress: Progress | None = None,
    on_total: Callable[[int], None] | None = None,
) -> ImportReport:
    """Validate the whole batch, match it to the graph, write what is new; curated facts win."""
    schema = load_schema()
    ensure_schema(db, schema)
    job = _Import(db, schema, batch, today or date.today(), create)
    matches, dataset, _written, dropped = job.prepare()
    disagreements, claim_rows = job.disagreements(matches)
    walk_rows = job.crosswalk(matches)
    others = [f for f in matches.found.values() if f.origin != job.origin]
    notes = [*batch.notes, *matches.ambiguous]
    if dry_run:
        report = ImportReport(batch.source, job.origin, True, plan(db, dataset, schema).report)
    else:
        written = ingest(db, dataset, batch_size=batch_size, progress=progress, on_total=on_total)
        report = ImportReport(batch.source, job.origin, False, written)
        report.external_ids = _write_rows(db, "write-external-ids", walk_rows, batch_size)
        report.claims = _write_rows(db, "write-claims", claim_rows, batch_size)
    report.matched, report.dropped = others, dropped
    report.disagreements, report.notes = disagreements, notes
    return report

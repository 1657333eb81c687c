"""What an ingest will do: each record created, updated, unchanged, removed or in conflict."""

from __future__ import annotations

from dataclasses import dataclass, field

from govgraph.core.cypher import fill, text
from govgraph.core.values import content_hash
from govgraph.graph.db import Database
from govgraph.graph.schema import RecordType, Schema
from govgraph.ingest.validate import CURATED, Dataset, Located


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
    """Counts per record type, derived relationships written, revisions and conflicts."""

    types: dict[str, TypeCounts] = field(default_factory=dict)
    shortcuts: int = 0
    revision: str | None = None
    revisions: int = 0
    # Records changed in the app (an accepted proposal, a retraction) since the input was
    # last written: the input does not overwrite them; each message says where and what to do.
    conflicts: list[str] = field(default_factory=list)

    @property
    def changed(self) -> int:
        return sum(c.created + c.updated + c.pruned for c in self.types.values())


@dataclass(frozen=True)
class Stored:
    """What the graph holds about one record before the ingest."""

    hash: str | None
    origin: str
    rev: int
    edited: str | None


def existing(db: Database, rt: RecordType) -> dict[str, Stored]:
    """Every node of a record type: content hash, origin, revision number, last app edit."""
    rows = db.rows(fill("content-hashes", label=rt.labels[0]))
    return {
        r["id"]: Stored(r["h"], r["origin"] or CURATED, int(r["rev"] or 0), r["edited"])
        for r in rows
    }


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
    revs: dict[str, int] = field(default_factory=dict)  # revision number of existing records
    synced: list[str] = field(default_factory=list)  # app edits the input now matches

    def writes(self, prune: bool) -> bool:
        """True when the run will change the graph."""
        removed = prune and any(c.removed for c in self.report.types.values())
        return any(self.changed.values()) or removed or bool(self.synced)

    def hashes_after(self, prune: bool) -> dict[str, str]:
        """Every record's content hash once the run is done (for the graph revision)."""
        after = {i: h for i, h in self.before.items() if h is not None}
        after.update({i: self.hashes[i] for ids in self.changed.values() for i in ids})
        if prune:
            for counts in self.report.types.values():
                for gone in counts.removed:
                    after.pop(gone, None)
        return after


def _conflict(loc: Located, stored: Stored, what: str) -> str:
    return (
        f"{loc.place}: {what}; it was changed in the app ({stored.edited}) after "
        "this input was last written, so it was left as the app has it. Fix: run "
        "`govgraph export --changes` to write the app's changes back into data/, review and "
        "commit them, then ingest again."
    )


def _retracted_in_app(db: Database, dataset: Dataset) -> dict[str, str]:
    """Input ids that the app retracted (an ingest must not bring them back)."""
    ids = sorted(dataset.ids())
    rows = db.rows(text("retracted-ids"), {"ids": ids}) if ids else []
    return {r["id"]: r["edited"] for r in rows if r["edited"]}


def plan(db: Database, dataset: Dataset, schema: Schema) -> Plan:
    """Classify every record as created, updated, unchanged or in conflict; list removed ids."""
    out = Plan(IngestReport(), {}, set(), {}, {})
    held = _retracted_in_app(db, dataset)
    for name, rt in schema.types.items():
        stored = existing(db, rt)
        out.before.update({i: s.hash for i, s in stored.items()})
        out.revs.update({i: s.rev for i, s in stored.items()})
        counts = TypeCounts()
        out.changed[name] = set()
        for loc in dataset.of(name):
            h = out.hashes[loc.id] = record_hash(loc, dataset.origin)
            old = stored.get(loc.id)
            if loc.id in held:
                counts.unchanged += 1
                out.report.conflicts.append(
                    f"{loc.place}: retracted in the app ({held[loc.id]}) after this input was "
                    "last written, so it stays retracted. Fix: remove it from the input, or "
                    "propose it again in the app if the retraction was wrong."
                )
            elif old is None:
                counts.created += 1
                out.changed[name].add(loc.id)
            elif old.hash == h:
                counts.unchanged += 1
                if old.edited:
                    out.synced.append(loc.id)
            elif old.edited:
                counts.unchanged += 1
                out.report.conflicts.append(_conflict(loc, old, "differs from the graph"))
            else:
                counts.updated += 1
                out.changed[name].add(loc.id)
                out.existing.add(loc.id)
        ids = {loc.id for loc in dataset.of(name)}
        # Only records this origin wrote can be "removed": an ingest of data/ never prunes
        # what an importer added, and an import never prunes the curated records. Records
        # edited in the app are kept (and reported) rather than removed.
        gone = sorted(i for i in set(stored) - ids if stored[i].origin == dataset.origin)
        for i in gone:
            if stored[i].edited:
                out.report.conflicts.append(
                    f"{i}: not in the input but edited in the app ({stored[i].edited}); kept. "
                    "Fix: `govgraph export --changes` writes it back into data/."
                )
        counts.removed = [i for i in gone if not stored[i].edited]
        out.report.types[name] = counts
    return out

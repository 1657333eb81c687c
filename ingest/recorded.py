"""The graph as it was recorded at a moment: today's graph with later changes undone.

Inside one transaction that is never committed, every record changed after the moment is put
back as its first later revision found it (records created later are removed, retracted ones
return), through the ingest's own write phases. Queries then read that transaction, and the
rollback leaves the live graph untouched. The cost grows with the changes undone, not with the
graph: `GOVGRAPH_AS_RECORDED_MAX_CHANGES` bounds it.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from neo4j import Transaction
from pydantic import ValidationError

from govgraph.core.cypher import fill, text
from govgraph.core.errors import BadParameter, Overloaded
from govgraph.graph.db import Database
from govgraph.graph.history import iso, next_seqs
from govgraph.graph.models import record_models
from govgraph.graph.schema import Schema, load_schema
from govgraph.ingest.plan import IngestReport, Plan, record_hash
from govgraph.ingest.validate import CURATED, Dataset, Located
from govgraph.ingest.writer import Stamp, read_current, undo_in

T = TypeVar("T")
VIEWS = threading.BoundedSemaphore(1)
VIEW_WAIT_SECONDS = 5.0


@dataclass
class Reader:
    """Reads like a Database, from the graph as recorded at `at`; writes are refused."""

    db: Database
    tx: Transaction
    at: datetime

    def rows(
        self, cypher: str, params: dict[str, Any] | None = None, timeout: float | None = None
    ) -> list[dict[str, Any]]:
        """A query's records as plain dicts."""
        with self.db.errors():
            return [r.data() for r in self.tx.run(cypher, params or {})]

    def read(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run fn(tx, ...) on the recorded view."""
        with self.db.errors():
            return fn(self.tx, *args, **kwargs)

    def run(self, cypher: str, parameters: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        """Run a statement on the view, as a transaction would (for code given a transaction)."""
        return self.tx.run(cypher, parameters, **kwargs)

    def write(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        raise BadParameter(
            "as_recorded", "the graph as recorded at a past moment is read-only; drop it to write"
        )

    @property
    def as_recorded(self) -> str:
        return iso(self.at)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.db, name)  # info, public, bulkhead, failed_at ... of the database


def _undo_dataset(schema: Schema, rows: list[dict[str, Any]]) -> tuple[Dataset, list[str]]:
    """The earlier states to write back, and the ids that did not exist yet."""
    models = record_models()
    dataset = Dataset(origin=CURATED)
    absent: list[str] = []
    for row in rows:
        if row["op"] in ("create", "restore"):
            absent.append(row["id"])
            continue
        if not row["before"] or row["type"] not in schema.types:
            continue  # a state from before history was kept: it stays as it is
        try:
            record = models[row["type"]].model_validate(json.loads(row["before"]))
        except ValidationError:
            continue  # an old state today's schema refuses stays as it is now
        dataset.records.setdefault(row["type"], []).append(
            Located(row["type"], record, f"revision of {row['id']}", 0)
        )
    return dataset, absent


def _undo(tx: Any, at: datetime) -> None:
    """Put every record changed after `at` back as it was then, in this transaction."""
    schema = load_schema()
    # Writers lock the revision counter first, then records; so does a view, so the two queue
    # rather than deadlock.
    next_seqs(tx, 0)
    rows = [r.data() for r in tx.run(text("revisions-after"), at=iso(at))]
    if not rows:
        return
    dataset, absent = _undo_dataset(schema, rows)
    current = {r["id"]: r for r in read_current(tx, sorted(dataset.ids()))}
    the_plan = Plan(IngestReport(), {n: set() for n in schema.types}, set(), {}, {})
    for name in schema.types:
        for loc in dataset.of(name):
            the_plan.changed[name].add(loc.id)
            the_plan.hashes[loc.id] = record_hash(loc, CURATED)
            row = current.get(loc.id)
            if row is not None and not row["retracted"]:
                the_plan.existing.add(loc.id)
    derived = "|".join(sorted({s.type for s in schema.shortcuts}))
    tx.run(fill("clear-derived", types=derived), rows=[{"id": i} for i in absent]).consume()
    tx.run(text("drop-records"), rows=[{"id": i} for i in absent]).consume()
    undo_in(tx, schema, dataset, the_plan, Stamp(by="as_recorded", why="view"))


def parse_moment(raw: str, *, param: str = "as_recorded") -> datetime:
    """A date (the end of that day, UTC) or an ISO datetime, ASCII digits only."""
    value = raw.strip()
    if not value.isascii() or len(value) > 40:
        raise BadParameter(param, f"'{value[:40]}' is not a date or time; use YYYY-MM-DD.")
    try:
        if len(value) == 10:
            day = datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=UTC)
            moment = day.replace(hour=23, minute=59, second=59, microsecond=999999)
        else:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise BadParameter(
            param,
            f"'{value}' is not a real date or time; use YYYY-MM-DD (the end of that day, UTC) "
            "or an ISO 8601 time such as 2026-11-30T12:00:00Z.",
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    if moment.year < 1900:
        raise BadParameter(param, f"'{value}' is too early; use a date after 1900.")
    return moment.astimezone(UTC)


@contextmanager
def view(db: Database, when: datetime, *, max_changes: int = 50_000) -> Iterator[Reader]:
    """A Reader on the graph as it was recorded at `when` (rolled back when the block ends)."""
    when = when.astimezone(UTC)
    later = db.rows(text("revisions-after-count"), {"at": iso(when)})
    count = int(later[0]["n"]) if later else 0
    if count > max_changes:
        raise BadParameter(
            "as_recorded",
            f"{iso(when)} would undo {count} recorded changes; at most {max_changes} are "
            "undone for one answer: ask about a later date, or raise "
            "GOVGRAPH_AS_RECORDED_MAX_CHANGES.",
        )
    # A view holds locks on what it undoes until it ends: one at a time per process, and a
    # request that cannot have the slot soon hears 503 rather than piling up threads.
    if not VIEWS.acquire(timeout=VIEW_WAIT_SECONDS):
        raise Overloaded(
            "Answers as recorded on a past date are all busy.",
            fix="retry in a few seconds (or ask without as_recorded).",
        )
    try:
        with db.errors(), db.driver.session(database=db.info.database) as session:
            tx = session.begin_transaction()
            try:
                if count:
                    _undo(tx, when)
                yield Reader(db, tx, when)
            finally:
                tx.rollback()  # nothing of the view is ever committed
    finally:
        VIEWS.release()

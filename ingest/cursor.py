"""The resumable cursor of a live import, kept in the graph as (:ImportCursor {id: source})."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from govgraph.core.cypher import text
from govgraph.graph.db import Database


def now() -> datetime:
    """The current time in UTC, as cursors record it."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class Cursor:
    """Where a live import of one source stands: the next URL to get and the pages kept."""

    source: str
    next_url: str | None
    pages: int
    started: datetime
    updated: datetime
    finished: bool
    first_url: str | None = None  # the run's first page: a different query starts afresh


def _native(value: Any) -> datetime:
    return value.to_native() if hasattr(value, "to_native") else value


class CursorStore:
    """Reads and writes import cursors; every write is an idempotent MERGE."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def ensure(self) -> None:
        """Create the schema's constraints (the cursor's among them) if any is missing."""
        from govgraph.ingest.writer import ensure_schema

        ensure_schema(self.db)

    def get(self, source: str) -> Cursor | None:
        """The cursor of SOURCE, or None when no live import of it ever ran."""
        rows = self.db.rows(text("import-cursor-get"), {"source": source})
        if not rows:
            return None
        r = rows[0]
        return Cursor(
            source=r["source"],
            next_url=r["next_url"],
            pages=int(r["pages"] or 0),
            started=_native(r["started"]),
            updated=_native(r["updated"]),
            finished=bool(r["finished"]),
            first_url=r["first_url"],
        )

    def save(self, cursor: Cursor) -> None:
        """Write CURSOR over whatever the graph held for its source."""
        params = {
            "source": cursor.source,
            "first_url": cursor.first_url,
            "next_url": cursor.next_url,
            "pages": cursor.pages,
            "started": cursor.started,
            "updated": cursor.updated,
            "finished": cursor.finished,
        }
        self.db.write(lambda tx: tx.run(text("import-cursor-set"), params).consume())

    def finish(self, source: str) -> None:
        """Mark the live import of SOURCE complete: the next run starts from its first page."""
        cursor = self.get(source)
        if cursor is not None:
            self.save(replace(cursor, next_url=None, updated=now(), finished=True))

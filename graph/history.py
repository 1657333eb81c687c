"""The revision log: every change to a record, who made it, when, why and what changed."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from neo4j import ManagedTransaction

from govgraph.core.cypher import text
from govgraph.graph.db import Database


def utc_now() -> datetime:
    """Now, in UTC (the time every revision is stamped with)."""
    return datetime.now(UTC)


def iso(at: datetime) -> str:
    """An aware datetime as ISO 8601 with a Z."""
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z")


def canonical(record: dict[str, Any] | None) -> str | None:
    """A record's stored JSON: keys sorted, so equal records store equal text."""
    if record is None:
        return None
    return json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def changed_fields(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[str]:
    """Top-level fields whose values differ (a field present on one side only counts)."""
    a, b = before or {}, after or {}
    return sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))


@dataclass(frozen=True)
class Revision:
    """One change to one record."""

    seq: int
    id: str
    record_id: str
    record_type: str
    rev: int
    op: str
    at: datetime
    by: str
    why: str
    source: str | None
    proposal: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    fields: list[str]

    def to_json(self) -> dict[str, Any]:
        """JSON-ready, the time as ISO 8601 UTC."""
        return {
            "seq": self.seq,
            "id": self.id,
            "record_id": self.record_id,
            "record_type": self.record_type,
            "rev": self.rev,
            "op": self.op,
            "at": iso(self.at),
            "by": self.by,
            "why": self.why,
            "source": self.source,
            "proposal": self.proposal,
            "before": self.before,
            "after": self.after,
            "fields": list(self.fields),
        }

    def row(self) -> dict[str, Any]:
        """The parameters revisions-write stores."""
        return {
            **self.to_json(),
            "before": canonical(self.before),
            "after": canonical(self.after),
        }

    @classmethod
    def from_node(cls, props: dict[str, Any]) -> Revision:
        """A revision from its node's properties."""
        at = props["at"]
        at = at.to_native() if hasattr(at, "to_native") else at
        return cls(
            seq=int(props["seq"]),
            id=str(props["id"]),
            record_id=str(props["record_id"]),
            record_type=str(props["record_type"]),
            rev=int(props["rev"]),
            op=str(props["op"]),
            at=at.astimezone(UTC),
            by=str(props.get("by") or ""),
            why=str(props.get("why") or ""),
            source=props.get("source"),
            proposal=props.get("proposal"),
            before=json.loads(props["before"]) if props.get("before") else None,
            after=json.loads(props["after"]) if props.get("after") else None,
            fields=list(props.get("fields") or []),
        )


def next_seqs(tx: ManagedTransaction, n: int) -> list[int]:
    """Reserve n revision numbers; the counter stays locked until the transaction ends."""
    last = tx.run(text("counter-next"), n=n).single(strict=True)["last"]
    return list(range(last - n + 1, last + 1))


def write_revisions(tx: ManagedTransaction, revisions: list[Revision]) -> None:
    """Store revisions in the caller's transaction."""
    if revisions:
        tx.run(text("revisions-write"), rows=[r.row() for r in revisions]).consume()


def history_in(tx: ManagedTransaction, record_id: str, limit: int = 200) -> list[Revision]:
    """A record's revisions, newest first, read in the caller's transaction."""
    rows = tx.run(text("history-of"), id=record_id, limit=limit)
    return [Revision.from_node(r["r"]) for r in rows]


def history(db: Database, record_id: str, limit: int = 200) -> list[Revision]:
    """A record's revisions, newest first."""
    rows = db.rows(text("history-of"), {"id": record_id, "limit": limit})
    return [Revision.from_node(r["r"]) for r in rows]


def changes(
    db: Database,
    *,
    since_seq: int = 0,
    since_at: datetime | None = None,
    limit: int = 100,
    record_ids: list[str] | None = None,
) -> list[Revision]:
    """Revisions after a sequence number (and a time), oldest first."""
    params = {
        "since_seq": since_seq,
        "since_at": iso(since_at) if since_at else None,
        "limit": limit,
        "ids": record_ids,
    }
    return [Revision.from_node(r["r"]) for r in db.rows(text("changes-since"), params)]


def latest_seq(db: Database) -> int:
    """The newest revision number; 0 when nothing was recorded yet."""
    rows = db.rows(text("latest-seq"))
    return int(rows[0]["seq"]) if rows else 0

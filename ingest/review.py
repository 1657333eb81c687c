"""Review state: imported facts stay unreviewed until a person confirms them."""

from __future__ import annotations

from datetime import date
from typing import Any

from govgraph.core.cypher import fill, text
from govgraph.core.errors import BadParameter, NotFound
from govgraph.core.ids import check_id
from govgraph.graph.db import Database
from govgraph.graph.schema import load_schema

MAX_CONFIRM = 10_000


def unreviewed(
    db: Database, origin: str | None = None, limit: int = 100, offset: int = 0
) -> list[dict[str, Any]]:
    """Records no person has confirmed yet (imported ones), oldest first."""
    params = {"origin": origin, "limit": limit, "offset": offset}
    return db.rows(text("review-list"), params)


def confirm(db: Database, ids: list[str], by: str, on: date | None = None) -> int:
    """Mark records, and what their events derived, as reviewed by a person; count them."""
    if not ids or len(ids) > MAX_CONFIRM:
        raise BadParameter("ids", f"give between 1 and {MAX_CONFIRM} ids to confirm")
    for rid in ids:
        check_id(rid)
    if not by.strip():
        raise BadParameter("by", "must name the person who reviewed the records")
    known = {r["id"] for r in db.rows(text("match-records"), {"ids": ids, "types": []})}
    missing = [i for i in ids if i not in known]
    if missing:
        raise NotFound(
            f"No record with id {', '.join(missing[:5])}{' …' if len(missing) > 5 else ''}.",
            fix="check the ids (`govgraph review list` shows unreviewed records).",
        )
    types = "|".join(sorted({s.type for s in load_schema().shortcuts}))
    statement = fill("review-confirm", types=types)
    params = {"ids": ids, "by": by.strip()[:100], "on": (on or date.today()).isoformat()}
    rows = db.write(lambda tx: tx.run(statement, params).data())
    return int(rows[0]["confirmed"]) if rows else 0

"""Partial party lists: "39 of about 60 recorded" wherever an instrument's parties are shown."""

from __future__ import annotations

from typing import Any

from govgraph import queries
from govgraph.core.cypher import text


def expected(db: Any, target_id: str) -> str | None:
    """How many parties a source says the instrument has, when the recorded list is partial."""
    rows = db.rows(text("instrument-parties-expected"), {"id": target_id})
    value = rows[0]["parties_expected"] if rows else None
    return str(value) if value else None


def note(
    db: Any, target_id: str, recorded: int | None = None, as_of: str | None = None
) -> str | None:
    """The note "39 of about 60 recorded"; None when the list is not known to be partial."""
    wanted = expected(db, target_id)
    if wanted is None:
        return None
    if recorded is None:
        _, _, rows = queries.run(db, "parties-to", {"target": target_id, "as_of": as_of})
        recorded = len({r["actor_id"] for r in rows})
    return f"{recorded} of {wanted} recorded"

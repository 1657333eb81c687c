"""Events in date order, filtered."""

from __future__ import annotations

from datetime import date
from typing import Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from govgraph import queries
from govgraph.api.csvout import csv_response
from govgraph.api.deps import DbDep
from govgraph.api.models import EventPublic, EventsPublic
from govgraph.api.recorded import AsRecordedParam
from govgraph.core.errors import BadParameter

router = APIRouter(prefix="/api/events", tags=["events"])
KNOWN = {
    "type",
    "actor",
    "topic",
    "from",
    "to",
    "limit",
    "offset",
    "format",
    "reviewed_only",
    "encoding",
    "as_recorded",
}


@router.get("", response_model=EventsPublic)
def list_events(
    request: Request,
    db: DbDep,
    type: str | None = Query(None, max_length=50, description="An event type."),
    actor: str | None = Query(None, max_length=200, description="An actor or instrument id."),
    topic: str | None = Query(None, max_length=200, description="What the events concern."),
    from_: date | None = Query(None, alias="from", description="Earliest day, YYYY-MM-DD."),
    to: date | None = Query(None, description="Latest day, YYYY-MM-DD."),
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0, le=100_000),
    reviewed_only: bool = Query(False, description="Only facts a person has reviewed."),
    format: Literal["json", "csv"] = "json",
    as_recorded: AsRecordedParam = None,
) -> EventsPublic | Response:
    """Dated, sourced events in order, filtered by type, actor, topic and date range."""
    unknown = sorted(set(request.query_params) - KNOWN)
    if unknown:
        raise BadParameter(
            unknown[0][:64], f"is not a filter of /api/events; use {', '.join(sorted(KNOWN))}"
        )
    raw = {
        "type": type,
        "actor": actor,
        "topic": topic,
        "limit": str(limit + 1),
        "offset": str(offset),
        "date_from": from_ and from_.isoformat(),
        "date_to": to and to.isoformat(),
        "reviewed_only": "true" if reviewed_only else "false",
    }
    _, _, rows = queries.run(db, "timeline", raw)
    more = len(rows) > limit
    rows = rows[:limit]
    if format == "csv":
        given = {k: v for k, v in request.query_params.items() if k != "reviewed_only"}
        return csv_response(rows, "events", given, request.query_params.get("encoding"))
    return EventsPublic(
        data=[EventPublic(**r) for r in rows],
        count=len(rows),
        next_offset=offset + limit if more else None,
    )

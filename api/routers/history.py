"""History: a record's revisions (API and diff pages) and the change log for integrations."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel

from govgraph.api.deps import DbDep
from govgraph.api.feeds import OPS, field_diffs, record_path
from govgraph.api.web import PageRoute, arg, render
from govgraph.core.errors import BadParameter
from govgraph.core.ids import ID_PATTERN, check_id
from govgraph.graph.history import Revision, changes, history, latest_seq
from govgraph.graph.lookup import resolve_id

router = APIRouter(prefix="/api", tags=["history"])
pages = APIRouter(route_class=PageRoute, include_in_schema=False)
MAX_SEQ = 10**15
MAX_LIMIT = 1000
DEFAULT_LIMIT = 100
HISTORY_LIMIT = 200
SEQ = re.compile(r"\A(?:0|[1-9][0-9]{0,15})\Z")
DAY = re.compile(r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
# A datetime in ASCII digits: seconds and fractions optional, Z or an offset (none: UTC).
MOMENT = re.compile(
    r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,6})?)?"
    r"(?:Z|[+-][0-9]{2}:[0-9]{2})?\Z"
)
SINCE_FIX = (
    "give a change number from a previous answer's 'next' (0 for the start), a date such as "
    "2026-06-01, or a UTC time such as 2026-06-01T12:00:00Z"
)


class RevisionPublic(BaseModel):
    """One change to one record: who, when, why, which source, before and after."""

    seq: int
    id: str
    record_id: str
    record_type: str
    rev: int
    op: str
    at: str
    by: str
    why: str
    source: str | None
    proposal: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    fields: list[str]


class HistoryPublic(BaseModel):
    """A record's revisions, newest first."""

    record_id: str
    data: list[RevisionPublic]
    count: int


class ChangesPublic(BaseModel):
    """Changes after `since`, oldest first; pass `next` as `since` to get the ones after them."""

    data: list[RevisionPublic]
    count: int
    next: int


def public(revision: Revision) -> RevisionPublic:
    """A revision as the API shows it."""
    return RevisionPublic(**revision.to_json())


def parse_since(raw: str | None) -> int | datetime:
    """A change number, or an aware datetime (a date means its midnight, UTC)."""
    if raw is None or raw == "":
        return 0
    if len(raw) > 40:
        raise BadParameter("since", f"is longer than 40 characters; {SINCE_FIX}")
    if SEQ.match(raw):
        seq = int(raw)
        if seq > MAX_SEQ:
            raise BadParameter("since", f"{seq} is larger than {MAX_SEQ}; {SINCE_FIX}")
        return seq
    try:
        if DAY.match(raw):
            return datetime.combine(date.fromisoformat(raw), time(), tzinfo=UTC)
        if MOMENT.match(raw):
            moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
            return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    except ValueError as exc:
        raise BadParameter(
            "since", f"'{raw}' is no real date or time ({exc}); {SINCE_FIX}"
        ) from None
    raise BadParameter("since", f"'{raw[:40]}' is neither a change number nor a date; {SINCE_FIX}")


def parse_limit(raw: str | None) -> int:
    """The page size, 1..1000 in ASCII digits."""
    if raw is None or raw == "":
        return DEFAULT_LIMIT
    if not SEQ.match(raw[:20]) or not 1 <= int(raw[:20]) <= MAX_LIMIT or len(raw) > 20:
        raise BadParameter("limit", f"'{raw[:40]}' is not a whole number from 1 to {MAX_LIMIT}")
    return int(raw)


def record_history(db: Any, record_id: str, param: str) -> tuple[str, list[Revision]]:
    """(the record's id, its revisions newest first); a former id answers as the kept record."""
    check_id(record_id, param)
    if not ID_PATTERN.fullmatch(record_id):  # the pattern's `$` lets a trailing newline by
        raise BadParameter(param, f"'{record_id[:100]}' is not an id such as org:openai")
    revisions = history(db, record_id, limit=HISTORY_LIMIT)
    if revisions:
        return record_id, revisions
    kept = resolve_id(db, record_id, param=param)  # NotFound with suggestions for an unknown id
    return kept, (history(db, kept, limit=HISTORY_LIMIT) if kept != record_id else [])


@router.get("/history/{record_id}", response_model=HistoryPublic)
def record_revisions(record_id: str, db: DbDep) -> HistoryPublic:
    """Every recorded change to one record, newest first (retracted records included)."""
    kept, revisions = record_history(db, record_id, "record_id")
    return HistoryPublic(record_id=kept, data=[public(r) for r in revisions], count=len(revisions))


@router.get("/changes", response_model=ChangesPublic)
def change_log(
    request: Request,
    db: DbDep,
    since: Annotated[
        str | None,
        Query(
            description="a change number (a previous answer's `next`; 0: from the start), "
            "a date YYYY-MM-DD or a UTC time such as 2026-06-01T12:00:00Z"
        ),
    ] = None,
    limit: Annotated[str | None, Query(description="1 to 1000 (default 100)")] = None,
) -> ChangesPublic:
    """Changes to any record after `since`, oldest first.

    Pass the answer's `next` as `since` next time: no change is missed or repeated.
    """
    after_since = parse_since(arg(request, "since", 100))
    page_size = parse_limit(arg(request, "limit", 40))
    if isinstance(after_since, int):
        found = changes(db, since_seq=after_since, limit=page_size)
        after = after_since
    else:
        after = latest_seq(db)  # read first: whatever it counts is visible to the next read
        found = changes(db, since_at=after_since, limit=page_size)
    nxt = found[-1].seq if found else after
    return ChangesPublic(data=[public(r) for r in found], count=len(found), next=nxt)


def _page(request: Request, db: Any, record_id: str, kind: str) -> Response:
    """The history page of a record, or a redirect to the right one."""
    kept, revisions = record_history(db, record_id, f"{kind}_id")
    record_type = revisions[0].record_type if revisions else None
    right = f"{record_path(record_type or ('Event' if kind == 'event' else 'Actor'), kept)}/history"
    if right != request.url.path:  # a former id, or an event asked for as an entity
        return RedirectResponse(right, status_code=308)
    name = next(
        ((r.after or r.before or {}).get("name") for r in revisions if (r.after or r.before)),
        None,
    )
    retracted = bool(revisions) and revisions[0].op == "retract"
    return render(
        request,
        "history.html",
        record_id=kept,
        record_type=record_type,
        record_name=name,
        retracted=retracted,
        record_url=record_path(record_type or "Actor", kept),
        items=[{"r": r, "diffs": field_diffs(r), "op": OPS.get(r.op, r.op)} for r in revisions],
        api_url=f"/api/history/{kept}",
        feed_url=f"/feeds/entity/{kept}.atom",
    )


@pages.get("/entity/{entity_id}/history", response_class=HTMLResponse)
def entity_history(entity_id: str, request: Request, db: DbDep) -> Response:
    """Every change to an actor, instrument or source, field by field."""
    return _page(request, db, entity_id, "entity")


@pages.get("/event/{event_id}/history", response_class=HTMLResponse)
def event_history(event_id: str, request: Request, db: DbDep) -> Response:
    """Every change to an event, field by field."""
    return _page(request, db, event_id, "event")

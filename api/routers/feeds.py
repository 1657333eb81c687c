"""Atom feeds: every change, one record's changes, and a named query's new or changed rows."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from govgraph import queries
from govgraph.api import feeds
from govgraph.api.deps import DbDep, SettingsDep
from govgraph.api.routers.history import parse_since, record_history
from govgraph.api.web import query_raw, server_origin, with_query
from govgraph.core.cypher import text
from govgraph.core.errors import BadParameter, NotFound
from govgraph.core.settings import Settings
from govgraph.graph.history import Revision, changes, latest_seq
from govgraph.ingest.recorded import view

router = APIRouter(prefix="/feeds", tags=["feeds"])
LATEST = 100  # entries in a feed of changes
PAGE = 1000  # revisions read per round when collecting one record's changes
MAX_NEIGHBOURS = 2000
DEFAULT_SINCE_DAYS = 30
# Query-string names a query feed keeps for itself (the rest are the query's parameters).
RESERVED = {"since", "format", "encoding", "as_recorded"}


def newest(db: Any, record_ids: list[str]) -> list[Revision]:
    """The latest LATEST revisions of these records, newest first."""
    found: list[Revision] = []
    since = 0
    while True:
        batch = changes(db, since_seq=since, limit=PAGE, record_ids=record_ids)
        found = (found + batch)[-LATEST:]
        if len(batch) < PAGE:
            return list(reversed(found))
        since = batch[-1].seq


def neighbours(db: Any, record_id: str) -> list[str]:
    """Ids of the live events next to a record (the events that involve it)."""
    params = {
        "id": record_id,
        "as_of": None,
        "relations": None,
        "kinds": ["event"],
        "cap": MAX_NEIGHBOURS,
    }
    return [str(r["id"]) for r in db.rows(text("explore-neighbours"), params)]


@router.get("/changes.atom", response_class=Response)
def all_changes(request: Request, db: DbDep) -> Response:
    """The latest 100 changes to any record, newest first."""
    latest = latest_seq(db)
    recent = list(reversed(changes(db, since_seq=max(0, latest - LATEST), limit=LATEST)))
    origin = server_origin(request)
    document = feeds.render(
        feed_id=f"{feeds.TAG}changes",
        title="govgraph: all changes",
        self_url=origin + "/feeds/changes.atom",
        page_url=origin + "/api/changes",
        entries=[feeds.revision_entry(r, origin) for r in recent],
    )
    return feeds.atom_response(document)


@router.get("/entity/{record_id}.atom", response_class=Response)
def record_changes(record_id: str, request: Request, db: DbDep) -> Response:
    """Changes to one record and to the events that involve it, newest first."""
    kept, own = record_history(db, record_id, "record_id")
    record_type = own[0].record_type if own else None
    revisions = newest(db, [kept, *neighbours(db, kept)])
    origin = server_origin(request)
    name = next(((r.after or r.before or {}).get("name") for r in own), None)
    document = feeds.render(
        feed_id=f"{feeds.TAG}record:{kept}",
        title=f"govgraph: changes to {name or kept}",
        self_url=f"{origin}/feeds/entity/{kept}.atom",
        page_url=origin + feeds.record_path(record_type or "Actor", kept) + "/history",
        entries=[feeds.revision_entry(r, origin) for r in revisions],
    )
    return feeds.atom_response(document)


def query_since(raw: str | None) -> datetime:
    """The feed's `since`: a date or UTC time; 30 days ago when absent."""
    if raw is None:
        return datetime.now(UTC) - timedelta(days=DEFAULT_SINCE_DAYS)
    since = parse_since(raw)
    if isinstance(since, int):
        raise BadParameter("since", f"'{raw}' is not a date; write it as YYYY-MM-DD")
    return since


def canonical(row: dict[str, Any]) -> str:
    """A row as comparable text."""
    return json.dumps(row, sort_keys=True, ensure_ascii=False, default=str)


def fresh_rows(
    now_rows: list[dict[str, Any]], then_rows: list[dict[str, Any]], id_columns: list[str]
) -> list[tuple[dict[str, Any], str, bool]]:
    """(row, key, is new) for each row of now that is new or changed since then."""
    then: dict[str, set[str]] = {}
    for row in then_rows:
        then.setdefault(feeds.row_key(row, id_columns), set()).add(canonical(row))
    found = []
    for row in now_rows:
        key = feeds.row_key(row, id_columns)
        if key not in then:
            found.append((row, key, True))
        elif canonical(row) not in then[key]:
            found.append((row, key, False))
    return found


def answer_then(
    db: Any, name: str, raw: dict[str, str], since: datetime, settings: Settings
) -> list[dict[str, Any]]:
    """The query's rows as the graph was recorded at `since`."""
    try:
        with view(db, since, max_changes=settings.as_recorded_max_changes) as reader:
            return queries.run(reader, name, raw, timeout=settings.cypher_timeout)[2]
    except NotFound:  # an id that had no record yet: every row is new
        return []
    except BadParameter as exc:
        if exc.param != "as_recorded":
            raise
        raise BadParameter("since", exc.message.partition(": ")[2] or exc.message) from None


@router.get("/query/{name}.atom", response_class=Response)
async def query_changes(name: str, request: Request, db: DbDep, settings: SettingsDep) -> Response:
    """Rows of a named query's answer that are new or changed since `since` (default 30 days).

    The query's own parameters come as query-string values, as for /api/queries/{name}.
    """
    raw = query_raw(request, RESERVED)
    since_values = request.query_params.getlist("since")
    if len(since_values) > 1:
        raise BadParameter("since", "was given more than once")
    since = query_since(since_values[0] if since_values and since_values[0] else None)

    def answer() -> tuple[queries.CannedQuery, list[dict[str, Any]], list[dict[str, Any]], Any]:
        query, _, now_rows = queries.run(db, name, raw, timeout=settings.cypher_timeout)
        then_rows = answer_then(db, name, raw, since, settings)
        latest = latest_seq(db)
        last = changes(db, since_seq=latest - 1, limit=1) if latest else []
        return query, now_rows, then_rows, (last[0].at if last else None)

    query, now_rows, then_rows, updated = await run_in_threadpool(answer)
    id_columns = [column for column, kind in query.returns if kind == "id"]
    origin = server_origin(request)
    page = origin + with_query(f"/queries/{name}", raw)
    when = updated or datetime(2026, 1, 1, tzinfo=UTC)
    entries = [
        feeds.row_entry(name, row, key, new, when, page)
        for row, key, new in fresh_rows(now_rows, then_rows, id_columns)
    ]
    document = feeds.render(
        feed_id=f"{feeds.TAG}query:" + with_query(name, raw),
        title=f"govgraph: {query.title}, new and changed since {since.date().isoformat()}",
        self_url=origin + with_query(f"/feeds/query/{name}.atom", dict(request.query_params)),
        page_url=page,
        entries=entries,
    )
    return feeds.atom_response(document)

"""Named queries: list them and run them."""

from __future__ import annotations

import json
from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from govgraph import queries
from govgraph.api.csvout import csv_response
from govgraph.api.deps import CacheDep, SettingsDep, get_db
from govgraph.api.models import ParamPublic, QueriesPublic, QueryPublic, QueryResultPublic
from govgraph.api.recorded import AsRecordedParam
from govgraph.api.web import query_raw
from govgraph.core.values import to_json

router = APIRouter(prefix="/api/queries", tags=["queries"])
RESERVED = {"format", "encoding", "as_recorded"}
REVISION_HEADER = "X-GovGraph-Revision"


def query_public(q: queries.CannedQuery) -> QueryPublic:
    """A named query as the API lists it."""
    return QueryPublic(
        name=q.name,
        title=q.title,
        description=q.description,
        params=[
            ParamPublic(name=p.name, type=p.type, default=to_json(p.default), required=p.required)
            for p in q.params
        ],
        example=q.example,
        api_url=f"/api/queries/{q.name}",
        cypher=q.cypher,
    )


def json_bytes(payload: Any) -> bytes:
    """Compact UTF-8 JSON."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def answer_response(
    payload: dict[str, Any],
    rows: list[dict[str, Any]],
    fmt: str,
    name: str,
    revision: str | None,
    params: dict[str, str] | None = None,
    encoding: str | None = None,
) -> Response:
    """JSON (pre-rendered once per revision) or CSV, with the revision that answered."""
    headers = {REVISION_HEADER: revision} if revision else {}
    if fmt == "csv":
        response = csv_response(rows, name, params, encoding)
        response.headers.update(headers)
        return response
    return Response(payload["json"], media_type="application/json", headers=headers)


@router.get("", response_model=QueriesPublic)
def list_queries() -> QueriesPublic:
    """Every named query with its title, description and parameters."""
    data = [query_public(q) for q in queries.registry().values()]
    return QueriesPublic(data=data, count=len(data))


@router.get("/{name}", response_model=QueryResultPublic)
async def run_query(
    name: str,
    request: Request,
    cache: CacheDep,
    settings: SettingsDep,
    format: Literal["json", "csv"] = "json",
    as_recorded: AsRecordedParam = None,
) -> Response:
    """Run a named query; its parameters come as query-string values."""
    raw = query_raw(request, RESERVED)
    cache_key = ("query", name, tuple(sorted(raw.items())))
    # A fresh cached answer is served from the event loop; anything that needs the database
    # (a miss, or the periodic revision check) runs in the thread pool.
    hit = cache.peek(cache_key)
    if hit is None:

        def miss() -> tuple[Any, str | None]:
            db = get_db(request)

            def compute() -> dict[str, Any]:
                query, params, rows = queries.run(db, name, raw, timeout=settings.cypher_timeout)
                body = {
                    "query": query.name,
                    "params": to_json(params),
                    "data": rows,
                    "count": len(rows),
                }
                return {"json": json_bytes(body), "rows": rows}

            return cache.get_or_compute(db, cache_key, compute)

        hit = await run_in_threadpool(miss)
    payload, revision = hit
    encoding = request.query_params.get("encoding")
    return answer_response(payload, payload["rows"], format, name, revision, raw, encoding)

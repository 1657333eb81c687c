"""Named queries: list them and run them."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import Response

import queries
from api.csvout import csv_response
from api.deps import DbDep
from api.models import ParamPublic, QueriesPublic, QueryPublic, QueryResultPublic
from govgraph.errors import BadParameter

router = APIRouter(prefix="/api/queries", tags=["queries"])
RESERVED = {"format"}


def query_public(q: queries.CannedQuery) -> QueryPublic:
    return QueryPublic(
        name=q.name,
        title=q.title,
        description=q.description,
        params=[
            ParamPublic(
                name=p.name, type=p.type, default=queries.jsonable(p.default), required=p.required
            )
            for p in q.params
        ],
        example=q.example,
        api_url=f"/api/queries/{q.name}",
        cypher=q.cypher,
    )


@router.get("", response_model=QueriesPublic)
def list_queries() -> QueriesPublic:
    """Every named query with its title, description and parameters."""
    data = [query_public(q) for q in queries.registry().values()]
    return QueriesPublic(data=data, count=len(data))


@router.get("/{name}", response_model=QueryResultPublic)
def run_query(
    name: str, request: Request, db: DbDep, format: Literal["json", "csv"] = "json"
) -> QueryResultPublic | Response:
    """Run a named query; its parameters come as query-string values."""
    raw: dict[str, str] = {}
    for key, value in request.query_params.multi_items():
        if key in RESERVED:
            continue
        if key in raw:
            raise BadParameter(key[:64], "was given more than once")
        raw[key] = value
    query, params, rows = queries.run(
        db, name, raw, timeout=request.app.state.settings.cypher_timeout
    )
    if format == "csv":
        return csv_response(rows, name)
    return QueryResultPublic(
        query=query.name, params=queries.jsonable(params), data=rows, count=len(rows)
    )

"""Each named query as its own typed operation, and the error responses every endpoint documents.

The operations answer exactly as the generic `/api/queries/{name}` route does (the query's own
header types check the values, so messages stay the same); what they add is the document: typed
query parameters from the `// param:` lines and a row model from the `// returns:` line, so a
generated client gets one typed method per question.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import Response
from fastapi.routing import APIRoute
from pydantic import BaseModel, create_model

from govgraph import queries
from govgraph.api import recorded
from govgraph.api.deps import CacheDep, SettingsDep
from govgraph.api.models import ErrorPublic
from govgraph.api.routers.queries import run_query
from govgraph.core.ids import ID_PATTERN
from govgraph.graph.schema import load_schema

RETRY_AFTER = {"Retry-After": {"description": "seconds to wait", "schema": {"type": "integer"}}}
ERROR_TEXT = {
    404: "No record, query or page has that id or name; `fix` lists close matches.",
    408: "The query ran past its time limit.",
    422: "A parameter is missing, malformed or out of range; `param` names it.",
    503: "Neo4j is busy or unavailable; retry after `Retry-After` seconds.",
}
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {
        "model": ErrorPublic,
        "description": text,
        **({"headers": RETRY_AFTER} if status == 503 else {}),
    }
    for status, text in ERROR_TEXT.items()
}


class SourceRef(BaseModel):
    """A source as a query row cites it."""

    id: str | None = None
    publisher: str | None = None
    title: str | None = None
    url: str | None = None
    published: str | None = None


DESCRIBE = {
    "id": "a record id such as org:openai (ids by name: /api/entities?q=...)",
    "date": "a day, YYYY-MM-DD",
    "int": "a whole number",
    "bool": "true or false",
    "event_types": "event types, comma-separated (see event_type)",
}
ROW_TYPES: dict[str, Any] = {
    "text": str | None,
    "id": str | None,
    "date": str | None,  # as recorded: a day, a month, a year or a range
    "int": int | None,
    "bool": bool | None,
    "list": list[Any] | None,
    "object": dict[str, Any] | None,
    "sources": list[SourceRef],
}


def camel(name: str) -> str:
    """parties-to -> PartiesTo."""
    return "".join(part.capitalize() for part in name.split("-"))


def row_model(q: queries.CannedQuery) -> type[BaseModel]:
    """One row of the query's answer, from its `// returns:` columns."""
    fields: dict[str, Any] = {col: (ROW_TYPES[kind], ...) for col, kind in q.returns}
    model: type[BaseModel] = create_model(
        f"{camel(q.name)}Row", __doc__=f"A row of {q.name}.", **fields
    )
    return model


def answer_model(q: queries.CannedQuery) -> type[BaseModel]:
    """The query's whole answer: its name, the parameters it ran with, the rows and their count."""
    rows = row_model(q) if q.returns else dict[str, Any]
    model: type[BaseModel] = create_model(
        f"{camel(q.name)}Public",
        __doc__=f"The answer of {q.name}.",
        query=(str, ...),
        params=(dict[str, Any], ...),
        data=(list[rows], ...),  # type: ignore[valid-type]
        count=(int, ...),
    )
    return model


def param_schema(p: queries.Param) -> dict[str, Any]:
    """The JSON schema of one declared parameter."""
    schema: dict[str, Any]
    if p.type == "id":
        schema = {"type": "string", "pattern": ID_PATTERN.pattern, "maxLength": queries.MAX_TEXT}
    elif p.type == "date":
        schema = {"type": "string", "format": "date"}
    elif p.type == "int":
        schema = {"type": "integer", "minimum": 0, "maximum": queries.MAX_INT_PARAM}
    elif p.type == "bool":
        schema = {"type": "boolean"}
    elif p.type == "kind":
        schema = {"type": "string", "enum": ["any", *load_schema().entity_kinds]}
    elif p.type == "event_type":
        schema = {"type": "string", "enum": list(load_schema().event_types)}
    elif p.type == "event_types":
        schema = {
            "type": "string",
            "pattern": r"^[a-z_]+(,[a-z_]+)*$",
            "maxLength": queries.MAX_TEXT,
        }
    elif p.type in queries.CHOICES:
        schema = {"type": "string", "enum": list(queries.CHOICES[p.type])}
    else:
        schema = {"type": "string", "maxLength": queries.MAX_TEXT}
    if p.default is not None:
        schema["default"] = p.default.isoformat() if p.type == "date" else p.default
    return schema


AS_RECORDED_PARAM = {
    "name": recorded.PARAM,
    "in": "query",
    "required": False,
    "description": recorded.DESCRIPTION + " (optional)",
    "schema": {"type": "string", "pattern": recorded.PATTERN, "maxLength": 40},
}


def parameters(q: queries.CannedQuery) -> list[dict[str, Any]]:
    """The query's declared parameters as OpenAPI query parameters, then as_recorded."""
    declared = [
        {
            "name": p.name,
            "in": "query",
            "required": p.required,
            "description": DESCRIBE.get(p.type, p.type) + ("" if p.required else " (optional)"),
            "schema": param_schema(p),
        }
        for p in q.params
    ]
    return [*declared, AS_RECORDED_PARAM]


def operation(q: queries.CannedQuery) -> Any:
    """A handler answering as the generic route does for this query."""

    async def handler(
        request: Request,
        cache: CacheDep,
        settings: SettingsDep,
        format: Literal["json", "csv"] = "json",
    ) -> Response:
        return await run_query(
            name=q.name, request=request, cache=cache, settings=settings, format=format
        )

    handler.__doc__ = q.description
    return handler


def router() -> APIRouter:
    """One GET operation per named query, registered before the generic `{name}` route."""
    out = APIRouter(prefix="/api/queries", tags=["queries"])
    for q in queries.registry().values():
        out.add_api_route(
            f"/{q.name}",
            operation(q),
            methods=["GET"],
            name=q.name.replace("-", "_"),
            summary=q.title,
            description=q.description,
            response_model=answer_model(q),
            openapi_extra={"parameters": parameters(q)},
        )
    return out


def error_responses(router: APIRouter) -> dict[int | str, dict[str, Any]]:
    """The error responses a router's endpoints document: health checks only ever say 503."""
    if "health" in router.tags:
        return {503: ERROR_RESPONSES[503]}
    return ERROR_RESPONSES


def operation_id(route: APIRoute) -> str:
    """Operation ids as the full-stack FastAPI template makes them: `{tag}-{route name}`."""
    return f"{route.tags[0]}-{route.name}" if route.tags else route.name

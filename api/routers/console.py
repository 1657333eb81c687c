"""The read-only Cypher console page (GET and POST /cypher), beside POST /api/cypher."""

from __future__ import annotations

import json
import shlex
from typing import Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from govgraph.api import graph_results
from govgraph.api.deps import DbDep, SettingsDep
from govgraph.api.web import PageRoute, arg, render, with_query
from govgraph.core.cypher import text
from govgraph.core.errors import BadParameter, GovGraphError
from govgraph.core.settings import Settings
from govgraph.graph.db import Database
from govgraph.graph.readonly import run_readonly

router = APIRouter(route_class=PageRoute, include_in_schema=False)


def parse_params(params_text: str) -> dict[str, Any]:
    """The console's parameters: a JSON object, or BadParameter naming 'params'."""
    try:
        params = json.loads(params_text) if params_text.strip() else {}
    except json.JSONDecodeError as exc:
        raise BadParameter(
            "params", f"is not valid JSON ({exc.msg}, line {exc.lineno} column {exc.colno})"
        ) from None
    if not isinstance(params, dict):
        raise BadParameter("params", 'must be a JSON object such as {"id": "org:meta"}')
    return params


def run_console(db: Database, settings: Settings, query: str, params_text: str) -> dict[str, Any]:
    """Run the query read-only; its result and graph, or the error it met."""
    out: dict[str, Any] = {}
    try:
        out["result"] = result = run_readonly(
            db,
            query,
            parse_params(params_text),
            timeout=settings.cypher_timeout,
            row_cap=settings.cypher_row_cap,
            max_chars=settings.cypher_max_chars,
        )
        view = graph_results.cypher_graph(db, result.rows, settings.graph_node_cap)
        out["view"] = out["graph_view"] = view
    except GovGraphError as exc:
        out["error"] = {
            "status": exc.http_status,
            "message": exc.message,
            "fix": exc.fix,
            "param": getattr(exc, "param", None),
            "code": getattr(exc, "neo4j_code", None),
        }
    return out


def curl_for(request: Request, query: str, params_text: str) -> str:
    """The same query as a curl call to POST /api/cypher."""
    body = {"query": query, "params": _loads_or_text(params_text)}
    return (
        "curl -s -X POST -H 'Content-Type: application/json' "
        f"--data {shlex.quote(json.dumps(body))} {request.base_url}api/cypher"
    )


def cypher_console(
    request: Request, db: Database, settings: Settings, query: str | None, params_text: str
) -> Response:
    """The console page: the example query, or the given query with its result or error."""
    context: dict[str, Any] = {
        "query": query if query is not None else text("console-example"),
        "params_text": params_text,
        "result": None,
        "error": None,
        "view": None,
        "graph_view": None,
        "api_url": "/api/cypher",
    }
    if query is not None:
        context.update(run_console(db, settings, query, params_text))
        context["curl"] = curl_for(request, query, params_text)
        context["permalink"] = with_query("/cypher", {"query": query, "params": params_text})
    status = context["error"]["status"] if context["error"] else 200
    return render(request, "cypher.html", status=status, **context)


def _loads_or_text(params_text: str) -> Any:
    """The parameters as JSON when they parse, else as the text given."""
    try:
        return json.loads(params_text) if params_text.strip() else {}
    except json.JSONDecodeError:
        return params_text


@router.get("/cypher", response_class=HTMLResponse)
def cypher_get(request: Request, db: DbDep, settings: SettingsDep) -> Response:
    """The read-only Cypher console (runs ?query= when given, so results can be linked)."""
    query = arg(request, "query", settings.cypher_max_chars)
    params_text = arg(request, "params", 64 * 1024) or ""
    return cypher_console(request, db, settings, query, params_text)


@router.post("/cypher", response_class=HTMLResponse)
def cypher_post(
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    query: str = Form(""),
    params: str = Form(""),
) -> Response:
    """Run the console's query: same checks, time limit and row cap as POST /api/cypher."""
    return cypher_console(request, db, settings, query, params)

"""The read-only Cypher console: GET /cypher shows the form; a POST with its token runs it."""

from __future__ import annotations

import json
import shlex
from typing import Any

from fastapi import APIRouter, Form, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response

from govgraph.api import graph_results
from govgraph.api.csrf import FormRefused, set_cookie
from govgraph.api.deps import SettingsDep, bulkhead_for, db_for
from govgraph.api.web import PageRoute, arg, render, server_origin, with_query
from govgraph.core.cypher import text
from govgraph.core.errors import BadParameter, GovGraphError, QueryRejected
from govgraph.core.settings import Settings
from govgraph.graph.readonly import run_readonly_async

router = APIRouter(route_class=PageRoute, include_in_schema=False)
MAX_PARAMS_TEXT = 64 * 1024


def parse_params(params_text: str) -> dict[str, Any]:
    """The console's parameters: a JSON object, or BadParameter naming 'params'."""
    try:
        params = json.loads(params_text) if params_text.strip() else {}
    except json.JSONDecodeError as exc:
        raise BadParameter(
            "params", f"is not valid JSON ({exc.msg}, line {exc.lineno} column {exc.colno})"
        ) from None
    except RecursionError:
        raise BadParameter("params", "is nested too deeply; flatten it") from None
    if not isinstance(params, dict):
        raise BadParameter("params", 'must be a JSON object such as {"id": "org:meta"}')
    return params


async def run_console(
    request: Request, settings: Settings, query: str, params_text: str
) -> dict[str, Any]:
    """Run the query read-only, in the bulkhead POST /api/cypher uses; result and graph, or
    the error it met. No worker thread waits on Neo4j meanwhile."""
    app = request.app
    out: dict[str, Any] = {}
    try:
        out["result"] = result = await run_readonly_async(
            lambda: db_for(app),
            query,
            parse_params(params_text),
            timeout=settings.cypher_timeout,
            row_cap=settings.cypher_row_cap,
            max_chars=settings.cypher_max_chars,
            bulkhead=bulkhead_for(app),
        )
        view = await run_in_threadpool(
            lambda: graph_results.cypher_graph(db_for(app), result.rows, settings.graph_node_cap)
        )
        out["view"] = out["graph_view"] = view
    except GovGraphError as exc:
        out["error"] = error_dict(exc)
    except RecursionError:  # a value nested deeper than Python walks: refuse it, never a 500
        too_deep = QueryRejected(
            "The result is nested too deeply to show.",
            fix="return fewer levels of nested lists or maps.",
        )
        out["error"] = error_dict(too_deep)
    return out


def error_dict(exc: GovGraphError) -> dict[str, Any]:
    """A govgraph error as the console's error block shows it."""
    return {
        "status": exc.http_status,
        "message": exc.message,
        "fix": exc.fix,
        "param": getattr(exc, "param", None),
        "code": getattr(exc, "neo4j_code", None),
    }


def curl_for(request: Request, query: str, params_text: str) -> str:
    """The same query as a curl call to POST /api/cypher (on this server's own address)."""
    try:
        body = json.dumps({"query": query, "params": _loads_or_text(params_text)})
    except RecursionError:
        body = json.dumps({"query": query, "params": params_text})
    return (
        "curl -s -X POST -H 'Content-Type: application/json' "
        f"--data {shlex.quote(body)} {server_origin(request)}/api/cypher"
    )


def _loads_or_text(params_text: str) -> Any:
    """The parameters as JSON when they parse, else as the text given."""
    try:
        return json.loads(params_text) if params_text.strip() else {}
    except (json.JSONDecodeError, RecursionError):
        return params_text


def console_page(
    request: Request, query: str | None, params_text: str, outcome: dict[str, Any] | None = None
) -> Response:
    """The console page: the form (prefilled, with a fresh token) and what a run gave, if any."""
    token, new_cookie = request.app.state.csrf.issue(request)
    context: dict[str, Any] = {
        "query": query if query is not None else text("console-example"),
        "params_text": params_text,
        "csrf_token": token,
        "pending": query is not None and outcome is None,
        "result": None,
        "error": None,
        "view": None,
        "graph_view": None,
        "api_url": "/docs#/cypher",
        "api_label": "POST /api/cypher (API docs)",
        **(outcome or {}),
    }
    if query is not None:
        context["curl"] = curl_for(request, query, params_text)
        context["permalink"] = with_query("/cypher", {"query": query, "params": params_text})
    status = context["error"]["status"] if context["error"] else 200
    response = render(request, "cypher.html", status=status, **context)
    if new_cookie:
        set_cookie(response, new_cookie, secure=request.url.scheme == "https")
    return response


@router.get("/cypher", response_class=HTMLResponse)
def cypher_get(request: Request, settings: SettingsDep) -> Response:
    """The console's form, prefilled from ?query= and ?params= (links work); it runs nothing."""
    query = arg(request, "query", settings.cypher_max_chars)
    params_text = arg(request, "params", MAX_PARAMS_TEXT) or ""
    return console_page(request, query, params_text)


@router.post("/cypher", response_class=HTMLResponse)
async def cypher_post(
    request: Request,
    settings: SettingsDep,
    query: str = Form(""),
    params: str = Form(""),
    csrf_token: str = Form(""),
) -> Response:
    """Run the console's query (same checks, limits and bulkhead as POST /api/cypher).

    Only with a valid token from the form GET /cypher served this browser: anything else is
    a 403 page, with nothing run. Pages render in a worker thread, off the event loop.
    """
    try:
        request.app.state.csrf.check(request, csrf_token)
    except FormRefused as exc:
        refused = {"error": error_dict(exc)}
        return await run_in_threadpool(console_page, request, query, params, refused)
    if len(params) > MAX_PARAMS_TEXT:
        raise BadParameter("params", f"is longer than {MAX_PARAMS_TEXT} characters")
    outcome = await run_console(request, settings, query, params)
    return await run_in_threadpool(console_page, request, query, params, outcome)

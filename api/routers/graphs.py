"""The interactive graph views and the read-only Cypher console page."""

from __future__ import annotations

import json
import shlex
from typing import Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from govgraph import queries
from govgraph.api import graph_results, graphviz
from govgraph.api.deps import DbDep, SettingsDep
from govgraph.api.routers.pages import query_raw
from govgraph.api.web import (
    EXAMPLE_CYPHER,
    PageRoute,
    arg,
    check_id,
    graph_response,
    render,
    with_query,
)
from govgraph.core.errors import BadParameter, GovGraphError
from govgraph.graph.readonly import run_readonly

router = APIRouter(route_class=PageRoute, include_in_schema=False)


def cypher_console(
    request: Request, db: Any, settings: Any, text: str | None, params_text: str
) -> Response:
    context: dict[str, Any] = {
        "query": text if text is not None else EXAMPLE_CYPHER,
        "params_text": params_text,
        "result": None,
        "error": None,
        "view": None,
        "graph_view": None,
        "api_url": "/api/cypher",
    }
    status = 200
    if text is not None:
        try:
            try:
                params = json.loads(params_text) if params_text.strip() else {}
            except json.JSONDecodeError as exc:
                raise BadParameter(
                    "params", f"is not valid JSON ({exc.msg}, line {exc.lineno} column {exc.colno})"
                ) from None
            if not isinstance(params, dict):
                raise BadParameter("params", 'must be a JSON object such as {"id": "org:meta"}')
            result = run_readonly(
                db,
                text,
                params,
                timeout=settings.cypher_timeout,
                row_cap=settings.cypher_row_cap,
                max_chars=settings.cypher_max_chars,
            )
            context["result"] = result
            view = graph_results.cypher_graph(db, result.rows, settings.graph_node_cap)
            context["view"] = context["graph_view"] = view
        except GovGraphError as exc:
            status = exc.http_status
            context["error"] = {
                "status": status,
                "message": exc.message,
                "fix": exc.fix,
                "param": getattr(exc, "param", None),
                "code": getattr(exc, "neo4j_code", None),
            }
        body = {"query": text, "params": _loads_or_text(params_text)}
        context["curl"] = (
            "curl -s -X POST -H 'Content-Type: application/json' "
            f"--data {shlex.quote(json.dumps(body))} {request.base_url}api/cypher"
        )
        context["permalink"] = with_query("/cypher", {"query": text, "params": params_text})
    return render(request, "cypher.html", status=status, **context)


def _loads_or_text(text: str) -> Any:
    try:
        return json.loads(text) if text.strip() else {}
    except json.JSONDecodeError:
        return text


@router.get("/cypher", response_class=HTMLResponse)
def cypher_get(request: Request, db: DbDep, settings: SettingsDep) -> Response:
    """The read-only Cypher console (runs ?query= when given, so results can be linked)."""
    text = arg(request, "query", settings.cypher_max_chars)
    params_text = arg(request, "params", 64 * 1024) or ""
    return cypher_console(request, db, settings, text, params_text)


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


# --------------------------------------------------------------------------------- graph views


@router.get("/graph", response_class=HTMLResponse)
def graph_whole(request: Request, db: DbDep, settings: SettingsDep) -> Response:
    """The whole graph, filtered by kinds and a date range, capped."""
    kinds_raw = request.query_params.getlist("kinds")
    if sum(len(v) for v in kinds_raw) > 2000:
        raise BadParameter("kinds", "is too long")
    kinds = graph_results.parse_kinds(kinds_raw)
    start, end = arg(request, "from", 20), arg(request, "to", 20)
    view = graph_results.whole(db, kinds, start, end, settings.graph_node_cap)
    return graph_response(
        request,
        view,
        mode="whole",
        all_kinds=graph_results.all_kinds(),
        kinds=kinds or [],
        form={"from": start or "", "to": end or ""},
        api_url=with_query(
            "/graph", {"kinds": ",".join(kinds or []), "from": start, "to": end, "format": "json"}
        ),
    )


@router.get("/graph/entity/{entity_id}", response_class=HTMLResponse)
def graph_entity(entity_id: str, request: Request, db: DbDep, settings: SettingsDep) -> Response:
    """An entity's neighbourhood, depth 1 or 2."""
    check_id(entity_id, "entity_id")
    depth_text = arg(request, "depth", 3) or "1"
    if depth_text not in ("1", "2"):
        raise BadParameter("depth", f"'{depth_text}' is not allowed; use 1 or 2")
    view = graphviz.neighbourhood(db, entity_id, int(depth_text), settings.graph_node_cap)
    return graph_response(
        request,
        view,
        mode="entity",
        entity_id=entity_id,
        depth=int(depth_text),
        api_url=view.api_url,
    )


@router.get("/graph/parties/{target_id}", response_class=HTMLResponse)
def graph_parties(target_id: str, request: Request, db: DbDep, settings: SettingsDep) -> Response:
    """Parties to an agreement or program, coloured by where each stands, optionally as of a day."""
    check_id(target_id, "target")
    as_of = arg(request, "as_of", 20)
    view = graphviz.parties(db, target_id, as_of, settings.graph_node_cap)
    return graph_response(
        request,
        view,
        mode="parties",
        target_id=target_id,
        form={"as_of": as_of or ""},
        api_url=view.api_url,
    )


@router.get("/graph/query/{name}", response_class=HTMLResponse)
def graph_query(name: str, request: Request, db: DbDep, settings: SettingsDep) -> Response:
    """The records a named query's result names, and the relationships among them."""
    query = queries.get(name)
    raw = query_raw(request, {"format"})
    _, _, rows = queries.run(db, name, raw, timeout=settings.cypher_timeout)
    given = {k: v for k, v in raw.items() if v != ""}
    view = graph_results.for_query(
        db, query, rows, settings.graph_node_cap, with_query(f"/api/queries/{name}", given)
    )
    return graph_response(
        request,
        view,
        mode="query",
        query=query,
        form_url=with_query(f"/queries/{name}", given),
        api_url=view.api_url,
    )

"""The interactive graph views: the whole graph, an entity's neighbourhood, parties, results."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from govgraph import queries
from govgraph.api import graph_results, graph_views, party_note
from govgraph.api.deps import CacheDep, DbDep, SettingsDep
from govgraph.api.routers.pages import query_raw
from govgraph.api.web import PageRoute, arg, graph_response, with_query
from govgraph.core.errors import BadParameter
from govgraph.core.ids import check_id
from govgraph.graph.lookup import resolve_id

router = APIRouter(route_class=PageRoute, include_in_schema=False)


@router.get("/graph", response_class=HTMLResponse)
def graph_whole(request: Request, db: DbDep, settings: SettingsDep, cache: CacheDep) -> Response:
    """The whole graph, filtered by kinds and a date range, capped."""
    kinds_raw = request.query_params.getlist("kinds")
    if sum(len(v) for v in kinds_raw) > 2000:
        raise BadParameter("kinds", "is too long")
    kinds = graph_results.parse_kinds(kinds_raw)
    start, end = arg(request, "from", 20), arg(request, "to", 20)
    # the whole graph weighs every entity's degree: kept per graph revision, like query answers
    key = ("graph-whole", tuple(kinds or ()), start, end, settings.graph_node_cap)
    view, _ = cache.get_or_compute(
        db, key, lambda: graph_results.whole(db, kinds, start, end, settings.graph_node_cap)
    )
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
def graph_entity(
    entity_id: str, request: Request, db: DbDep, settings: SettingsDep, cache: CacheDep
) -> Response:
    """An entity's neighbourhood, depth 1 or 2."""
    check_id(entity_id, "entity_id")
    kept = resolve_id(db, entity_id, param="entity_id")
    if kept != entity_id:  # a merged record's former id: go on to the kept record's graph
        query = f"?{request.url.query}" if request.url.query else ""
        return RedirectResponse(f"/graph/entity/{kept}{query}", status_code=308)
    depth_text = arg(request, "depth", 3) or "1"
    if depth_text not in ("1", "2"):
        raise BadParameter("depth", f"'{depth_text}' is not allowed; use 1 or 2")
    depth, cap = int(depth_text), settings.graph_node_cap
    view, _ = cache.get_or_compute(
        db,
        ("graph-entity", entity_id, depth, cap),
        lambda: graph_views.neighbourhood(db, entity_id, depth, cap),
    )
    return graph_response(
        request,
        view,
        mode="entity",
        entity_id=entity_id,
        depth=depth,
        api_url=view.api_url,
    )


@router.get("/graph/parties/{target_id}", response_class=HTMLResponse)
def graph_parties(target_id: str, request: Request, db: DbDep, settings: SettingsDep) -> Response:
    """Parties to an agreement or program, coloured by where each stands, optionally as of a day."""
    check_id(target_id, "target")
    kept = resolve_id(db, target_id, param="target")
    if kept != target_id:
        query = f"?{request.url.query}" if request.url.query else ""
        return RedirectResponse(f"/graph/parties/{kept}{query}", status_code=308)
    as_of = arg(request, "as_of", 20)
    view = graph_views.parties(db, target_id, as_of, settings.graph_node_cap)
    return graph_response(
        request,
        view,
        mode="parties",
        target_id=target_id,
        form={"as_of": as_of or ""},
        party_note=party_note.note(db, target_id, as_of=as_of),
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

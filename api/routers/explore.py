"""The explorer: start from one entity, expand neighbours on demand, slide through time."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel

from govgraph.api import graph_explore, graph_style
from govgraph.api.deps import DbDep
from govgraph.api.web import PageRoute, arg, render, with_query
from govgraph.core.ids import check_id
from govgraph.graph.lookup import resolve_id

pages = APIRouter(route_class=PageRoute, include_in_schema=False)
api = APIRouter(prefix="/api/graph", tags=["graph"])


class ExploreNode(BaseModel):
    """A record as the explorer draws it."""

    id: str
    label: str
    name: str
    title: str
    kind: str
    color: str
    shape: str
    size: int
    url: str | None = None
    earliest: str | None = None
    latest: str | None = None


class ExploreEdge(BaseModel):
    """A relationship between two drawn records, with its date bounds."""

    id: str
    source: str
    target: str
    relation: str
    label: str
    title: str
    role: str | None = None
    date: str | None = None
    earliest: str | None = None
    latest: str | None = None
    event_id: str | None = None


class NeighboursPublic(BaseModel):
    """A record (first of `nodes`) and its neighbours, most connected first, capped."""

    id: str
    as_of: str | None = None
    nodes: list[ExploreNode]
    edges: list[ExploreEdge]
    total: int
    shown: int
    notice: str | None = None


@api.get("/neighbours/{record_id}", response_model=NeighboursPublic)
def neighbours(
    record_id: str,
    db: DbDep,
    as_of: date | None = Query(None, description="Leave out what began after this day."),
    kinds: str | None = Query(None, max_length=2000, description="Kinds to keep, commas."),
    relations: str | None = Query(None, max_length=2000, description="Relations, commas."),
    limit: int = Query(graph_explore.DEFAULT_NEIGHBOURS, ge=1, le=graph_explore.MAX_NEIGHBOURS),
) -> NeighboursPublic:
    """An entity's or event's neighbours for the explorer, as of a day, filtered and capped."""
    check_id(record_id, "record_id")
    kept = resolve_id(db, record_id, param="record_id")
    found = graph_explore.neighbours(
        db,
        kept,
        as_of,
        graph_explore.parse_list(kinds, "kinds", graph_explore.node_kinds()),
        graph_explore.parse_list(relations, "relations", graph_explore.relation_types()),
        limit,
    )
    return NeighboursPublic(**found)


@pages.get("/explore", response_class=HTMLResponse)
def explore_page(request: Request, db: DbDep) -> Response:
    """The explorer around ?start=ID; without it, a form to pick where to start."""
    start = arg(request, "start")
    if start is None:
        return render(request, "explore.html", start=None, data=None, api_url=None)
    check_id(start, "start")
    kept = resolve_id(db, start, param="start")
    if kept != start:  # a merged record's former id: go on to the kept one
        return RedirectResponse(with_query("/explore", {"start": kept}), status_code=308)
    data = graph_explore.neighbours(db, kept)
    center = data["nodes"][0] if data["nodes"] else None
    return render(
        request,
        "explore.html",
        start=kept,
        center=center,
        data=data,
        graph_view=True,
        legend=[
            (k, *graph_style.style_of(k)) for k in dict.fromkeys(n["kind"] for n in data["nodes"])
        ],
        relations=graph_explore.relation_types(),
        kinds=graph_explore.node_kinds(),
        api_url=f"/api/graph/neighbours/{kept}",
    )

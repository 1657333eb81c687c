"""Event pages: what happened, when, who took part in which role, sources, before and after."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from govgraph.api.deps import DbDep
from govgraph.api.graph_network import GraphView, build, edges_among, node_details
from govgraph.api.web import PageRoute, arg, error_page, render
from govgraph.core.cypher import text
from govgraph.core.errors import BadParameter
from govgraph.core.ids import check_id
from govgraph.core.values import to_json
from govgraph.graph.lookup import resolve_id
from govgraph.graph.schema import load_schema

router = APIRouter(route_class=PageRoute, include_in_schema=False)
RELATED = 8  # related events listed on each side


def event_record(db: Any, event_id: str) -> dict[str, Any] | None:
    """The event with its participants, concerns and sources; None when it is no event."""
    rows = db.rows(text("event-page"), {"id": event_id})
    return to_json(dict(rows[0])) if rows else None


def related_events(db: Any, event_id: str) -> dict[str, Any]:
    """Events sharing a subject or participant: the nearest before and after, in time order."""
    found: dict[str, Any] = {"before": [], "after": [], "before_total": 0, "after_total": 0}
    for row in db.rows(text("event-related"), {"id": event_id, "limit": RELATED}):
        side = "before" if row["before"] else "after"
        found[side] = to_json(row["events"])
        found[f"{side}_total"] = row["total"]
    return found


def small_graph(db: Any, event: dict[str, Any]) -> GraphView:
    """The event with its participants and what it concerns, and the relationships among them."""
    ids = list(
        dict.fromkeys(
            [event["event_id"], *(p["id"] for p in event["participants"])]
            + [c["id"] for c in event["concerns"]]
        )
    )
    return build(
        f"{event['type'].replace('_', ' ').capitalize()}: who and what",
        ids,
        node_details(db, ids),
        edges_among(db, ids),
        total=len(ids),
        cap=len(ids),
        notice=None,
        emphasize=[event["event_id"]],
    )


@router.get("/event/{event_id}", response_class=HTMLResponse)
def event_page(event_id: str, request: Request, db: DbDep) -> Response:
    """One event: what, when (with precision), who in which role, what it concerns, sources."""
    check_id(event_id, "event_id")
    fmt = arg(request, "format", 10)
    if fmt not in (None, "html", "json"):
        raise BadParameter("format", f"'{fmt}' is not a format; use html or json")
    kept = resolve_id(db, event_id, param="event_id")
    if kept != event_id:  # a merged record's former id: go on to the kept page
        target = f"/event/{kept}" + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(target, status_code=308)
    event = event_record(db, event_id)
    if event is None:
        return error_page(
            request,
            404,
            f"'{event_id}' is not an event.",
            f"its page is /entity/{event_id}; events have ids starting with event:.",
            "event_id",
        )
    related = related_events(db, event_id)
    if fmt == "json":
        return JSONResponse({**event, "related": related})
    schema = load_schema()
    return render(
        request,
        "event.html",
        ev=event,
        related=related,
        view=small_graph(db, event),
        graph_view=True,
        type_text=schema.event_types.get(event["type"], ""),
        status_text=schema.statuses.get(event["status"], ""),
        participant_roles=schema.participant_roles,
        concern_roles=schema.concern_roles,
        api_url=f"/event/{event_id}?format=json",
    )

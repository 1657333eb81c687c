"""Server-rendered pages (Jinja2): home, entities, timeline and named queries.

Parameters are read from the query string by hand (not by FastAPI's validation) so that a bad
value becomes a readable 422 page naming the parameter; govgraph errors become HTML pages too.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from govgraph import queries
from govgraph.api import graph_results, graph_views, party_note
from govgraph.api.deps import DbDep, SettingsDep
from govgraph.api.routers.search import search_all
from govgraph.api.web import (
    PageRoute,
    agreement_kinds,
    arg,
    error_page,
    query_raw,
    render,
    with_query,
)
from govgraph.core.cypher import text
from govgraph.core.errors import BadParameter
from govgraph.core.ids import check_id
from govgraph.core.values import to_json
from govgraph.graph.lookup import resolve_id
from govgraph.graph.schema import load_schema

router = APIRouter(route_class=PageRoute, include_in_schema=False)


# -------------------------------------------------------------------------------------- pages


HOME_AGREEMENTS = 60  # the rest are one click away (the instruments query)


@router.get("/", response_class=HTMLResponse)
@router.get("/search", response_class=HTMLResponse)
def home(request: Request, db: DbDep) -> Response:
    """Search names, aliases, event summaries and source titles; entry points into the graph."""
    q = arg(request, "q")
    results = search_all(db, q, 25) if q else None
    total = db.rows(text("event-count"))[0]["n"]
    _, _, latest = queries.run(db, "timeline", {"limit": "10", "offset": str(max(total - 10, 0))})
    params = {"kinds": list(agreement_kinds()), "limit": HOME_AGREEMENTS, "reviewed_only": False}
    agreements = to_json(db.rows(text("home-agreements"), params))
    return render(
        request,
        "home.html",
        q=q,
        results=results,
        latest=list(reversed(latest)),
        agreements=agreements,
        api_url=with_query("/api/search", {"q": q}) if q else "/api/events",
    )


@router.get("/entity/{entity_id}", response_class=HTMLResponse)
def entity_page(entity_id: str, request: Request, db: DbDep, settings: SettingsDep) -> Response:
    """Facts about one actor or instrument, dated and cited, with its neighbourhood graph."""
    check_id(entity_id, "entity_id")
    kept = resolve_id(db, entity_id, param="entity_id")
    if kept != entity_id:  # a merged record's former id: browsers go on to the kept page
        target = f"/entity/{kept}" + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(target, status_code=308)
    _, _, rows = queries.run(db, "actor-profile", {"id": entity_id, "events": "0"})
    if not rows:
        return error_page(
            request,
            404,
            f"No actor or instrument with id '{entity_id}'.",
            "search for it on the home page to find its id.",
        )
    profile = rows[0]
    _, _, events = queries.run(db, "timeline", {"actor": entity_id, "limit": "500"})
    view = graph_views.neighbourhood(db, entity_id, 1, settings.graph_node_cap)
    return render(
        request,
        "entity.html",
        e=profile,
        events=events,
        view=view,
        graph_view=view,
        is_instrument="Instrument" in profile["labels"],
        party_note=party_note.note(db, entity_id) if "Instrument" in profile["labels"] else None,
        api_url=f"/api/entities/{entity_id}",
        csv_url=f"/api/events?{urlencode({'actor': entity_id, 'format': 'csv'})}",
    )


def timeline_layout(
    rows: list[dict[str, Any]],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Position each event on a shared axis: a dot for a day, a bar from earliest to latest."""
    days = [date.fromisoformat(d) for r in rows for d in (r["earliest"], r["latest"]) if d]
    if not days:
        return [{**r, "bar": None} for r in rows], []
    lo, hi = min(days), max(days)
    lo, hi = lo - timedelta(days=15), hi + timedelta(days=15)
    span = (hi - lo).days

    def pos(d: date) -> float:
        return round((d - lo).days / span * 100, 3)

    placed = []
    for r in rows:
        if not r["earliest"] and not r["latest"]:
            placed.append({**r, "bar": None})
            continue
        start = date.fromisoformat(r["earliest"]) if r["earliest"] else lo
        end = date.fromisoformat(r["latest"]) if r["latest"] else hi
        left, right = pos(start), pos(end)
        placed.append(
            {
                **r,
                "bar": {
                    "left": left,
                    "width": max(right - left, 0.0),
                    "point": start == end,
                    "open_start": not r["earliest"],
                    "open_end": not r["latest"],
                    "text": f"{r['earliest'] or '…'} to {r['latest'] or '…'}",
                },
            }
        )
    ticks = []
    for year in range(lo.year + 1, hi.year + 1):
        ticks.append({"left": pos(date(year, 1, 1)), "label": str(year), "major": True})
    if span <= 800:
        d = date(lo.year, lo.month, 1)
        while d <= hi:
            if d > lo and d.month != 1:
                ticks.append({"left": pos(d), "label": d.strftime("%b"), "major": False})
            d = date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    return placed, ticks


def rows_reviewed_only(raw: str | None) -> bool:
    """The timeline's reviewed_only flag as the named query reads it."""
    return raw is not None and raw.lower() in queries.TRUE


def timeline_data_url(form: dict[str, Any], limit: str, offset: str, fmt: str | None = None) -> str:
    """The timeline as data: /api/events, or the named query for filters only it takes."""
    paging = {"limit": limit, "offset": offset if offset != "0" else None, "format": fmt}
    if not (form["types"] or form["counterparty"]):
        return with_query("/api/events", {**form, **paging})
    named = {"date_from": form["from"], "date_to": form["to"], "from": None, "to": None}
    return with_query("/api/queries/timeline", {**form, **named, **paging})


@router.get("/timeline", response_class=HTMLResponse)
def timeline_page(request: Request, db: DbDep) -> Response:
    """Events along a time axis, filtered by actor, type and date range."""
    actor = arg(request, "actor")
    if actor:
        check_id(actor, "actor")
    type_ = arg(request, "type", 50)
    # several types: repeated (the form's checkboxes) or comma-separated (a pasted link)
    types = ",".join(v.strip() for v in request.query_params.getlist("types") if v.strip())
    counterparty = arg(request, "counterparty")
    if counterparty:
        check_id(counterparty, "counterparty")
    start, end = (
        graph_results.day_param("from", arg(request, "from", 20)),
        graph_results.day_param("to", arg(request, "to", 20)),
    )
    if start and end and start > end:
        raise BadParameter("from", f"{start} is after to={end}; swap them")
    limit = arg(request, "limit", 5) or "200"
    if not limit.isdigit() or not 1 <= int(limit) <= 1000:
        raise BadParameter("limit", f"'{limit}' is not a whole number from 1 to 1000")
    offset = arg(request, "offset", 6) or "0"
    if not offset.isdigit() or int(offset) > 100_000:
        raise BadParameter("offset", f"'{offset}' is not a whole number from 0 to 100000")
    reviewed_only = arg(request, "reviewed_only", 5) or None
    raw = {
        "actor": actor,
        "type": type_,
        "types": types or None,
        "counterparty": counterparty,
        "date_from": start and start.isoformat(),
        "date_to": end and end.isoformat(),
        "limit": str(int(limit) + 1),
        "offset": offset,
        "reviewed_only": reviewed_only,
    }
    _, bound, rows = queries.run(db, "timeline", raw)
    more = len(rows) > int(limit)
    placed, ticks = timeline_layout(rows[: int(limit)])
    form = {
        "actor": actor,
        "type": type_,
        "types": ",".join(bound["types"] or []) or None,
        "counterparty": counterparty,
        "from": start and start.isoformat(),
        "to": end and end.isoformat(),
        "reviewed_only": "true" if rows_reviewed_only(reviewed_only) else None,
    }
    paging = {"limit": limit if limit != "200" else None}
    later = int(offset) + int(limit) if more else None
    earlier = max(int(offset) - int(limit), 0) if int(offset) > 0 else None
    return render(
        request,
        "timeline.html",
        events=placed,
        ticks=ticks,
        form=form,
        offset=int(offset),
        later_url=with_query("/timeline", {**form, **paging, "offset": later}) if later else None,
        earlier_url=(
            with_query("/timeline", {**form, **paging, "offset": earlier or None})
            if earlier is not None
            else None
        ),
        event_types=load_schema().event_types,
        api_url=timeline_data_url(form, limit, offset),
        csv_url=timeline_data_url(form, limit, offset, "csv"),
    )


@router.get("/queries", response_class=HTMLResponse)
def queries_index(request: Request) -> Response:
    """Every named query, with a link to its form."""
    return render(
        request, "queries.html", queries=list(queries.registry().values()), api_url="/api/queries"
    )


def param_choices(p: queries.Param) -> list[str] | None:
    """The values a form offers for a parameter (None: a free text box)."""
    schema = load_schema()
    if p.type == "kind":
        return ["any", *schema.entity_kinds]
    if p.type == "event_type":
        return list(schema.event_types)
    if p.type in queries.CHOICES:
        return list(queries.CHOICES[p.type])
    if p.type == "bool":
        return ["false", "true"]
    return None


@router.get("/queries/{name}", response_class=HTMLResponse)
def query_page(name: str, request: Request, db: DbDep, settings: SettingsDep) -> Response:
    """A form built from the query's header; results as a table, a graph and a CSV link."""
    query = queries.get(name)
    raw = query_raw(request, {"format", "as_recorded"})
    if not raw and not any(p.required for p in query.params):
        raw = dict(query.example)  # a bare visit runs the header's example: small and fast
    ran = bool(raw) or not any(p.required for p in query.params)
    rows: list[dict[str, Any]] = []
    view = None
    given = {k: v for k, v in raw.items() if v != ""}
    if ran:
        _, _, rows = queries.run(db, name, raw, timeout=settings.cypher_timeout)
        view = graph_results.for_query(
            db, query, rows, settings.graph_node_cap, with_query(f"/api/queries/{name}", given)
        )
    values = {p.name: raw.get(p.name, "") for p in query.params}
    fields = [
        {
            "p": p,
            "value": values[p.name],
            "choices": param_choices(p),
            "default": to_json(p.default),
        }
        for p in query.params
    ]
    columns = list(rows[0].keys()) if rows else []
    partial = None
    if ran and name == "parties-to" and rows:
        partial = party_note.note(db, rows[0]["target_id"], len({r["actor_id"] for r in rows}))
    return render(
        request,
        "query.html",
        query=query,
        fields=fields,
        ran=ran,
        rows=rows,
        columns=columns,
        view=view,
        graph_view=view,
        example_url=with_query(f"/queries/{name}", query.example),
        api_url=with_query(f"/api/queries/{name}", given),
        csv_url=with_query(f"/api/queries/{name}", {**given, "format": "csv"}),
        graph_url=with_query(f"/graph/query/{name}", given),
        party_note=partial,
    )

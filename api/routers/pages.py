"""Server-rendered pages (Jinja2) and the interactive graph views; everything served locally.

Parameters are read from the query string by hand (not by FastAPI's validation) so that a bad
value becomes a readable 422 page naming the parameter; govgraph errors become HTML pages too.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

import queries
from api import graphviz
from api.deps import DbDep, SettingsDep
from api.routers.entities import search_entities
from govgraph import __version__
from govgraph.errors import BadParameter, GovGraphError
from graph.readonly import run_readonly
from graph.schema import ID_PATTERN, load_schema

API_DIR = Path(__file__).resolve().parent.parent
TEMPLATES = Jinja2Templates(directory=str(API_DIR / "templates"))
TEMPLATES.env.filters["date_label"] = graphviz.date_label
TEMPLATES.env.globals["version"] = __version__
TEMPLATES.env.globals["page_url"] = graphviz.page_url
TEMPLATES.env.tests["govgraph_id"] = lambda v: isinstance(v, str) and bool(ID_PATTERN.match(v))
# vis-network ships inside the installed pyvis package; /static serves it from there.
VIS_PACKAGE = ("pyvis", "lib/vis-9.1.2")
AGREEMENT_KINDS = ("program", "commitments", "declaration", "mou", "code_of_practice", "treaty")
MAX_TEXT = 200
EXAMPLE_CYPHER = (
    "MATCH (a:Actor)-[r:PARTY_TO]->(p:Program)\n"
    "RETURN a.name AS actor, r.date AS date, p.name AS program, a, r, p\nLIMIT 25"
)
STATUS_TEXT = {
    400: "Query rejected",
    401: "Not allowed",
    404: "Not found",
    408: "Timed out",
    422: "Bad parameter",
    503: "Database unavailable",
}


def static_files() -> StaticFiles:
    """Our CSS and script, plus vis-network's JS and CSS straight from the pyvis package."""
    return StaticFiles(directory=str(API_DIR / "static"), packages=[VIS_PACKAGE])


def error_page(
    request: Request, status: int, message: str, fix: str | None = None, param: str | None = None
) -> HTMLResponse:
    """The HTML form of the API's one error shape."""
    return TEMPLATES.TemplateResponse(
        request,
        "error.html",
        {
            "status": status,
            "heading": STATUS_TEXT.get(status, "Error"),
            "message": message,
            "fix": fix,
            "param": param,
        },
        status_code=status,
    )


class PageRoute(APIRoute):
    """A route whose govgraph and validation errors come back as HTML pages."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page_handler(request: Request) -> Response:
            try:
                return await handler(request)
            except GovGraphError as exc:
                return error_page(
                    request, exc.http_status, exc.message, exc.fix, getattr(exc, "param", None)
                )
            except RequestValidationError as exc:
                first = exc.errors()[0] if exc.errors() else {"loc": ("request",), "msg": "bad"}
                param = str(first["loc"][-1])
                return error_page(
                    request,
                    422,
                    f"parameter '{param}': {first['msg']}",
                    "correct the parameter named above.",
                    param,
                )

        return page_handler


router = APIRouter(route_class=PageRoute, include_in_schema=False)


# ------------------------------------------------------------------------------------ helpers


def arg(request: Request, name: str, max_len: int = MAX_TEXT) -> str | None:
    """One query-string value (None when absent or empty); BadParameter when repeated or long."""
    values = request.query_params.getlist(name)
    if len(values) > 1:
        raise BadParameter(name, "was given more than once")
    if not values or not values[0].strip():
        return None
    value = values[0].strip()
    if len(value) > max_len:
        raise BadParameter(name, f"is longer than {max_len} characters")
    return value


def check_id(value: str, name: str) -> str:
    if not ID_PATTERN.match(value) or len(value) > MAX_TEXT:
        raise BadParameter(name, f"'{value[:100]}' is not an id such as org:openai")
    return value


def render(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    return TEMPLATES.TemplateResponse(request, name, context, status_code=status)


def query_string(params: dict[str, Any]) -> str:
    return urlencode({k: v for k, v in params.items() if v not in (None, "")})


def with_query(path: str, params: dict[str, Any]) -> str:
    qs = query_string(params)
    return f"{path}?{qs}" if qs else path


def graph_response(request: Request, view: graphviz.GraphView, **context: Any) -> Response:
    """A graph page, or its JSON with ?format=json."""
    fmt = arg(request, "format", 10)
    if fmt not in (None, "html", "json"):
        raise BadParameter("format", f"'{fmt}' is not a format; use html or json")
    if fmt == "json":
        return JSONResponse(view.public())
    own = dict(request.query_params)
    own["format"] = "json"
    return render(
        request,
        "graph.html",
        view=view,
        graph_view=view,
        json_url=with_query(request.url.path, own),
        **context,
    )


# -------------------------------------------------------------------------------------- pages

LATEST_COUNT = "MATCH (e:Event) RETURN count(e) AS n"


@router.get("/", response_class=HTMLResponse)
@router.get("/search", response_class=HTMLResponse)
def home(request: Request, db: DbDep) -> Response:
    """Search names and aliases; entry points into the latest events and main instruments."""
    q = arg(request, "q")
    results = search_entities(db, q, None, 25, 0).data if q else None
    total = db.rows(LATEST_COUNT)[0]["n"]
    _, _, latest = queries.run(db, "timeline", {"limit": "10", "offset": str(max(total - 10, 0))})
    _, _, instruments = queries.run(db, "instruments", {"kind": "any"})
    agreements = [i for i in instruments if i["kind"] in AGREEMENT_KINDS]
    return render(
        request,
        "home.html",
        q=q,
        results=results,
        latest=list(reversed(latest)),
        agreements=agreements,
        api_url=with_query("/api/entities", {"q": q}) if q else "/api/events",
    )


@router.get("/entity/{entity_id}", response_class=HTMLResponse)
def entity_page(entity_id: str, request: Request, db: DbDep, settings: SettingsDep) -> Response:
    """Facts about one actor or instrument, dated and cited, with its neighbourhood graph."""
    check_id(entity_id, "entity_id")
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
    view = graphviz.neighbourhood(db, entity_id, 1, settings.graph_node_cap)
    return render(
        request,
        "entity.html",
        e=profile,
        events=events,
        view=view,
        graph_view=view,
        is_instrument="Instrument" in profile["labels"],
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


@router.get("/timeline", response_class=HTMLResponse)
def timeline_page(request: Request, db: DbDep) -> Response:
    """Events along a time axis, filtered by actor, type and date range."""
    actor = arg(request, "actor")
    if actor:
        check_id(actor, "actor")
    type_ = arg(request, "type", 50)
    start, end = (
        graphviz._day("from", arg(request, "from", 20)),
        graphviz._day("to", arg(request, "to", 20)),
    )
    if start and end and start > end:
        raise BadParameter("from", f"{start} is after to={end}; swap them")
    limit = arg(request, "limit", 5) or "200"
    if not limit.isdigit() or not 1 <= int(limit) <= 1000:
        raise BadParameter("limit", f"'{limit}' is not a whole number from 1 to 1000")
    offset = arg(request, "offset", 6) or "0"
    if not offset.isdigit() or int(offset) > 100_000:
        raise BadParameter("offset", f"'{offset}' is not a whole number from 0 to 100000")
    raw = {
        "actor": actor,
        "type": type_,
        "date_from": start and start.isoformat(),
        "date_to": end and end.isoformat(),
        "limit": str(int(limit) + 1),
        "offset": offset,
    }
    _, _, rows = queries.run(db, "timeline", raw)
    more = len(rows) > int(limit)
    placed, ticks = timeline_layout(rows[: int(limit)])
    form = {
        "actor": actor,
        "type": type_,
        "from": start and start.isoformat(),
        "to": end and end.isoformat(),
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
        api_url=with_query(
            "/api/events", {**form, "limit": limit, "offset": offset if offset != "0" else None}
        ),
        csv_url=with_query(
            "/api/events",
            {**form, "limit": limit, "offset": offset if offset != "0" else None, "format": "csv"},
        ),
    )


@router.get("/queries", response_class=HTMLResponse)
def queries_index(request: Request) -> Response:
    """Every named query, with a link to its form."""
    return render(
        request, "queries.html", queries=list(queries.registry().values()), api_url="/api/queries"
    )


def param_choices(p: queries.Param) -> list[str] | None:
    schema = load_schema()
    if p.type == "kind":
        return ["any", *schema.types["Actor"].kinds, *schema.types["Instrument"].kinds]
    if p.type == "event_type":
        return list(schema.event_types)
    return None


def query_raw(request: Request, reserved: set[str]) -> dict[str, str]:
    raw: dict[str, str] = {}
    for key, value in request.query_params.multi_items():
        if key in reserved:
            continue
        if key in raw:
            raise BadParameter(key[:64], "was given more than once")
        raw[key] = value
    return raw


@router.get("/queries/{name}", response_class=HTMLResponse)
def query_page(name: str, request: Request, db: DbDep, settings: SettingsDep) -> Response:
    """A form built from the query's header; results as a table, a graph and a CSV link."""
    query = queries.get(name)
    raw = query_raw(request, {"format"})
    ran = bool(raw) or not any(p.required for p in query.params)
    rows: list[dict[str, Any]] = []
    view = None
    given = {k: v for k, v in raw.items() if v != ""}
    if ran:
        _, _, rows = queries.run(db, name, raw, timeout=settings.cypher_timeout)
        view = graphviz.from_rows(
            db,
            f"{query.title}: records in the result",
            rows,
            settings.graph_node_cap,
            "narrow the query's parameters.",
            api_url=with_query(f"/api/queries/{name}", given),
        )
    values = {p.name: raw.get(p.name, "") for p in query.params}
    fields = [
        {
            "p": p,
            "value": values[p.name],
            "choices": param_choices(p),
            "default": queries.jsonable(p.default),
        }
        for p in query.params
    ]
    columns = list(rows[0].keys()) if rows else []
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
    )


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
            view = graphviz.cypher_graph(db, result.rows, settings.graph_node_cap)
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
            f"--data '{json.dumps(body)}' {request.base_url}api/cypher"
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
    kinds = graphviz.parse_kinds(kinds_raw)
    start, end = arg(request, "from", 20), arg(request, "to", 20)
    view = graphviz.whole(db, kinds, start, end, settings.graph_node_cap)
    return graph_response(
        request,
        view,
        mode="whole",
        all_kinds=graphviz.all_kinds(),
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
    view = graphviz.from_rows(
        db,
        f"{query.title}: records in the result",
        rows,
        settings.graph_node_cap,
        "narrow the query's parameters.",
        api_url=with_query(f"/api/queries/{name}", given),
    )
    return graph_response(
        request,
        view,
        mode="query",
        query=query,
        form_url=with_query(f"/queries/{name}", given),
        api_url=view.api_url,
    )

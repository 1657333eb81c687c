"""Shared pieces of the HTML pages: templates, error pages, the page route, query strings."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from govgraph import __version__
from govgraph.api import graph_style
from govgraph.api.graph_network import GraphView
from govgraph.core.errors import BadParameter, GovGraphError
from govgraph.core.ids import is_id
from govgraph.graph.schema import load_schema

API_DIR = Path(__file__).resolve().parent
TEMPLATES = Jinja2Templates(directory=str(API_DIR / "templates"))
TEMPLATES.env.filters["date_label"] = graph_style.date_label
TEMPLATES.env.globals["version"] = __version__
TEMPLATES.env.globals["page_url"] = graph_style.page_url
TEMPLATES.env.tests["govgraph_id"] = is_id
# vis-network ships inside the installed pyvis package; /static serves it from there.
VIS_PACKAGE = ("pyvis", "lib/vis-9.1.2")
# Instruments actors join: the kinds the schema labels Agreement or Program.
AGREEMENT_LABELS = ("Agreement", "Program")
MAX_TEXT = 200
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


# ------------------------------------------------------------------------------------ helpers


def agreement_kinds() -> tuple[str, ...]:
    """Instrument kinds actors join or hold out from (agreements and programs), from the schema."""
    return tuple(
        kind.name
        for t in load_schema().entity_types
        for kind in t.kinds.values()
        if set(kind.labels) & set(AGREEMENT_LABELS)
    )


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


def render(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    """A page from its template and context."""
    return TEMPLATES.TemplateResponse(request, name, context, status_code=status)


def query_string(params: dict[str, Any]) -> str:
    """A query string of the params that have a value."""
    return urlencode({k: v for k, v in params.items() if v not in (None, "")})


def with_query(path: str, params: dict[str, Any]) -> str:
    """The path with the params that have a value as its query string."""
    qs = query_string(params)
    return f"{path}?{qs}" if qs else path


def graph_response(request: Request, view: GraphView, **context: Any) -> Response:
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

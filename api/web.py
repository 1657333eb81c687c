"""Shared pieces of the HTML pages: templates, error pages, the page route, query strings."""

from __future__ import annotations

import json
import re
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
from markupsafe import Markup

from govgraph import __version__
from govgraph.api import citation, graph_style, phrases
from govgraph.api.errors import RETRY_AFTER_SECONDS
from govgraph.api.graph_network import GraphView
from govgraph.core.errors import BadParameter, GovGraphError
from govgraph.core.ids import is_id
from govgraph.graph.schema import load_schema

API_DIR = Path(__file__).resolve().parent
TEMPLATES = Jinja2Templates(directory=str(API_DIR / "templates"))
TEMPLATES.env.filters["date_label"] = lambda v, precision=None, recorded=None: (
    graph_style.date_label(v, precision, recorded)
    if isinstance(v, str)
    else ""
    if v is None
    else str(v)
)
TEMPLATES.env.filters["phrase"] = phrases.phrase
TEMPLATES.env.filters["human"] = phrases.label
TEMPLATES.env.globals["cite_event"] = lambda row, request: citation.event(
    row, server_origin(request)
)
TEMPLATES.env.globals["cite_relationship"] = lambda subject, rel, request, sources=None: (
    citation.relationship(subject, rel, server_origin(request), sources)
)
TEMPLATES.env.globals["cite_row"] = lambda title, row, request, url: citation.query_row(
    title, row, server_origin(request), url
)
TEMPLATES.env.globals["version"] = __version__
TEMPLATES.env.globals["page_url"] = lambda v, row=None: (
    graph_style.page_url(v, row) if isinstance(v, str) and is_id(v) else None
)
TEMPLATES.env.tests["govgraph_id"] = is_id
# A lone surrogate (JSON text such as "\\ud800") cannot be encoded as UTF-8: print U+FFFD.
SURROGATES = re.compile("[\ud800-\udfff]")


def _encodable(value: Any) -> Any:
    """Every value a template prints, made encodable (Markup stays Markup)."""
    if isinstance(value, str) and SURROGATES.search(value):
        cleaned = SURROGATES.sub("\ufffd", value)
        return Markup(cleaned) if isinstance(value, Markup) else cleaned
    return value


TEMPLATES.env.finalize = _encodable
# vis-network ships inside the installed pyvis package, Swagger UI and ReDoc inside
# fastapi-offline; /static serves them from there, so no page needs a CDN.
VIS_PACKAGE = ("pyvis", "lib/vis-9.1.2")
DOCS_PACKAGE = ("fastapi_offline", "static")
# Instruments actors join: the kinds the schema labels Agreement or Program.
AGREEMENT_LABELS = ("Agreement", "Program")
MAX_TEXT = 200
STATUS_TEXT = {
    400: "Query rejected",
    401: "Sign-in needed",
    403: "Not allowed",
    404: "Not found",
    408: "Timed out",
    422: "Bad parameter",
    503: "Database unavailable",
}


def static_files() -> StaticFiles:
    """Our CSS and scripts, plus vis-network's and the API docs' assets from their packages."""
    return StaticFiles(directory=str(API_DIR / "static"), packages=[VIS_PACKAGE, DOCS_PACKAGE])


def json_text(value: Any) -> str:
    """Compact JSON for a page; a value nested too deeply to encode says so instead."""
    try:
        return json.dumps(value, ensure_ascii=False, default=str)
    except (RecursionError, ValueError):
        return "(nested too deeply to show)"


TEMPLATES.env.filters["json_text"] = json_text


def server_origin(request: Request) -> str:
    """This server's origin: the Host header once the allowlist vetted it, else the socket's."""
    if getattr(request.state, "host_verified", False):
        return str(request.base_url).rstrip("/")
    host, port = request.scope.get("server") or ("127.0.0.1", 8000)
    name = f"[{host}]" if ":" in str(host) else str(host)
    default = {"http": 80, "https": 443}.get(request.url.scheme)
    return f"{request.url.scheme}://{name}" + ("" if port in (None, default) else f":{port}")


def error_page(
    request: Request, status: int, message: str, fix: str | None = None, param: str | None = None
) -> HTMLResponse:
    """The HTML form of the API's one error shape."""
    return render(
        request,
        "error.html",
        status,
        heading=STATUS_TEXT.get(status, "Error"),
        message=message,
        fix=fix,
        param=param,
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


def query_raw(request: Request, reserved: set[str]) -> dict[str, str]:
    """The query string as a named query's raw parameters (a repeated name is refused)."""
    raw: dict[str, str] = {}
    for key, value in request.query_params.multi_items():
        if key in reserved:
            continue
        if key in raw:
            raise BadParameter(key[:64], "was given more than once")
        raw[key] = value
    return raw


def render(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    """A page from its template and context; a 503 says when to try again, as the API does."""
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)} if status == 503 else None
    return TEMPLATES.TemplateResponse(
        request, name, {"status": status, **context}, status_code=status, headers=headers
    )


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

"""The API's reference pages (Swagger UI at /docs, ReDoc at /redoc), with assets served locally."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from govgraph.api.security import csp
from govgraph.api.web import render

router = APIRouter(include_in_schema=False)


def openapi_url(request: Request) -> str:
    """Where this app serves its OpenAPI document, behind any root path."""
    return f"{request.scope.get('root_path', '')}{request.app.openapi_url}"


@router.get("/docs", response_class=HTMLResponse)
def swagger_ui(request: Request) -> Response:
    """Swagger UI: try the API from the browser; no script or font comes from elsewhere."""
    return render(
        request, "swagger.html", openapi_url=openapi_url(request), title=request.app.title
    )


@router.get("/redoc", response_class=HTMLResponse)
def redoc(request: Request) -> Response:
    """ReDoc: the same reference as one long page (its CSP allows inline styles, see csp)."""
    page = render(request, "redoc.html", openapi_url=openapi_url(request), title=request.app.title)
    page.headers["content-security-policy"] = csp(None)
    return page

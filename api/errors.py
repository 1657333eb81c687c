"""Turn govgraph errors (and FastAPI's own) into the one JSON error shape."""

from __future__ import annotations

import json
import logging
import re

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from neo4j.exceptions import DriverError, Neo4jError
from starlette.exceptions import HTTPException

from govgraph.core.errors import ConnectionFailed, GovGraphError
from govgraph.graph import readonly
from govgraph.graph.db import unavailable

log = logging.getLogger("govgraph.api")
RETRY_AFTER_SECONDS = 2  # what a 503 tells the client to wait


def _code(exc: Exception) -> str:
    """An error code from the exception class name (QueryTimeout -> query_timeout)."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", type(exc).__name__).lower()


def error_response(
    status: int, code: str, message: str, retry_after: int | None = None, **extra: object
) -> Response:
    """The API's one error shape; encodable whatever it echoes (a lone surrogate becomes '?')."""
    body = {
        "code": code,
        "message": message,
        **{k: v for k, v in extra.items() if v not in (None, "")},
    }
    text = json.dumps({"error": body}, ensure_ascii=False, separators=(",", ":"))
    if status == 503:
        retry_after = retry_after or RETRY_AFTER_SECONDS
    headers = {"Retry-After": str(retry_after)} if retry_after else None
    if status == 401:
        headers = {**(headers or {}), "WWW-Authenticate": 'Bearer realm="govgraph"'}
    return Response(
        text.encode("utf-8", "replace"),
        status_code=status,
        media_type="application/json",
        headers=headers,
    )


def public(exc: GovGraphError) -> GovGraphError:
    """The error as an HTTP client may see it: a connection failure names no address."""
    if isinstance(exc, ConnectionFailed):
        return unavailable(exc.message)
    return exc


def response_for(exc: GovGraphError) -> Response:
    """A govgraph error as the JSON error shape, with its own status, message and fix."""
    exc = public(exc)
    return error_response(
        exc.http_status,
        _code(exc),
        exc.message,
        fix=exc.fix,
        param=getattr(exc, "param", None),
        neo4j_code=getattr(exc, "neo4j_code", None),
        record_id=getattr(exc, "record_id", None),
        current_revision=getattr(exc, "current_revision", None),
        retry_after=getattr(exc, "retry_after", None),
    )


def install(app: FastAPI) -> None:
    """Register the handlers on an app."""

    @app.exception_handler(GovGraphError)
    async def govgraph_error(request: Request, exc: GovGraphError) -> Response:
        """A govgraph error with its own status, message and fix."""
        return response_for(exc)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        """A 422 naming the first parameter FastAPI refused."""
        first = exc.errors()[0] if exc.errors() else {"loc": ("request",), "msg": "invalid"}
        # A body that is not JSON at all names the body, not the character offset it broke at.
        param = "body" if first.get("type") == "json_invalid" else str(first["loc"][-1])
        detail = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()[:5])
        return error_response(
            422,
            "bad_parameter",
            f"parameter '{param}': {detail}",
            fix="correct the parameter named above (see /docs).",
            param=param,
        )

    @app.exception_handler(Neo4jError)
    async def neo4j_error(request: Request, exc: Neo4jError) -> Response:
        """A driver error, mapped to a govgraph error first."""
        mapped = readonly.neo4j_error(exc)
        return await govgraph_error(request, mapped)

    @app.exception_handler(DriverError)
    async def driver_error(request: Request, exc: DriverError) -> Response:
        """A connection the driver gave up on: busy or unavailable, never a 500."""
        return await govgraph_error(request, unavailable(f"{type(exc).__name__}: {exc}"))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        """Anything else: logged, and a 500 without internals."""
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return error_response(
            500,
            "internal_error",
            "An unexpected error occurred.",
            fix="retry; if it persists, report it with the request URL.",
        )

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        """Starlette's own errors (unknown route, wrong method) in the same shape."""
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return error_response(exc.status_code, code, str(exc.detail))

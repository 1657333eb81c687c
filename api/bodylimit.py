"""A cap on request bodies, declared or chunked: more than GOVGRAPH_MAX_BODY_BYTES is a 413."""

from __future__ import annotations

from fastapi import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from govgraph.api.errors import error_response

FIX = "send less: one record at a time, text in our own words, not whole documents."


def too_large(limit: int) -> str:
    return f"The request body is larger than {limit} bytes."


class BodyLimit:
    """Refuse a declared length over the limit at once; stop reading a chunked body past it."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.max_bytes:
            response = error_response(413, "body_too_large", too_large(self.max_bytes), fix=FIX)
            await response(scope, receive, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    # Raised inside the app's body parsing: FastAPI lets an HTTPException
                    # through, and the error handlers give it the API's error shape.
                    raise HTTPException(413, detail=too_large(self.max_bytes))
            return message

        await self.app(scope, counted, send)

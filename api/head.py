"""HEAD wherever GET is: the GET handler runs, its status and headers go out, its body does not."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class HeadAsGet:
    """ASGI middleware answering HEAD with what GET would send, minus the body.

    Uptime monitors and link checkers send HEAD; FastAPI routes list GET only (405 otherwise).
    The request goes on as GET in a copy of the scope, so the server still sees HEAD and keeps
    the Content-Length the GET response declared.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def send_headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return  # nothing to send until the last part
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, send_headers_only)

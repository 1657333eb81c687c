"""Every response's security layer: a Host allowlist, security headers, relative redirects.

It wraps the whole middleware stack (see `HardenedApp`), so 404s, 422s, static files and even
the 500 of an unexpected error carry the headers too.
"""

from __future__ import annotations

import json
import re
import secrets
from urllib.parse import urlsplit

from fastapi import FastAPI
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from govgraph.core.settings import Settings

# Names a loopback server always answers to; GOVGRAPH_HOST and GOVGRAPH_ALLOWED_HOSTS add more.
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
# No inline script at all; inline <style> only with this response's nonce (the timeline's
# positions). vis-network styles its canvas and tooltips through the CSSOM, which style-src does
# not govern. Only /redoc relaxes style-src (see `csp`).
CSP = (
    "default-src 'none'; script-src 'self'; style-src {styles}; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'"
)
STATIC_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "cross-origin-opener-policy": "same-origin",
}
# A Host header is a name or an IP literal and an optional port: nothing else (no user info).
HOST_HEADER = re.compile(r"^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::[0-9]{1,5})?$")
BAD_HOST = {
    "error": {
        "code": "bad_host",
        "message": "This server does not answer to the host name in the request's Host header.",
        "fix": "use the address govgraph serve printed, or add the name to GOVGRAPH_ALLOWED_HOSTS.",
    }
}


def csp(nonce: str | None) -> str:
    """The Content-Security-Policy: inline styles by nonce, or (nonce None) any inline style.

    ReDoc's bundle injects <style> elements before it can be handed a nonce, so /redoc, which
    shows nothing but our own OpenAPI document, is the one page served with the second form.
    """
    return CSP.format(styles=f"'self' 'nonce-{nonce}'" if nonce else "'self' 'unsafe-inline'")


def allowed_hosts(settings: Settings) -> frozenset[str] | None:
    """The Host names the app answers to; None when GOVGRAPH_ALLOWED_HOSTS is '*'."""
    if "*" in settings.allowed_hosts:
        return None
    return frozenset({*LOOPBACK_HOSTS, settings.host.lower(), *settings.allowed_hosts})


def host_name(host_header: str) -> str:
    """The name in a Host header ('[::1]:8000' -> '::1'), lower case; '' unless well formed."""
    match = HOST_HEADER.match(host_header)
    return match.group(1).strip("[]").lower() if match else ""


class SecurityLayer:
    """ASGI middleware: refuse unknown Host names, add the headers, make redirects relative."""

    def __init__(self, app: ASGIApp, hosts: frozenset[str] | None) -> None:
        self.app = app
        self.hosts = hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        nonce = secrets.token_urlsafe(16)
        state = scope.setdefault("state", {})
        state["csp_nonce"] = nonce
        state["host_verified"] = self.hosts is not None
        headers = Headers(scope=scope)
        host = host_name(headers.get("host", ""))

        async def send_secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                out = MutableHeaders(scope=message)
                for name, value in STATIC_HEADERS.items():
                    out.setdefault(name, value)
                out.setdefault("content-security-policy", csp(nonce))
                if "location" in out:
                    out["location"] = relative(out["location"], host)
            await send(message)

        if not self.allowed(host, scope):
            await self.refuse(send_secured)
            return
        await self.app(scope, receive, send_secured)

    def allowed(self, host: str, scope: Scope) -> bool:
        """A known name, or the address of the socket the request came in on."""
        if self.hosts is None:
            return True
        server = (scope.get("server") or (None, None))[0]
        return host in self.hosts or (bool(host and server) and host == str(server).lower())

    @staticmethod
    async def refuse(send: Send) -> None:
        body = json.dumps(BAD_HOST).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 400,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


def relative(location: str, host: str) -> str:
    """A redirect to this server as a path only, so no Host header is ever echoed back."""
    parts = urlsplit(location)
    if parts.scheme in ("http", "https") and (parts.hostname or "").lower() == host:
        path = "/" + parts.path.lstrip("/\\")  # never '//name', which a browser reads as a host
        query = f"?{parts.query}" if parts.query else ""
        return path + query + (f"#{parts.fragment}" if parts.fragment else "")
    return location


class HardenedApp(FastAPI):
    """A FastAPI app whose whole stack, the 500 handler included, sits inside SecurityLayer."""

    def build_middleware_stack(self) -> ASGIApp:
        settings: Settings = self.state.settings
        return SecurityLayer(super().build_middleware_stack(), allowed_hosts(settings))

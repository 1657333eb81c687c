"""A real HTTP server on 127.0.0.1 that serves the recorded payloads, with faults on demand.

Routes map a URL path to a file under the datasets folder (served unchanged), to a `Paged` set
of recorded results (served as the Federal Register API pages them, `next_page_url` pointing
back here), or to a `Redirect`. Faults (429, 503, a dropped connection, a truncated page) hit
the Nth request or every request whose path matches. Every request is logged.
"""

from __future__ import annotations

import gzip
import json
import math
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

# The per-president files of executive orders, in the order the presidents served.
PRESIDENT_FILES = ("william-j-clinton", "george-w-bush", "barack-obama", "donald-trump")


@dataclass(frozen=True)
class Paged:
    """Recorded results served in API-shaped pages; `?page=N` picks one, other params stay."""

    results: tuple[dict[str, Any], ...]
    per_page: int
    description: str = "recorded results, re-paged"

    @property
    def total_pages(self) -> int:
        return max(1, math.ceil(len(self.results) / self.per_page))

    def page(self, base: str, path: str, query: str) -> bytes:
        params = dict(parse_qsl(query))
        n = int(params.get("page", "1"))
        body: dict[str, Any] = {
            "count": len(self.results),
            "description": self.description,
            "total_pages": self.total_pages,
        }
        if n < self.total_pages:
            body["next_page_url"] = f"{base}{path}?{urlencode({**params, 'page': n + 1})}"
        body["results"] = list(self.results[(n - 1) * self.per_page : n * self.per_page])
        return json.dumps(body).encode()


@dataclass(frozen=True)
class Redirect:
    """Answer 301 pointing at another path of this server."""

    to: str


Route = str | Paged | Redirect  # a str is a file path relative to the datasets folder


@dataclass
class Fault:
    """Misbehave on the Nth request (`on`) or on requests whose path holds `match`."""

    kind: str  # "429" | "503" | "drop" (connection closed mid-body) | "truncate" (half a body)
    on: int | None = None
    match: str | None = None
    times: int | None = 1  # None: every time
    retry_after: str = "1"

    def hits(self, n: int, target: str) -> bool:
        if self.times is not None and self.times <= 0:
            return False
        if self.on is not None and n != self.on:
            return False
        return self.match is None or self.match in target


@dataclass(frozen=True)
class Logged:
    """One request as the server saw it."""

    n: int
    at: float  # time.monotonic() when it arrived
    target: str  # path and query
    user_agent: str
    accept_encoding: str
    answer: str  # status code, or the fault served


@dataclass
class PayloadServer:
    """The running server: its base URL, its request log and its faults (both mutable)."""

    url: str
    log: list[Logged] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)

    def targets(self) -> list[str]:
        return [entry.target for entry in self.log]


def federal_register_results(root: Path) -> tuple[dict[str, Any], ...]:
    """Every recorded executive order of the per-president files, in file order."""
    results: list[dict[str, Any]] = []
    for name in PRESIDENT_FILES:
        results += json.loads((root / "federal-register" / f"{name}.json").read_bytes())["results"]
    return tuple(results)


def _handler(root: Path, routes: Mapping[str, Route], state: PayloadServer) -> type:
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # quiet: the log is `state.log`
            pass

        def do_GET(self) -> None:
            split = urlsplit(self.path)
            with lock:
                n = len(state.log) + 1
                fault = next((f for f in state.faults if f.hits(n, self.path)), None)
                if fault and fault.times is not None:
                    fault.times -= 1
                answer = fault.kind if fault else "200"
                state.log.append(
                    Logged(
                        n,
                        time.monotonic(),
                        self.path,
                        self.headers.get("User-Agent", ""),
                        self.headers.get("Accept-Encoding", ""),
                        answer,
                    )
                )
            if fault and fault.kind in {"429", "503"}:
                self._send(
                    int(fault.kind), b'{"error": "try later"}', {"Retry-After": fault.retry_after}
                )
                return
            route = routes.get(split.path)
            if route is None:
                self._send(404, b'{"error": "no such recorded payload"}')
                return
            if isinstance(route, Redirect):
                self._send(301, b"", {"Location": state.url + route.to})
                return
            if isinstance(route, Paged):
                body = route.page(state.url, split.path, split.query)
            else:
                body = (root / route).read_bytes()
            if fault and fault.kind == "truncate":
                body = body[: len(body) // 2]
            self._send(200, body, drop=bool(fault and fault.kind == "drop"))

        def _send(
            self,
            status: int,
            body: bytes,
            headers: dict[str, str] | None = None,
            drop: bool = False,
        ) -> None:
            self.send_response(status)
            if "gzip" in self.headers.get("Accept-Encoding", "") and len(body) > 1024:
                body = gzip.compress(body)
                self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            if drop:  # promise the whole body, send half, hang up
                self.wfile.write(body[: len(body) // 2])
                self.wfile.flush()
                self.close_connection = True
                return
            self.wfile.write(body)

    return Handler


@contextmanager
def payload_server(root: Path, routes: Mapping[str, Route]) -> Iterator[PayloadServer]:
    """Serve ROUTES from the datasets folder ROOT on a free loopback port until the block ends."""
    state = PayloadServer(url="")
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(root, routes, state))
    httpd.daemon_threads = True
    state.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, name="payload-server", daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)

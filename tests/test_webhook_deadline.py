"""A webhook receiver that stalls, trickles or answers a huge body holds no delivery past its
deadline and delays no other webhook (split from test_webhooks.py)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from conftest import app_client
from test_webhooks import SECRET, Receiver, fast, rename, seeded, wait_until

from govgraph.api.delivery import DEADLINE_ERROR
from govgraph.core.settings import Settings
from govgraph.graph import webhooks
from govgraph.graph.db import Database
from govgraph.graph.history import latest_seq

__all__ = ["seeded"]  # the fixture, shared with test_webhooks.py


class Stalling:
    """A receiver on 127.0.0.1 that answers slowly or hugely, until told to stop.

    `headers`: the status line, then a header one byte at a time; `body`: 200 and its headers,
    then the body one byte at a time; `huge`: 500 declaring and streaming 200 MB of zeros.
    """

    def __init__(self, mode: str, pause: float = 0.2) -> None:
        self.stop = threading.Event()
        stalling = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                try:
                    self.wfile.write(stalling.head(mode))
                    self.wfile.flush()
                    for chunk in stalling.rest(mode, pause):
                        self.wfile.write(chunk)
                        self.wfile.flush()
                except OSError:  # the worker hung up: as it should
                    pass
                self.close_connection = True

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @staticmethod
    def head(mode: str) -> bytes:
        if mode == "headers":
            return b"HTTP/1.1 200 OK\r\nX-Slow: "
        if mode == "body":
            return b"HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n"
        return b"HTTP/1.1 500 Oops\r\nContent-Length: %d\r\n\r\n" % (200 * 2**20)

    def rest(self, mode: str, pause: float) -> Iterator[bytes]:
        if mode == "huge":
            zeros = bytes(2**16)
            for _ in range(200 * 2**4):
                if self.stop.is_set():
                    return
                yield zeros
            return
        while not self.stop.wait(pause):
            yield b"a"

    def __enter__(self) -> Stalling:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.server.shutdown()
        self.server.server_close()


def test_a_trickling_receiver_delays_no_other_and_times_out(
    seeded: Database, settings: Settings
) -> None:
    deadline = 2.0  # each trickle byte comes well within it: only the overall deadline ends it
    more = fast(settings, webhook_timeout=deadline, webhook_retry_seconds=60)
    with (
        Stalling("headers") as slow1,
        Stalling("headers") as slow2,
        Stalling("headers") as slow3,
        Stalling("body") as dribble,
        Receiver() as healthy,
        app_client(settings, **more),
    ):
        latest = latest_seq(seeded)
        hooks = {
            name: webhooks.register(
                seeded,
                url=r.url,
                secret=SECRET,
                description=name,
                by="test",
                delivered_seq=latest,
            )
            for name, r in (
                ("slow1", slow1),
                ("slow2", slow2),
                ("slow3", slow3),
                ("dribble", dribble),
                ("healthy", healthy),
            )
        }
        seq = rename(seeded, "org:meta", "Meta (slow receivers)")
        changed = time.monotonic()
        wait_until(lambda: healthy.received, limit=deadline)  # the demand: not delayed
        assert time.monotonic() - changed < deadline
        for name in ("slow1", "slow2", "slow3"):
            log = wait_until(lambda n=name: webhooks.deliveries(seeded, hooks[n].id), limit=10)
            assert log[0].error == DEADLINE_ERROR and log[0].status is None and not log[0].ok
            assert log[0].duration_ms < (deadline + 1) * 1000
            assert webhooks.get(seeded, hooks[name].id).delivered_seq < seq
        # The body is never read: the status is known once the headers are in.
        log = wait_until(lambda: webhooks.deliveries(seeded, hooks["dribble"].id))
        assert log[0].ok and log[0].status == 200 and log[0].duration_ms < deadline * 1000
        for hook in hooks.values():
            webhooks.set_enabled(seeded, hook.id, False, "test over")


def test_a_huge_error_body_is_never_read(seeded: Database, settings: Settings) -> None:
    with Stalling("huge") as huge, app_client(settings, **fast(settings, webhook_retry_seconds=60)):
        hook = webhooks.register(
            seeded, url=huge.url, secret=SECRET, description="huge", by="test",
            delivered_seq=latest_seq(seeded),
        )  # fmt: skip
        rename(seeded, "org:meta", "Meta (huge answer)")
        log = wait_until(lambda: webhooks.deliveries(seeded, hook.id), limit=10)
        assert log[0].status == 500 and log[0].error is None and not log[0].ok
        webhooks.set_enabled(seeded, hook.id, False, "test over")

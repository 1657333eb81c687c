"""The webhook delivery worker: each enabled webhook gets the revisions after its cursor, signed.

The revisions are the outbox: they are committed with the change, so a change is never lost
between writing it and delivering it. A webhook's cursor (`delivered_seq`) moves on only when
its receiver answered 2xx; every other outcome is logged and retried later with backoff.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import logging
import random
import time
from datetime import datetime, timedelta
from typing import Any

import httpx
from fastapi import FastAPI
from neo4j.exceptions import Neo4jError

from govgraph.api.deps import db_for
from govgraph.core.errors import GovGraphError
from govgraph.core.settings import Settings
from govgraph.graph import webhooks
from govgraph.graph.history import Revision, changes, latest_seq
from govgraph.graph.targets import IPAddress, checked_addresses
from govgraph.graph.webhooks import Webhook

log = logging.getLogger("govgraph.webhooks")
BATCH = 100  # revisions per POST
MAX_BACKOFF = 3600.0
CLAIM_MARGIN = 30.0  # seconds a claim outlives the deadline of an attempt (its log writes)
PARALLEL = 16  # webhooks delivered to at once: a slow one does not hold up the others
DEADLINE_ERROR = "Timeout"  # logged when a whole exchange outlasts GOVGRAPH_WEBHOOK_TIMEOUT
SIGNATURE_HEADER = "X-Govgraph-Signature"


def signature(secret: str, body: bytes) -> str:
    """The signature header's value: sha256=<hex HMAC-SHA256 of the body with the secret>."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def body_of(webhook_id: str, delivery_id: str, revisions: list[Revision]) -> bytes:
    """The exact bytes POSTed (and signed)."""
    payload = {
        "webhook": webhook_id,
        "delivery": delivery_id,
        "changes": [r.to_json() for r in revisions],
    }
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def pinned(url: str, address: IPAddress | None) -> tuple[httpx.URL, dict[str, str], dict[str, Any]]:
    """(the URL with its host replaced by the checked address, the Host header, extensions).

    Connecting to the address that was checked closes the DNS-rebinding gap; the Host header
    and the TLS server name (SNI, also used to verify the certificate) stay the original host.
    """
    original = httpx.URL(url)
    if address is None or original.host == str(address):
        return original, {}, {}
    extensions: dict[str, Any] = {}
    if original.scheme == "https":
        extensions["sni_hostname"] = original.host
    return original.copy_with(host=str(address)), {"Host": original.netloc.decode()}, extensions


def backoff(settings: Settings, failures: int) -> float:
    """Seconds before the next try after `failures` failures in a row: doubling, with jitter."""
    base = settings.webhook_retry_seconds * 2 ** min(failures - 1, 20)
    return min(MAX_BACKOFF, base * random.uniform(0.5, 1.5))


class Worker:
    """Polls for due webhooks and delivers to them; one per app, several apps may share a graph.

    Each exchange (resolving the host, connecting, sending, the status line and headers) has
    one overall deadline, GOVGRAPH_WEBHOOK_TIMEOUT, enforced by cancelling it; the receiver's
    body is never read. Webhooks are served side by side, so a slow one delays no other.
    """

    def __init__(self, app: FastAPI) -> None:
        self.app = app
        self.settings: Settings = app.state.settings
        self.stopping = asyncio.Event()
        self.task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Start polling in the background."""
        self.task = asyncio.create_task(self.loop(), name="govgraph-webhooks")

    async def stop(self) -> None:
        """Let the current round finish (it is bounded by the deadline), then end."""
        self.stopping.set()
        if self.task is None:
            return
        try:
            await asyncio.wait_for(self.task, self.settings.webhook_timeout + CLAIM_MARGIN)
        except TimeoutError:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task

    async def loop(self) -> None:
        """Deliver what is due, then wait a poll interval (or until told to stop)."""
        while not self.stopping.is_set():
            try:
                await self.run_round()
            except (GovGraphError, Neo4jError, OSError) as exc:  # the database is away: retry
                log.debug("webhook round skipped: %s", type(exc).__name__)
            except Exception:  # a bug must not end deliveries for the life of the process
                log.exception("webhook round failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.stopping.wait(), self.settings.webhook_poll_seconds)

    async def run_round(self) -> int:
        """One round: every due webhook gets one batch, side by side; the batches accepted."""
        db = db_for(self.app)
        latest = await asyncio.to_thread(latest_seq, db)
        if latest == 0:
            return 0
        due = await asyncio.to_thread(webhooks.due, db, latest, webhooks.now())
        gate = asyncio.Semaphore(PARALLEL)
        outcomes = await asyncio.gather(
            *(self.serve(db, gate, latest, webhook_id) for webhook_id in due),
            return_exceptions=True,
        )
        for outcome in outcomes:
            if isinstance(outcome, (GovGraphError, Neo4jError, OSError)):
                log.debug("webhook delivery skipped: %s", type(outcome).__name__)
            elif isinstance(outcome, BaseException):
                log.error("webhook delivery failed", exc_info=outcome)
        return sum(o for o in outcomes if isinstance(o, int))

    async def serve(self, db: Any, gate: asyncio.Semaphore, latest: int, webhook_id: str) -> int:
        """Claim one due webhook and deliver its next batch; 1 when accepted."""
        async with gate:
            if self.stopping.is_set():
                return 0
            hold = self.settings.webhook_timeout + CLAIM_MARGIN
            hook = await asyncio.to_thread(
                webhooks.claim, db, webhook_id, latest, webhooks.now(), hold
            )
            if hook is None:  # another worker has it
                return 0
            return await self.deliver(db, hook)

    async def exchange(self, url: str, body: bytes, headers: dict[str, str]) -> int:
        """POST to the receiver and return its status; the body it answers is never read."""
        allow = self.settings.webhook_allow_private
        found = await asyncio.to_thread(checked_addresses, url, allow_private=allow)
        target, host, extensions = pinned(url, found[0] if found else None)
        async with httpx.AsyncClient(
            timeout=self.settings.webhook_timeout, follow_redirects=False, trust_env=False
        ) as client:
            request = client.build_request(
                "POST", target, content=body, headers={**headers, **host}, extensions=extensions
            )
            response = await client.send(request, stream=True)
            await response.aclose()  # unread: the connection is dropped, not drained
            return response.status_code

    async def deliver(self, db: Any, hook: Webhook) -> int:
        """POST one batch to a claimed webhook and record the outcome; 1 when accepted."""
        batch = await asyncio.to_thread(changes, db, since_seq=hook.delivered_seq, limit=BATCH)
        if not batch:
            return 0
        first, last = batch[0].seq, batch[-1].seq
        # The same batch keeps its delivery id across retries, so a receiver can drop repeats.
        delivery_id = f"{hook.id.partition(':')[2]}-{first}-{last}"
        body = body_of(hook.id, delivery_id, batch)
        headers = {
            "Content-Type": "application/json",
            SIGNATURE_HEADER: signature(hook.secret, body),
            "X-Govgraph-Delivery": delivery_id,
            "X-Govgraph-Timestamp": str(int(time.time())),
            "User-Agent": "govgraph-webhooks",
        }
        started = time.monotonic()
        at = webhooks.now()
        status: int | None = None
        error: str | None = None
        try:
            status = await asyncio.wait_for(
                self.exchange(hook.url, body, headers), self.settings.webhook_timeout
            )
        except GovGraphError:
            error = "RefusedTarget"
        except TimeoutError:
            error = DEADLINE_ERROR
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            error = type(exc).__name__
        ok = status is not None and 200 <= status < 300
        record = {
            "webhook": hook.id,
            "batch": delivery_id,
            "at": at,
            "attempt": hook.failures + 1,
            "ok": ok,
            "status": status,
            "error": error,
            "duration_ms": int((time.monotonic() - started) * 1000),
            "first_seq": first,
            "last_seq": last,
            "count": len(batch),
        }
        if ok:
            await asyncio.to_thread(webhooks.delivered, db, hook, last, record)
            return 1
        failures = hook.failures + 1
        next_at: datetime = at + timedelta(seconds=backoff(self.settings, failures))
        limit = self.settings.webhook_max_failures
        _, enabled = await asyncio.to_thread(webhooks.failed, db, hook, record, next_at, limit)
        log.warning(
            "webhook %s: delivery %s failed (%s)%s",
            hook.id,
            delivery_id,
            status if status is not None else error,
            "" if enabled else "; disabled",
        )
        return 0

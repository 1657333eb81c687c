"""Webhook storage: registration, enabling, the delivery cursor and claim, and the delivery log."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from neo4j import ManagedTransaction

from govgraph.core.cypher import text
from govgraph.core.errors import NotFound

SECRET_BYTES = 32
MIN_SECRET = 16


def now() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


def _native(value: Any) -> Any:
    """A driver temporal value as Python's (datetimes aware, in UTC)."""
    value = value.to_native() if hasattr(value, "to_native") else value
    if isinstance(value, datetime):
        return value.astimezone(UTC)
    return value


@dataclass(frozen=True)
class Webhook:
    """A registered receiver of changes; `secret` signs each delivery and is never listed."""

    id: str
    url: str
    secret: str
    description: str
    enabled: bool
    created: datetime
    created_by: str
    delivered_seq: int
    failures: int
    disabled_reason: str | None = None
    next_attempt_at: datetime | None = None
    last_success_at: datetime | None = None
    claim: str | None = None

    @classmethod
    def of(cls, props: dict[str, Any]) -> Webhook:
        """A webhook from its node's properties."""
        p = {k: _native(v) for k, v in props.items()}
        return cls(
            id=p["id"],
            url=p["url"],
            secret=p["secret"],
            description=p.get("description") or "",
            enabled=bool(p.get("enabled")),
            created=p["created"],
            created_by=p.get("created_by") or "",
            delivered_seq=int(p.get("delivered_seq") or 0),
            failures=int(p.get("failures") or 0),
            disabled_reason=p.get("disabled_reason"),
            next_attempt_at=p.get("next_attempt_at"),
            last_success_at=p.get("last_success_at"),
            claim=p.get("claim"),
        )


@dataclass(frozen=True)
class Delivery:
    """One attempt to deliver a batch of changes to a webhook, as logged."""

    id: str
    webhook: str
    batch: str
    at: datetime
    attempt: int
    ok: bool
    status: int | None
    error: str | None
    duration_ms: int
    first_seq: int
    last_seq: int
    count: int

    @classmethod
    def of(cls, props: dict[str, Any]) -> Delivery:
        """A delivery from its node's properties."""
        p = {k: _native(v) for k, v in props.items()}
        return cls(
            id=p["id"],
            webhook=p["webhook"],
            batch=p.get("batch") or "",
            at=p["at"],
            attempt=int(p.get("attempt") or 1),
            ok=bool(p.get("ok")),
            status=p.get("status"),
            error=p.get("error"),
            duration_ms=int(p.get("duration_ms") or 0),
            first_seq=int(p.get("first_seq") or 0),
            last_seq=int(p.get("last_seq") or 0),
            count=int(p.get("count") or 0),
        )


def new_secret() -> str:
    """A fresh random signing secret."""
    return secrets.token_urlsafe(SECRET_BYTES)


def register(
    db: Any, *, url: str, secret: str, description: str, by: str, delivered_seq: int
) -> Webhook:
    """Store a new enabled webhook whose deliveries start after change `delivered_seq`."""
    props = {
        "id": f"webhook:{secrets.token_hex(6)}",
        "url": url,
        "secret": secret,
        "description": description,
        "enabled": True,
        "created": now(),
        "created_by": by,
        "delivered_seq": delivered_seq,
        "failures": 0,
    }
    rows = db.write(lambda tx: tx.run(text("webhook-create"), props=props).data())
    return Webhook.of(rows[0]["w"])


def list_all(db: Any) -> list[Webhook]:
    """Every webhook, oldest first."""
    return [Webhook.of(r["w"]) for r in db.rows(text("webhook-list"))]


def get(db: Any, webhook_id: str) -> Webhook:
    """One webhook, or NotFound."""
    rows = db.rows(text("webhook-get"), {"id": webhook_id})
    if not rows:
        raise NotFound(
            f"No webhook has the id '{webhook_id[:100]}'.",
            fix="list them with GET /api/webhooks.",
        )
    return Webhook.of(rows[0]["w"])


def set_enabled(db: Any, webhook_id: str, enabled: bool, reason: str | None = None) -> Webhook:
    """Turn deliveries to a webhook off (with a reason) or on (failures reset)."""
    get(db, webhook_id)
    params = {"id": webhook_id, "enabled": enabled, "reason": None if enabled else reason}
    rows = db.write(lambda tx: tx.run(text("webhook-set-enabled"), params).data())
    return Webhook.of(rows[0]["w"])


def due(db: Any, latest: int, at: datetime) -> list[str]:
    """Ids of the enabled webhooks behind change `latest` that may be tried at `at`."""
    return [str(r["id"]) for r in db.rows(text("webhook-due"), {"latest": latest, "now": at})]


def claim(db: Any, webhook_id: str, latest: int, at: datetime, hold: float) -> Webhook | None:
    """Claim one due webhook for `hold` seconds in a write transaction; None when taken."""
    params = {
        "id": webhook_id,
        "latest": latest,
        "now": at,
        "until": at + timedelta(seconds=hold),
        "claim": secrets.token_hex(8),
    }
    rows = db.write(lambda tx: tx.run(text("webhook-claim"), params).data())
    return Webhook.of(rows[0]["w"]) if rows else None


def _log(tx: ManagedTransaction, delivery: dict[str, Any]) -> None:
    props = {"id": f"delivery:{secrets.token_hex(8)}", **delivery}
    tx.run(text("delivery-create"), props=props).consume()


def delivered(db: Any, hook: Webhook, seq: int, delivery: dict[str, Any]) -> bool:
    """Log a successful delivery and move the cursor to `seq`; False when the claim was lost."""

    def work(tx: ManagedTransaction) -> bool:
        _log(tx, delivery)
        params = {"id": hook.id, "claim": hook.claim, "seq": seq, "now": delivery["at"]}
        return bool(tx.run(text("webhook-delivered"), params).data())

    return bool(db.write(work))


def failed(
    db: Any, hook: Webhook, delivery: dict[str, Any], next_at: datetime, max_failures: int
) -> tuple[int, bool]:
    """Log a failed attempt, schedule the retry; (failures in a row, still enabled)."""
    reason = f"disabled after {max_failures} failed deliveries in a row"

    def work(tx: ManagedTransaction) -> tuple[int, bool]:
        _log(tx, delivery)
        params = {
            "id": hook.id,
            "claim": hook.claim,
            "next": next_at,
            "max": max_failures,
            "reason": reason,
        }
        rows = tx.run(text("webhook-failed"), params).data()
        if not rows:
            return hook.failures, hook.enabled
        return int(rows[0]["failures"]), bool(rows[0]["enabled"])

    return db.write(work)


def deliveries(db: Any, webhook_id: str, limit: int = 100) -> list[Delivery]:
    """A webhook's delivery attempts, newest first."""
    get(db, webhook_id)
    rows = db.rows(text("delivery-list"), {"webhook": webhook_id, "limit": limit})
    return [Delivery.of(r["d"]) for r in rows]

"""Webhooks (admins only): register a URL and a secret, list, disable, enable, see deliveries."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, Field

from govgraph.api.deps import AdminDep, DbDep, SettingsDep
from govgraph.core.errors import BadParameter
from govgraph.graph import webhooks
from govgraph.graph.history import latest_seq
from govgraph.graph.targets import check_target
from govgraph.graph.webhooks import Delivery, Webhook

router = APIRouter(prefix="/api/webhooks", tags=["webhooks"])
MAX_SECRET = 500
NO_STORE = {"Cache-Control": "no-store"}


class WebhookIn(BaseModel):
    """A receiver to register: its URL, a signing secret (or none: one is made) and a note."""

    url: str = Field(max_length=2000)
    secret: str | None = Field(default=None, max_length=MAX_SECRET)
    description: str = Field(default="", max_length=500)


class WebhookPublic(BaseModel):
    """A registered webhook as listed (never its secret)."""

    id: str
    url: str
    description: str
    enabled: bool
    disabled_reason: str | None
    created: str
    created_by: str
    delivered_seq: int
    failures: int
    next_attempt_at: str | None
    last_success_at: str | None


class WebhookCreated(WebhookPublic):
    """A new webhook; `secret` is shown here once when govgraph made it, else null."""

    secret: str | None


class WebhooksPublic(BaseModel):
    """Every registered webhook."""

    data: list[WebhookPublic]
    count: int


class DeliveryPublic(BaseModel):
    """One delivery attempt: outcome, HTTP status or error class, timing and the changes sent."""

    id: str
    webhook: str
    delivery: str
    at: str
    attempt: int
    ok: bool
    status: int | None
    error: str | None
    duration_ms: int
    first_seq: int
    last_seq: int
    count: int


class DeliveriesPublic(BaseModel):
    """A webhook's delivery attempts, newest first."""

    data: list[DeliveryPublic]
    count: int


def _iso(at: datetime | None) -> str | None:
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z") if at else None


def public(hook: Webhook) -> WebhookPublic:
    """A webhook without its secret."""
    return WebhookPublic(
        id=hook.id,
        url=hook.url,
        description=hook.description,
        enabled=hook.enabled,
        disabled_reason=hook.disabled_reason,
        created=_iso(hook.created) or "",
        created_by=hook.created_by,
        delivered_seq=hook.delivered_seq,
        failures=hook.failures,
        next_attempt_at=_iso(hook.next_attempt_at),
        last_success_at=_iso(hook.last_success_at),
    )


def delivery_public(d: Delivery) -> DeliveryPublic:
    """A logged attempt as the API shows it."""
    return DeliveryPublic(
        id=d.id,
        webhook=d.webhook,
        delivery=d.batch,
        at=_iso(d.at) or "",
        attempt=d.attempt,
        ok=d.ok,
        status=d.status,
        error=d.error,
        duration_ms=d.duration_ms,
        first_seq=d.first_seq,
        last_seq=d.last_seq,
        count=d.count,
    )


@router.post("", response_model=WebhookCreated, status_code=201)
def register(
    body: WebhookIn, user: AdminDep, db: DbDep, settings: SettingsDep, response: Response
) -> WebhookCreated:
    """Register a receiver of every change from now on (POSTed as JSON, HMAC-SHA256 signed)."""
    url = check_target(body.url.strip(), allow_private=settings.webhook_allow_private)
    made = body.secret is None
    secret = webhooks.new_secret() if made else str(body.secret)
    if len(secret) < webhooks.MIN_SECRET or secret != secret.strip():
        raise BadParameter(
            "secret",
            f"must be at least {webhooks.MIN_SECRET} characters without leading or trailing "
            "spaces; leave it out to have one made",
        )
    if not secret.isprintable():
        raise BadParameter(
            "secret", "holds control characters; use printable text, or leave it out"
        )
    hook = webhooks.register(
        db,
        url=url,
        secret=secret,
        description=body.description,
        by=user.name,
        delivered_seq=latest_seq(db),
    )
    response.headers.update(NO_STORE)  # the answer may hold the secret
    return WebhookCreated(**public(hook).model_dump(), secret=secret if made else None)


@router.get("", response_model=WebhooksPublic)
def list_webhooks(user: AdminDep, db: DbDep) -> WebhooksPublic:
    """Every webhook, oldest first; secrets are never shown."""
    data = [public(h) for h in webhooks.list_all(db)]
    return WebhooksPublic(data=data, count=len(data))


@router.delete("/{webhook_id}", response_model=WebhookPublic)
def disable(webhook_id: str, user: AdminDep, db: DbDep) -> WebhookPublic:
    """Stop deliveries to a webhook; it and its delivery log are kept."""
    return public(webhooks.set_enabled(db, webhook_id, False, f"disabled by {user.name}"))


@router.post("/{webhook_id}/enable", response_model=WebhookPublic)
def enable(webhook_id: str, user: AdminDep, db: DbDep, settings: SettingsDep) -> WebhookPublic:
    """Deliver to a webhook again (its URL is checked again; it resumes where it stopped)."""
    check_target(webhooks.get(db, webhook_id).url, allow_private=settings.webhook_allow_private)
    return public(webhooks.set_enabled(db, webhook_id, True))


@router.get("/{webhook_id}/deliveries", response_model=DeliveriesPublic)
def deliveries(
    webhook_id: str, user: AdminDep, db: DbDep, limit: int = Query(100, ge=1, le=1000)
) -> DeliveriesPublic:
    """A webhook's delivery attempts, newest first: status or error class, never the secret."""
    data = [delivery_public(d) for d in webhooks.deliveries(db, webhook_id, limit)]
    return DeliveriesPublic(data=data, count=len(data))

"""The data-quality audit: GET /api/audit (JSON) and the /audit page."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel

from govgraph.api.deps import CacheDep, DbDep
from govgraph.api.web import PageRoute, arg, render, with_query
from govgraph.core.errors import BadParameter
from govgraph.queries import audit

router = APIRouter(tags=["audit"])
pages = APIRouter(route_class=PageRoute, include_in_schema=False)
ITEMS_TEXT = "Records listed per check (counts are always complete)."
LIMIT_TEXT = "A count (5) or a share of the records checked (10%); above it the check is breached."


class CheckPublic(BaseModel):
    """One check: how many records it found, of how many, and the first of them."""

    key: str
    title: str
    count: int
    total: int
    share: float
    items: list[dict[str, Any]]
    threshold: str | None = None
    breached: bool = False


class AuditPublic(BaseModel):
    """The audit: every check, and the thresholds breached (ok when none)."""

    ok: bool
    breaches: list[str]
    checks: list[CheckPublic]


def limits_from(request: Request) -> dict[str, audit.Threshold]:
    """Thresholds from max_<check> query-string values (max_without_url=10%)."""
    raw = {key: arg(request, param_name(key), 20) for key in audit.KEYS}
    return audit.parse_thresholds(raw, param_name)


def param_name(key: str) -> str:
    """The query-string parameter that sets a check's threshold."""
    return f"max_{key.replace('-', '_')}"


def items_limit(request: Request) -> int:
    """The limit query-string value: items listed per check."""
    text = arg(request, "limit", 6) or str(audit.DEFAULT_LIMIT)
    if not text.isdigit() or int(text) > audit.MAX_LIMIT:
        raise BadParameter("limit", f"'{text}' is not a whole number from 0 to {audit.MAX_LIMIT}")
    return int(text)


def cached_report(
    request: Request, db: DbDep, cache: CacheDep, limit: int | None = None
) -> dict[str, Any]:
    """The audit's JSON-ready report, cached per graph revision and thresholds."""
    thresholds = limits_from(request)
    limit = items_limit(request) if limit is None else limit
    key = ("audit", tuple(sorted((k, str(t)) for k, t in thresholds.items())), limit)
    value, _ = cache.get_or_compute(
        db, key, lambda: audit.run_audit(db, thresholds, limit).public()
    )
    return value


@router.get("/api/audit", response_model=AuditPublic)
def get_audit(
    request: Request,
    db: DbDep,
    cache: CacheDep,
    limit: int = Query(
        audit.DEFAULT_LIMIT, ge=0, le=audit.MAX_LIMIT, description="Items per check."
    ),
    max_without_url: str | None = Query(None, max_length=20, description=LIMIT_TEXT),
    max_without_primary: str | None = Query(None, max_length=20, description=LIMIT_TEXT),
    max_duplicates: str | None = Query(None, max_length=20, description=LIMIT_TEXT),
    max_actors_without_events: str | None = Query(None, max_length=20, description=LIMIT_TEXT),
    max_events_without_participants: str | None = Query(
        None, max_length=20, description=LIMIT_TEXT
    ),
    max_wide_dates: str | None = Query(None, max_length=20, description=LIMIT_TEXT),
    max_without_issuer: str | None = Query(None, max_length=20, description=LIMIT_TEXT),
    max_merged_ids: str | None = Query(None, max_length=20, description=LIMIT_TEXT),
    max_id_conflicts: str | None = Query(None, max_length=20, description=LIMIT_TEXT),
) -> AuditPublic:
    """Data-quality report: each check's count, share and first records; breached thresholds."""
    return AuditPublic(**cached_report(request, db, cache, limit))


@pages.get("/audit", response_class=HTMLResponse)
def audit_page(request: Request, db: DbDep, cache: CacheDep) -> Response:
    """The audit as a page: a summary table, then the records each check found."""
    report = cached_report(request, db, cache)
    given = {k: v for k, v in request.query_params.items() if k.startswith("max_") or k == "limit"}
    return render(request, "audit.html", report=report, api_url=with_query("/api/audit", given))


router.include_router(pages)

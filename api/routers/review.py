"""Proposal and review pages: the schema-made form, the review queue, the diff, the decisions.

Forms post a `csrf_token`; the account layer refuses an unsafe request signed in by cookie
without a valid one, before any of these handlers run.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from govgraph.api.deps import DbDep, UserDep
from govgraph.api.web import PageRoute, arg, error_page, render
from govgraph.core.errors import (
    BadParameter,
    Conflict,
    Forbidden,
    GovGraphError,
    NotFound,
    ValidationFailed,
)
from govgraph.core.ids import check_id
from govgraph.graph.accounts import User
from govgraph.graph.db import Database
from govgraph.graph.schema import load_schema
from govgraph.ingest import proposal_decisions as decisions
from govgraph.ingest import proposal_forms as forms
from govgraph.ingest import proposals as store
from govgraph.ingest.changes import current_record, retract

router = APIRouter(route_class=PageRoute, include_in_schema=False)
MAX_FORM_FIELDS = 100
SOURCE_FIELDS = ("publisher", "title", "published", "url", "kind")


def record_url(record_id: str) -> str:
    """The page of a record (sources have none of their own: their history)."""
    kind = "event" if record_id.startswith("event:") else "entity"
    if record_id.startswith("src:"):
        return f"/entity/{quote(record_id, safe=':')}/history"
    return f"/{kind}/{quote(record_id, safe=':')}"


def login_redirect(request: Request) -> RedirectResponse:
    """Send an anonymous visitor to the login page, coming back here afterwards."""
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(here, safe='')}", status_code=303)


def signed_in(request: Request, user: User | None, role: str) -> User | Response:
    """The user when their role allows `role`; else a login redirect or a 403 page."""
    if user is None:
        return login_redirect(request)
    if not user.can(role):
        raise Forbidden(
            f"This page is for {role}s; {user.name} is a {user.role}.",
            fix="ask an admin for the role, or go back to the record's page.",
        )
    return user


def csrf_token(request: Request) -> str:
    """The signed-in user's form token (set by the account layer for their pages)."""
    return str(getattr(request.state, "csrf_token", "") or "")


# --------------------------------------------------------------------------------- the form


def form_page(
    request: Request,
    *,
    record_type: str,
    current: dict[str, Any] | None,
    values: dict[str, str],
    problems: dict[str, list[str]] | None = None,
    status: int = 200,
) -> Response:
    """The proposal form for a new record or a correction, with any problems by field."""
    schema = load_schema()
    return render(
        request,
        "propose.html",
        status=status,
        record_type=record_type,
        record_types=list(schema.types),
        current=current,
        fields=forms.form_fields(record_type),
        values=values,
        problems=problems or {},
        source_kinds=list(schema.types["Source"].kinds),
        csrf_token=csrf_token(request),
        proposal=None,
    )


@router.get("/propose", response_class=HTMLResponse)
def propose_new(request: Request, user: UserDep) -> Response:
    """The form for a new record of a type (Event, Actor, Instrument or Source)."""
    who = signed_in(request, user, "contributor")
    if isinstance(who, Response):
        return who
    record_type = arg(request, "type", 20) or "Event"
    if record_type not in load_schema().types:
        raise BadParameter("type", f"use one of {', '.join(load_schema().types)}")
    return form_page(request, record_type=record_type, current=None, values={})


def suggest(request: Request, user: User | None, db: Database, record_id: str) -> Response:
    """The correction form for a record, prefilled with its current values."""
    who = signed_in(request, user, "contributor")
    if isinstance(who, Response):
        return who
    check_id(record_id, "record_id")
    found = current_record(db, record_id)
    if found is None or found.retracted:
        raise NotFound(f"No record '{record_id}' to correct.", fix="check the id in the address.")
    values = forms.form_values(found.type, found.record)
    return form_page(request, record_type=found.type, current=found.record, values=values)


@router.get("/entity/{record_id}/suggest", response_class=HTMLResponse)
def suggest_entity(record_id: str, request: Request, user: UserDep, db: DbDep) -> Response:
    """Suggest a correction to an actor or instrument."""
    return suggest(request, user, db, record_id)


@router.get("/event/{record_id}/suggest", response_class=HTMLResponse)
def suggest_event(record_id: str, request: Request, user: UserDep, db: DbDep) -> Response:
    """Suggest a correction to an event."""
    return suggest(request, user, db, record_id)


def _text(form: FormData, name: str, limit: int = 20_000) -> str:
    value = form.get(name)
    if not isinstance(value, str):
        return ""
    if len(value) > limit:
        raise BadParameter(name, f"is longer than {limit} characters")
    return value.strip()


def submit(db: Database, request: Request, user: User, form: FormData) -> Response:
    """Turn the posted form into a proposal, or show the form again with its problems."""
    record_type = _text(form, "type", 20)
    if record_type not in load_schema().types:
        raise BadParameter("type", f"use one of {', '.join(load_schema().types)}")
    record_id = _text(form, "record_id", 200) or None
    current = None
    if record_id:
        check_id(record_id, "record_id")
        found = current_record(db, record_id)
        if found is None or found.retracted:
            raise NotFound(f"No record '{record_id}' to correct.", fix="check the id.")
        current = found.record
    texts = {f.key: _text(form, f.key) for f in forms.form_fields(record_type)}
    record, problems = forms.record_from_form(record_type, texts, current)
    if record_id:
        record["id"] = record_id
    new_source = {k: _text(form, f"new_source_{k}", 2000) for k in SOURCE_FIELDS}
    new_source = {k: v for k, v in new_source.items() if v}
    if set(new_source) <= {"kind"}:
        new_source = {}
    source = _text(form, "source", 200) or None
    if source and new_source:
        problems.setdefault("source", []).append(
            "cite one source: an existing id or a new source, not both."
        )
    elif not source and not new_source:
        problems.setdefault("source", []).append(
            "every proposal cites a source: give an existing source id or a new source."
        )
    p = None
    if not problems:
        try:
            p = store.propose(
                db,
                by=user.name,
                record_type=record_type,
                record_id=record_id,
                record=record,
                source=source,
                new_source=new_source or None,
                note=_text(form, "note", store.MAX_NOTE),
            )
        except ValidationFailed as exc:
            problems = forms.problems_by_field(exc)
        except (BadParameter, Conflict) as exc:
            name = str(getattr(exc, "param", "") or "").removeprefix("record.").split(".")[0]
            problems = {"source" if name.startswith("new_source") else name: [exc.message]}
    if p is None:
        values = {**texts, "source": source or "", "note": _text(form, "note", store.MAX_NOTE)}
        values.update({f"new_source_{k}": v for k, v in new_source.items()})
        return form_page(
            request,
            record_type=record_type,
            current=current,
            values=values,
            problems=problems,
            status=422,
        )
    return render(
        request,
        "propose.html",
        status=201,
        proposal=p,
        diff=store.diff(db, p),
        record_url=record_url(p.record_id),
        csrf_token=csrf_token(request),
    )


@router.post("/propose", response_class=HTMLResponse)
async def propose_post(request: Request, user: UserDep, db: DbDep) -> Response:
    """Store the form's proposal (CSRF checked by the account layer)."""
    who = signed_in(request, user, "contributor")
    if isinstance(who, Response):
        return who
    async with request.form(max_files=0, max_fields=MAX_FORM_FIELDS) as form:
        return await run_in_threadpool(submit, db, request, who, form)


# ------------------------------------------------------------------------------- the review


@router.get("/review", response_class=HTMLResponse)
def review_queue(request: Request, user: UserDep, db: DbDep) -> Response:
    """Pending proposals, newest first, with who, when, the record and the fields changed."""
    who = signed_in(request, user, "editor")
    if isinstance(who, Response):
        return who
    pending = store.proposals(db, status="pending", limit=store.MAX_LIST)
    return render(
        request,
        "review.html",
        pending=pending,
        retracted=arg(request, "retracted"),
        rejected=arg(request, "rejected"),
        api_url="/api/proposals?status=pending",
    )


def item_page(
    request: Request, db: Database, user: User, p: store.Proposal, **extra: Any
) -> Response:
    """A proposal's diff, the cited source, and (for editors, while pending) the decisions."""
    found = current_record(db, p.source)
    status = 409 if extra.get("conflict") else 200
    return render(
        request,
        "review_item.html",
        status=status,
        p=p,
        diff=store.diff(db, p),
        source=found.record if found else p.new_source,
        can_decide=user.can("editor") and p.status == "pending",
        own=p.by == user.name and not user.can("admin"),
        record_url=record_url(p.record_id),
        csrf_token=csrf_token(request),
        api_url=f"/api/proposals/{p.id}",
        **extra,
    )


@router.get("/review/{proposal_id}", response_class=HTMLResponse)
def review_item(proposal_id: str, request: Request, user: UserDep, db: DbDep) -> Response:
    """One proposal: current against proposed, changed fields marked, accept and reject."""
    who = signed_in(request, user, "contributor")
    if isinstance(who, Response):
        return who
    p = store.get(db, proposal_id)
    if not who.can("editor") and p.by != who.name:
        raise Forbidden("Contributors see only their own proposals.", fix="ask an editor.")
    return item_page(request, db, who, p)


def _reason(form: FormData) -> str | None:
    return _text(form, "reason", store.MAX_REASON) or None


def decide(db: Database, request: Request, user: User, proposal_id: str, form: FormData,
           verdict: str) -> Response:  # fmt: skip
    """Accept (to the record's page) or reject (to the queue); a conflict shows a 409 page."""
    if verdict == "reject":
        decisions.reject(db, proposal_id, by=user.name, reason=_reason(form) or "")
        return RedirectResponse(f"/review?rejected={quote(proposal_id)}", status_code=303)
    try:
        p, _ = decisions.accept(
            db, proposal_id, by=user.name, reason=_reason(form), may_accept_own=user.can("admin")
        )
    except Conflict as exc:
        return item_page(request, db, user, store.get(db, proposal_id), conflict=exc)
    return RedirectResponse(record_url(p.record_id), status_code=303)


@router.post("/review/{proposal_id}/accept", response_class=HTMLResponse)
async def accept_post(proposal_id: str, request: Request, user: UserDep, db: DbDep) -> Response:
    """Accept a proposal from its review page."""
    who = signed_in(request, user, "editor")
    if isinstance(who, Response):
        return who
    async with request.form(max_files=0, max_fields=MAX_FORM_FIELDS) as form:
        return await run_in_threadpool(decide, db, request, who, proposal_id, form, "accept")


@router.post("/review/{proposal_id}/reject", response_class=HTMLResponse)
async def reject_post(proposal_id: str, request: Request, user: UserDep, db: DbDep) -> Response:
    """Reject a proposal from its review page (a reason is required)."""
    who = signed_in(request, user, "editor")
    if isinstance(who, Response):
        return who
    async with request.form(max_files=0, max_fields=MAX_FORM_FIELDS) as form:
        return await run_in_threadpool(decide, db, request, who, proposal_id, form, "reject")


def retract_form(db: Database, user: User, record_id: str, form: FormData) -> Response:
    """Retract a record from its page's editor form; back to the queue, which says so."""
    check_id(record_id, "record_id")
    reason = _reason(form)
    if not reason:
        raise BadParameter("reason", "say why the record is retracted")
    store.check_plain("reason", reason)
    base = _text(form, "base_rev", 20)
    base_rev = int(base) if base.isdigit() else None
    retract(db, record_id, by=user.name, why=reason, base_rev=base_rev)
    return RedirectResponse(f"/review?retracted={quote(record_id)}", status_code=303)


@router.post("/review/retract/{record_id}", response_class=HTMLResponse)
async def retract_post(record_id: str, request: Request, user: UserDep, db: DbDep) -> Response:
    """An editor retracts a record, with a reason."""
    who = signed_in(request, user, "editor")
    if isinstance(who, Response):
        return who
    async with request.form(max_files=0, max_fields=MAX_FORM_FIELDS) as form:
        try:
            return await run_in_threadpool(retract_form, db, who, record_id, form)
        except GovGraphError as exc:
            return error_page(request, exc.http_status, exc.message, exc.fix)

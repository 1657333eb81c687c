"""Proposals and review over JSON: propose, list, read with a diff, accept, reject, retract."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from govgraph.api.deps import ContributorDep, DbDep, EditorDep
from govgraph.core.errors import BadParameter, Forbidden, GovGraphError
from govgraph.core.ids import check_id
from govgraph.graph.accounts import User
from govgraph.graph.db import Database
from govgraph.graph.schema import load_schema
from govgraph.ingest import proposal_decisions as decisions
from govgraph.ingest import proposals as store
from govgraph.ingest.changes import retract

MAX_BODY = 256 * 1024  # a proposal is one record; anything bigger is refused unread
_schema = load_schema()
RecordTypeName = Literal[tuple(_schema.types)]  # type: ignore[valid-type]
SourceKind = Literal[tuple(_schema.types["Source"].kinds)]  # type: ignore[valid-type]


class BodyTooLarge(GovGraphError):
    """A request body larger than any proposal needs."""

    http_status = 413


def small_body(request: Request) -> None:
    """Refuse a body whose declared length is larger than MAX_BODY."""
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > MAX_BODY:
        raise BodyTooLarge(
            f"The request body is {int(length)} bytes; at most {MAX_BODY} are accepted.",
            fix="send one record at a time, with text in our own words, not whole documents.",
        )


router = APIRouter(tags=["proposals"], dependencies=[Depends(small_body)])


class Strict(BaseModel):
    """Request bodies refuse fields they do not know."""

    model_config = ConfigDict(extra="forbid")


class NewSourceIn(Strict):
    """A source proposed together with the record it supports."""

    publisher: str = Field(min_length=1, max_length=500)
    title: str = Field(min_length=1, max_length=1000)
    published: str = Field(
        min_length=1, max_length=40, description="2026-06-23, 2026-06, 2026 or a range"
    )
    url: str | None = Field(default=None, max_length=2000)
    kind: SourceKind = "news"  # type: ignore[valid-type]


class ProposalIn(Strict):
    """A new record (`record`, with its id) or a correction of `record_id` (`changes`, or the
    whole corrected `record`), citing an existing `source` or a `new_source`."""

    type: RecordTypeName  # type: ignore[valid-type]
    record_id: str | None = Field(default=None, max_length=200)
    record: dict[str, Any] | None = None
    changes: dict[str, Any] | None = None
    source: str | None = Field(default=None, max_length=200)
    new_source: NewSourceIn | None = None
    note: str = Field(default="", max_length=store.MAX_NOTE)


class AcceptIn(Strict):
    """An editor's optional reason for accepting."""

    reason: str | None = Field(default=None, max_length=store.MAX_REASON)


class RejectIn(Strict):
    """An editor's reason for rejecting (required)."""

    reason: str = Field(min_length=1, max_length=store.MAX_REASON)


class RetractIn(Strict):
    """Why a record is taken out of answers; `base_rev` guards against a concurrent change."""

    reason: str = Field(min_length=1, max_length=store.MAX_REASON)
    base_rev: int | None = Field(default=None, ge=1, le=2**53)


class DiffRowPublic(BaseModel):
    """One field: its current value, the proposed one, and whether the proposal changes it."""

    field: str
    current: Any = None
    proposed: Any = None
    changed: bool


class ProposalPublic(BaseModel):
    """A proposal, with its diff against the current record."""

    id: str
    status: str
    kind: str
    record_type: str
    record_id: str
    record: dict[str, Any]
    base_rev: int | None = None
    fields: list[str]
    source: str
    new_source: dict[str, Any] | None = None
    note: str
    by: str
    created: str
    decided_by: str | None = None
    decided_at: str | None = None
    reason: str | None = None
    revision: int | None = None
    diff: list[DiffRowPublic] = []
    revisions: list[dict[str, Any]] = []
    api_url: str
    page_url: str


class ProposalsPublic(BaseModel):
    """Proposals, newest first."""

    data: list[ProposalPublic]
    count: int


class RetractedPublic(BaseModel):
    """The retraction's revision."""

    record_id: str
    revision: dict[str, Any]


def public(
    db: Database, p: store.Proposal, *, with_diff: bool = True, revisions: Any = ()
) -> ProposalPublic:
    """A stored proposal as the API shows it."""
    rows = [DiffRowPublic(**r.__dict__) for r in store.diff(db, p)] if with_diff else []
    return ProposalPublic(
        **p.to_json(),
        diff=rows,
        revisions=[r.to_json() for r in revisions],
        api_url=f"/api/proposals/{p.id}",
        page_url=f"/review/{p.id}",
    )


def visible(user: User, p: store.Proposal) -> store.Proposal:
    """Editors see every proposal, contributors their own."""
    if not user.can("editor") and p.by != user.name:
        raise Forbidden(
            "Contributors see only their own proposals.",
            fix="ask an editor, or list yours with GET /api/proposals.",
        )
    return p


@router.post("/api/proposals", status_code=201, response_model=ProposalPublic)
def create_proposal(body: ProposalIn, user: ContributorDep, db: DbDep) -> ProposalPublic:
    """Propose a new record or a correction; validated like data/, stored pending review."""
    p = store.propose(
        db,
        by=user.name,
        record_type=body.type,
        record_id=body.record_id,
        record=body.record,
        changes=body.changes,
        source=body.source,
        new_source=body.new_source.model_dump(exclude_none=True) if body.new_source else None,
        note=body.note,
    )
    return public(db, p)


@router.get("/api/proposals", response_model=ProposalsPublic)
def list_proposals(
    user: ContributorDep,
    db: DbDep,
    status: Annotated[Literal["pending", "accepted", "rejected"] | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=store.MAX_LIST)] = 100,
) -> ProposalsPublic:
    """Proposals, newest first: every one for editors, a contributor's own otherwise."""
    by = None if user.can("editor") else user.name
    found = store.proposals(db, status=status, by=by, limit=limit)
    data = [public(db, p, with_diff=False) for p in found]
    return ProposalsPublic(data=data, count=len(data))


@router.get("/api/proposals/{proposal_id}", response_model=ProposalPublic)
def read_proposal(proposal_id: str, user: ContributorDep, db: DbDep) -> ProposalPublic:
    """One proposal with its diff against the current record."""
    return public(db, visible(user, store.get(db, proposal_id)))


@router.post("/api/proposals/{proposal_id}/accept", response_model=ProposalPublic)
def accept_proposal(
    proposal_id: str, user: EditorDep, db: DbDep, body: AcceptIn | None = None
) -> ProposalPublic:
    """Write the proposal (one transaction, with its revision); 409 if the record moved on,
    403 for the proposal's own author unless an admin."""
    reason = body.reason if body else None
    p, revisions = decisions.accept(
        db, proposal_id, by=user.name, reason=reason, may_accept_own=user.can("admin")
    )
    return public(db, p, revisions=revisions)


@router.post("/api/proposals/{proposal_id}/reject", response_model=ProposalPublic)
def reject_proposal(proposal_id: str, body: RejectIn, user: EditorDep, db: DbDep) -> ProposalPublic:
    """Reject with a reason; nothing but the proposal changes."""
    return public(db, decisions.reject(db, proposal_id, by=user.name, reason=body.reason))


@router.post("/api/records/{record_id}/retract", response_model=RetractedPublic)
def retract_record(record_id: str, body: RetractIn, user: EditorDep, db: DbDep) -> RetractedPublic:
    """Take a record out of answers, with a reason; its history keeps it."""
    check_id(record_id, "record_id")
    if not body.reason.strip():
        raise BadParameter("reason", "say why the record is retracted")
    store.check_plain("reason", body.reason)
    revision = retract(db, record_id, by=user.name, why=body.reason.strip(), base_rev=body.base_rev)
    return RetractedPublic(record_id=record_id, revision=revision.to_json())

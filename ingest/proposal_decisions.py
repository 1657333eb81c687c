"""Deciding a proposal: accept (written through apply_changes, one transaction) or reject."""

from __future__ import annotations

from typing import Any

from neo4j import ManagedTransaction

from govgraph.core.cypher import text
from govgraph.core.errors import BadParameter, Conflict, Forbidden
from govgraph.graph.db import Database
from govgraph.graph.history import Revision, history
from govgraph.ingest.changes import Change, apply_changes, current_record
from govgraph.ingest.proposals import (
    ADDITIVE,
    MAX_REASON,
    Proposal,
    base_record,
    check_free_id,
    check_plain,
    get,
    now_utc,
    rebased,
    resolve_source,
)


def _decide(
    tx: ManagedTransaction, p: Proposal, status: str, by: str, reason: str | None, seq: int | None
) -> None:
    """Mark the proposal decided in this transaction; Conflict when it is no longer pending."""
    params = {"id": p.id, "status": status, "by": by, "at": now_utc(), "reason": reason,
              "revision": seq}  # fmt: skip
    if not tx.run(text("proposal-decide"), params).data():
        raise Conflict(
            f"Proposal {p.id} was already decided by another editor.",
            record_id=p.record_id,
            current_revision=0,
            fix=f"reload it (GET /api/proposals/{p.id}) to see the decision.",
        )


def _already_decided(db: Database, p: Proposal) -> Conflict:
    found = current_record(db, p.record_id)
    return Conflict(
        f"Proposal {p.id} is already {p.status} (by {p.decided_by}).",
        record_id=p.record_id,
        current_revision=found.rev if found else 0,
        fix="nothing to do; propose again if the record still needs a change.",
    )


def _cited(db: Database, p: Proposal) -> tuple[list[Change], str, dict[str, str]]:
    """The new source to create (none when a live source with its citation exists by now), the
    id to cite, and any id to replace in the record (a different source took the minted one)."""
    if not p.new_source:
        return [], p.source, {}
    sid, existing = resolve_source(db, p.new_source)
    renamed = {p.source: sid} if sid != p.source else {}
    if existing:
        return [], sid, renamed
    return [Change("Source", {**p.new_source, "id": sid})], sid, renamed


def _renamed(record: dict[str, Any], renamed: dict[str, str]) -> dict[str, Any]:
    if not renamed or not isinstance(record.get(ADDITIVE), list):
        return record
    return {**record, ADDITIVE: [renamed.get(s, s) for s in record[ADDITIVE]]}


def _changes_for(db: Database, p: Proposal) -> tuple[list[Change], str]:
    """What accepting writes (the new source, then the record: a correction on today's record)
    and the source the revision cites."""
    batch, cited, renamed = _cited(db, p)
    if p.kind == "new":
        check_free_id(db, p.record_id)
        return [*batch, Change(p.record_type, _renamed(p.record, renamed), None)], cited
    found = current_record(db, p.record_id)
    if found is None or found.retracted:
        raise Conflict(
            f"{p.record_id} was retracted after this proposal was made.",
            record_id=p.record_id,
            current_revision=found.rev if found else 0,
            fix=f"see its history (/api/history/{p.record_id}); reject the proposal.",
        )
    if p.base_rev is not None and found.rev != p.base_rev:
        since = [r for r in history(db, p.record_id) if r.rev > p.base_rev]
        clash = sorted(
            {f for r in since for f in r.fields} & {f for f in p.fields if f != ADDITIVE}
        )
        if clash or any(r.op != "update" for r in since):
            raise Conflict(
                f"{p.record_id} changed since this proposal was made (revision {p.base_rev} → "
                f"{found.rev}), in {', '.join(clash) or 'its state'}.",
                record_id=p.record_id,
                current_revision=found.rev,
                fix=f"compare with its history (/api/history/{p.record_id}), then reject this "
                "proposal or propose the change again on the current record.",
            )
    record = _renamed(rebased(found.record, p, base_record(db, p, found)), renamed)
    return [*batch, Change(p.record_type, record, found.rev)], cited


def accept(
    db: Database,
    proposal_id: str,
    *,
    by: str,
    reason: str | None = None,
    may_accept_own: bool = False,
) -> tuple[Proposal, list[Revision]]:
    """Write the proposal through apply_changes and mark it accepted, in one transaction.

    The proposal's author may not accept it (Forbidden) unless `may_accept_own` (admins).
    """
    reason = (reason or "").strip() or None
    if reason and len(reason) > MAX_REASON:
        raise BadParameter("reason", f"is longer than {MAX_REASON} characters")
    check_plain("reason", reason)
    p = get(db, proposal_id)
    if p.status != "pending":
        raise _already_decided(db, p)
    if p.by == by and not may_accept_own:
        raise Forbidden(
            f"Proposal {p.id} is yours ({by}); another editor must review it.",
            fix="ask another editor to accept it (an admin may accept their own proposals).",
        )
    why = p.note or f"proposed by {p.by}"
    if reason:
        why = f"{why} (accepted: {reason})"

    def mark(tx: ManagedTransaction, revisions: list[Revision]) -> None:
        _decide(tx, p, "accepted", by, reason, max((r.seq for r in revisions), default=None))

    batch, cited = _changes_for(db, p)
    revisions = apply_changes(db, batch, by=by, why=why, source=cited, proposal=p.id, also=mark)
    return get(db, p.id), revisions


def reject(db: Database, proposal_id: str, *, by: str, reason: str) -> Proposal:
    """Mark the proposal rejected, with the editor's reason; nothing else changes."""
    reason = (reason or "").strip()
    if not reason:
        raise BadParameter("reason", "say why the proposal is rejected")
    if len(reason) > MAX_REASON:
        raise BadParameter("reason", f"is longer than {MAX_REASON} characters")
    check_plain("reason", reason)
    p = get(db, proposal_id)
    if p.status != "pending":
        raise _already_decided(db, p)
    db.write(lambda tx: _decide(tx, p, "rejected", by, reason, None))
    return get(db, p.id)

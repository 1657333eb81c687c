"""Proposals: a contributor's new record or correction, stored pending, accepted or rejected.

A proposal always cites a source (an existing Source record, or a new one proposed with it) and
is validated by the same models and cross-checks as data/ when it is made. Accepting writes it
through `apply_changes` (one transaction, with its revision), marking the proposal accepted in
that same transaction; rejecting changes nothing but the proposal.
"""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from govgraph.core.cypher import text
from govgraph.core.errors import BadParameter, Conflict, NotFound, ValidationFailed
from govgraph.core.ids import is_id
from govgraph.graph.db import Database
from govgraph.graph.history import history
from govgraph.graph.schema import load_schema
from govgraph.ingest.changes import Change, Current, check_changes, current_record

STATUSES = ("pending", "accepted", "rejected")
MAX_NOTE = 2000
MAX_REASON = 2000
MAX_LIST = 500
ADDITIVE = "sources"  # a field whose additions never conflict: cited sources accumulate
PROPOSAL_ID = re.compile(r"^proposal:[0-9a-f]{12}$")
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
CITATION = ("publisher", "title", "published")  # with url when given: what makes a source the same
LIST_TYPES = ("ref_list", "text_list", "roles")


@dataclass(frozen=True)
class Proposal:
    """One stored proposal."""

    id: str
    status: str
    kind: str  # new | correction
    record_type: str
    record_id: str
    record: dict[str, Any]
    base_rev: int | None
    fields: list[str]
    source: str
    new_source: dict[str, Any] | None
    note: str
    by: str
    created: datetime
    decided_by: str | None = None
    decided_at: datetime | None = None
    reason: str | None = None
    revision: int | None = None

    def to_json(self) -> dict[str, Any]:
        """JSON-ready (datetimes as ISO 8601 'Z')."""
        out = dict(self.__dict__)
        for key in ("created", "decided_at"):
            out[key] = _iso(out[key])
        return out


@dataclass(frozen=True)
class DiffRow:
    """One top-level field: the current value, the proposed one, and whether it changes."""

    field: str
    current: Any
    proposed: Any
    changed: bool


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z") if value else None


def now_utc() -> datetime:
    return datetime.now(UTC)


def _native(value: Any) -> Any:
    """A driver temporal as a Python one."""
    return value.to_native() if hasattr(value, "to_native") else value


def _from_row(p: dict[str, Any]) -> Proposal:
    return Proposal(
        id=p["id"],
        status=p["status"],
        kind=p["kind"],
        record_type=p["record_type"],
        record_id=p["record_id"],
        record=json.loads(p["record"]),
        base_rev=p.get("base_rev"),
        fields=list(p.get("fields") or []),
        source=p["source"],
        new_source=json.loads(p["new_source"]) if p.get("new_source") else None,
        note=p.get("note") or "",
        by=p["by"],
        created=_native(p["created"]),
        decided_by=p.get("decided_by"),
        decided_at=_native(p.get("decided_at")),
        reason=p.get("reason"),
        revision=p.get("revision"),
    )


# ------------------------------------------------------------------------------- reading


def check_proposal_id(value: str) -> str:
    """The id itself, or NotFound (an id of the wrong shape names no proposal)."""
    if not isinstance(value, str) or not PROPOSAL_ID.match(value):
        raise NotFound(
            f"No proposal '{str(value)[:80]}'.",
            fix="proposal ids look like proposal:0123456789ab (GET /api/proposals lists them).",
        )
    return value


def get(db: Database, proposal_id: str) -> Proposal:
    """One proposal; NotFound when no proposal has that id."""
    rows = db.rows(text("proposal-get"), {"id": check_proposal_id(proposal_id)})
    if not rows:
        raise NotFound(
            f"No proposal '{proposal_id}'.", fix="GET /api/proposals lists the proposals."
        )
    return _from_row(rows[0]["p"])


def proposals(
    db: Database, *, status: str | None = None, by: str | None = None, limit: int = 100
) -> list[Proposal]:
    """Proposals, newest first; of one status and one contributor when given."""
    if status is not None and status not in STATUSES:
        raise BadParameter("status", f"'{status[:40]}' is not one of {', '.join(STATUSES)}")
    if not 1 <= limit <= MAX_LIST:
        raise BadParameter("limit", f"must be between 1 and {MAX_LIST}")
    params = {"status": status, "by": by, "limit": limit}
    return [_from_row(r["p"]) for r in db.rows(text("proposal-list"), params)]


def field_order(record_type: str, names: set[str]) -> list[str]:
    """Field names in schema order, unknown ones last."""
    props = list(load_schema().types[record_type].props)
    return sorted(names, key=lambda n: (props.index(n) if n in props else len(props), n))


def rebased(
    current: dict[str, Any], p: Proposal, base: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The current record with the proposal's fields applied.

    Cited sources accumulate: the sources the proposal added (against `base`, the record it was
    made from; the current one when not given) are added, the ones it left out are removed, and
    sources cited since by others stay.
    """
    record = dict(current)
    for name in p.fields:
        if name == ADDITIVE and isinstance(p.record.get(name), list):
            proposed = p.record[name]
            removed = set((base if base is not None else current).get(name) or []) - set(proposed)
            merged = dict.fromkeys([*(current.get(name) or []), *proposed])
            record[name] = [s for s in merged if s not in removed]
        elif name in p.record:
            record[name] = p.record[name]
        else:
            record.pop(name, None)
    return record


def base_record(db: Database, p: Proposal, found: Current) -> dict[str, Any]:
    """The record as it stood when the proposal was made (its revision `base_rev`)."""
    if p.base_rev is None or found.rev == p.base_rev:
        return found.record
    made = next((r for r in history(db, p.record_id) if r.rev == p.base_rev), None)
    return made.after or {} if made is not None else found.record


def diff(db: Database, p: Proposal) -> list[DiffRow]:
    """Every field of the record: its value before and after the proposal, changed or not.

    Pending or rejected: the current record against the proposal applied to it. Accepted: the
    record just before and just after the revision that accepting wrote.
    """
    found = current_record(db, p.record_id)
    current = found.record if found and not found.retracted else {}
    proposed = p.record
    if p.kind == "correction" and found and current:
        proposed = rebased(current, p, base_record(db, p, found))
    if p.status == "accepted":
        written = next((r for r in history(db, p.record_id) if r.proposal == p.id), None)
        if written is not None:
            current, proposed = written.before or {}, written.after or {}
    names = field_order(p.record_type, set(current) | set(proposed))
    return [DiffRow(n, current.get(n), proposed.get(n), current.get(n) != proposed.get(n))
            for n in names]  # fmt: skip


# ----------------------------------------------------------------------------- proposing


def _slug(value: str, words: int = 8) -> str:
    parts = re.findall(r"[a-z0-9]+", value.lower())[:words]
    return "-".join(parts)[:60].strip("-")


def _norm(value: Any) -> str:
    return " ".join(str(value or "").split()).casefold()


def same_citation(existing: dict[str, Any], new: dict[str, Any]) -> bool:
    """True when two sources cite the same thing: publisher, title, published (and url if given)."""
    if any(_norm(existing.get(k)) != _norm(new.get(k)) for k in CITATION):
        return False
    return not new.get("url") or _norm(existing.get("url")) == _norm(new["url"])


def _source_stem(record: dict[str, Any]) -> str:
    parts = (
        _slug(str(record.get("publisher", "")), 3),
        _slug(str(record.get("published", "")), 3),
        _slug(str(record.get("title", "")), 6),
    )
    return "src:" + ("-".join(s for s in parts if s) or "proposed")


def resolve_source(db: Database, record: dict[str, Any]) -> tuple[str, bool]:
    """The id a proposed new source gets, and whether it is an existing source (cite, not create).

    Ids are tried in order (the record's own id when it has one, then its stem, stem-2, ...): a
    live source with the same citation is that source; the first free id is a new one; a
    different source (or a retracted record) on an id moves on to the next.
    """
    stem = _source_stem(record)
    first = [record["id"]] if isinstance(record.get("id"), str) else []
    ids = list(dict.fromkeys([*first, stem, *(f"{stem}-{n}" for n in range(2, 50))]))
    for candidate in ids:
        found = current_record(db, candidate)
        if found is None:
            return candidate, False
        if found.type == "Source" and not found.retracted and same_citation(found.record, record):
            return candidate, True
    return ids[-1], False  # every id taken: validating the change reports the conflict


def new_source_record(
    db: Database, raw: dict[str, Any], today: date
) -> tuple[dict[str, Any], bool]:
    """A Source record (dataset format) from the fields a contributor gave, with its id, and
    whether that id is an existing live source with the same citation (cite it, create nothing)."""
    if not isinstance(raw, dict):
        raise BadParameter("new_source", "must be an object with publisher, title and published")
    allowed = {"publisher", "title", "published", "url", "kind", "id"}
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise BadParameter(
            "new_source", f"unknown field(s) {', '.join(map(str, unknown))[:100]}; "
            f"use {', '.join(sorted(allowed))}"
        )  # fmt: skip
    record = {k: v for k, v in raw.items() if v not in (None, "")}
    record.setdefault("kind", "news")
    record["recorded_at"] = today.isoformat()
    for name in ("publisher", "title", "published"):
        if not isinstance(record.get(name), str) or not record[name].strip():
            raise BadParameter(f"new_source.{name}", "is required: who published it, its title "
                               "and its date (2026-06-23, 2026-06 or 2026)")  # fmt: skip
    record["id"], existing = resolve_source(db, record)
    return {"id": record.pop("id"), **record}, existing


def _strings(value: Any) -> list[str]:
    """Every text inside a value (lists and mappings walked, one level each)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [t for v in value.values() for t in _strings(v)]
    if isinstance(value, list):
        return [t for v in value for t in _strings(v)]
    return []


def check_text(record: dict[str, Any], where: str = "record") -> None:
    """BadParameter naming the field when a text holds control characters (not typed text)."""
    for name, value in record.items():
        if any(CONTROL.search(t) for t in _strings(value)):
            raise BadParameter(
                f"{where}.{name}", "holds control or invalid characters; type plain text"
            )


def check_plain(name: str, value: str | None) -> None:
    """BadParameter naming the field when a free text (note, reason) holds control characters."""
    if value and CONTROL.search(value):
        raise BadParameter(name, "holds control or invalid characters; type plain text")


def check_free_id(db: Database, record_id: str) -> None:
    """Conflict when a new record's id is taken, by a live record or a retracted one."""
    found = current_record(db, record_id)
    if found is None:
        return
    if found.retracted:
        raise Conflict(
            f"'{record_id}' belongs to a retracted record (revision {found.rev}); a retracted "
            "record's id is not used again.",
            record_id=record_id,
            current_revision=found.rev,
            fix="choose another id for the new record.",
        )
    raise Conflict(
        f"'{record_id}' is already a record (revision {found.rev}).",
        record_id=record_id,
        current_revision=found.rev,
        fix="propose a correction of it instead (its page's 'Suggest a correction'), or choose "
        "another id.",
    )


def _check_correction(
    rt_name: str, current: dict[str, Any], given: dict[str, Any], proposed: dict[str, Any],
    where: str,
) -> None:  # fmt: skip
    """Refuse what a correction may not do: move recorded_at, empty a required list."""
    if "recorded_at" in given and given["recorded_at"] != current.get("recorded_at"):
        raise BadParameter(
            f"{where}.recorded_at",
            f"is kept as the day the record entered the dataset ({current.get('recorded_at')}) "
            "and cannot be changed by a proposal; leave it out",
        )
    for prop in load_schema().types[rt_name].props.values():
        emptied = current.get(prop.name) and not proposed.get(prop.name)
        if prop.required and prop.type in LIST_TYPES and emptied:
            hint = " (the cited source is added to them)" if prop.name == ADDITIVE else ""
            raise BadParameter(
                f"{where}.{prop.name}",
                "is required and cannot be emptied or removed; to remove some, list the ones "
                f"that remain{hint}",
            )


def _cite(record_type: str, record: dict[str, Any], source_id: str) -> dict[str, Any]:
    """The record with the cited source in its sources (a Source record cites nothing here)."""
    if "sources" not in load_schema().types[record_type].props:
        return record
    sources = record.get("sources")
    sources = list(sources) if isinstance(sources, list) else []
    if source_id not in sources:
        sources.append(source_id)
    return {**record, "sources": sources}


def _existing_source(db: Database, source_id: Any) -> str:
    if not isinstance(source_id, str) or not is_id(source_id):
        raise BadParameter("source", "must be a source id such as src:reuters-2026-caisi")
    found = current_record(db, source_id)
    if found is None or found.retracted or found.type != "Source":
        raise ValidationFailed(
            [f"field 'source': '{source_id}' is no source in the graph. Fix: cite an existing "
             "source id (src:...) or give a new source (publisher, title, published)."],
            what="the proposal",
        )  # fmt: skip
    return source_id


def _target(db: Database, record_type: str, record_id: Any) -> Current:
    if not isinstance(record_id, str) or not is_id(record_id):
        raise BadParameter("record_id", "must be the id of the record to correct, e.g. org:meta")
    found = current_record(db, record_id)
    if found is None or found.retracted:
        raise NotFound(
            f"No record '{record_id}' to correct.",
            fix="check the id; propose a new record without record_id.",
        )
    if found.type != record_type:
        raise BadParameter("type", f"'{record_id}' is a {found.type}, not a {record_type}")
    return found


def propose(
    db: Database,
    *,
    by: str,
    record_type: str,
    record_id: str | None = None,
    record: dict[str, Any] | None = None,
    changes: dict[str, Any] | None = None,
    source: str | None = None,
    new_source: dict[str, Any] | None = None,
    note: str = "",
    today: date | None = None,
) -> Proposal:
    """Validate and store a proposal (pending); ValidationFailed or Conflict store nothing."""
    schema = load_schema()
    today = today or datetime.now(UTC).date()
    if record_type not in schema.types:
        raise BadParameter("type", f"'{str(record_type)[:40]}' is not one of "
                           f"{', '.join(schema.types)}")  # fmt: skip
    if (source is None) == (new_source is None):
        raise BadParameter("source", "cite exactly one source: an existing source id in "
                           "'source', or a new source in 'new_source'")  # fmt: skip
    if len(note) > MAX_NOTE:
        raise BadParameter("note", f"is longer than {MAX_NOTE} characters")
    check_plain("note", note)
    cited_new: dict[str, Any] | None = None
    if new_source is not None:
        cited_new, existing = new_source_record(db, new_source, today)
        check_text(cited_new, "new_source")
        if existing:  # the same citation as a live source: that source, nothing new
            source, cited_new = cited_new["id"], None
    cited = cited_new["id"] if cited_new else _existing_source(db, source)
    if record_id is not None:
        current: Current | None = _target(db, record_type, record_id)
        assert current is not None
        if (record is None) == (changes is None):
            raise BadParameter("changes", "give either the whole corrected 'record' or the "
                               "fields to change in 'changes'")  # fmt: skip
        if changes is not None:
            proposed = {**current.record, **changes}
            proposed = {k: v for k, v in proposed.items() if v is not None}
        else:
            proposed = dict(record or {})
        if proposed.get("id", record_id) != record_id:
            raise BadParameter("record.id", "cannot change a record's id; propose a new record")
        proposed["id"] = record_id
        proposed.setdefault("recorded_at", current.record.get("recorded_at"))
        where = "changes" if changes is not None else "record"
        _check_correction(record_type, current.record, changes or record or {}, proposed, where)
    else:
        current = None
        if record is None or changes is not None:
            raise BadParameter("record", "a new record needs the whole 'record' (with its id); "
                               "to correct one, give record_id and 'changes'")  # fmt: skip
        proposed = {**record, "recorded_at": today.isoformat()}
        if not isinstance(proposed.get("id"), str) or not is_id(proposed["id"]):
            raise BadParameter("record.id", "a new record needs an id such as org:example")
        check_free_id(db, proposed["id"])
    check_text(proposed)
    proposed = _cite(record_type, proposed, cited)
    before = current.record if current else {}
    fields = field_order(
        record_type, {k for k in set(before) | set(proposed) if before.get(k) != proposed.get(k)}
    )
    if not fields:
        raise BadParameter("changes", "the proposal changes nothing in the current record")
    batch = [Change("Source", cited_new)] if cited_new else []
    batch.append(Change(record_type, proposed, current.rev if current else None))
    check_changes(db, batch)
    p = Proposal(
        id=f"proposal:{secrets.token_hex(6)}",
        status="pending",
        kind="correction" if current else "new",
        record_type=record_type,
        record_id=str(proposed["id"]),
        record=proposed,
        base_rev=current.rev if current else None,
        fields=fields,
        source=cited,
        new_source=cited_new,
        note=note.strip(),
        by=by,
        created=now_utc(),
    )
    props = {
        **{k: v for k, v in p.__dict__.items() if k not in ("id", "record", "new_source")},
        "record": json.dumps(p.record, ensure_ascii=False),
        "new_source": json.dumps(cited_new, ensure_ascii=False) if cited_new else None,
    }
    db.write(lambda tx: tx.run(text("proposal-create"), id=p.id, props=props).consume())
    return p

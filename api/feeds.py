"""Atom feeds (RFC 4287) of revisions and of a named query's new rows, and field-by-field diffs."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from fastapi.responses import Response

from govgraph.graph.history import Revision, iso

ATOM = "http://www.w3.org/2005/Atom"
MEDIA_TYPE = "application/atom+xml; charset=utf-8"
TAG = "tag:govgraph,2026:"
OPS = {"create": "New", "update": "Changed", "retract": "Retracted", "restore": "Restored"}
MAX_VALUE = 300  # characters of one value in a summary
# Characters XML 1.0 cannot hold (and lone surrogates, which UTF-8 cannot): shown as U+FFFD.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
ET.register_namespace("", ATOM)


def value_text(value: Any) -> str:
    """A field value as readable text: strings as they are, the rest as compact JSON."""
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


@dataclass(frozen=True)
class FieldDiff:
    """One field's change: before and after, and for lists the items added and removed."""

    field: str
    before: str
    after: str
    is_list: bool = False
    added: list[str] = dataclasses.field(default_factory=list)
    removed: list[str] = dataclasses.field(default_factory=list)


def field_diffs(revision: Revision) -> list[FieldDiff]:
    """What a revision changed, field by field (every field of a new or retracted record)."""
    before, after = revision.before or {}, revision.after or {}
    names = revision.fields or sorted(k for k in set(before) | set(after))
    diffs = []
    for name in names:
        old, new = before.get(name), after.get(name)
        if isinstance(old, list) or isinstance(new, list):
            old_items = [value_text(v) for v in old or []]
            new_items = [value_text(v) for v in new or []]
            diffs.append(
                FieldDiff(
                    name,
                    value_text(old),
                    value_text(new),
                    is_list=True,
                    added=[v for v in new_items if v not in old_items],
                    removed=[v for v in old_items if v not in new_items],
                )
            )
        else:
            diffs.append(FieldDiff(name, value_text(old), value_text(new)))
    return diffs


def record_path(record_type: str, record_id: str) -> str:
    """The page of a record: events have their own, everything else is an entity page."""
    return f"/event/{record_id}" if record_type == "Event" else f"/entity/{record_id}"


def _short(text: str) -> str:
    return text if len(text) <= MAX_VALUE else text[: MAX_VALUE - 1] + "…"


def summary(revision: Revision) -> str:
    """What changed, who changed it and why, as plain text."""
    lines = [f"{OPS.get(revision.op, revision.op)} by {revision.by}: {revision.why}".rstrip(": ")]
    if revision.source:
        lines.append(f"Source: {revision.source}")
    if revision.op == "update":
        for d in field_diffs(revision):
            if d.is_list:
                parts = [f"+ {v}" for v in d.added] + [f"- {v}" for v in d.removed]
                lines.append(f"{d.field}: {_short('; '.join(parts) or d.after)}")
            else:
                lines.append(f"{d.field}: {_short(d.before)} → {_short(d.after)}")
    elif revision.fields:
        lines.append("Fields: " + ", ".join(revision.fields))
    return "\n".join(lines)


@dataclass(frozen=True)
class Entry:
    """One Atom entry."""

    id: str
    title: str
    updated: datetime
    link: str
    author: str
    content: str


def revision_entry(revision: Revision, origin: str) -> Entry:
    """The entry of one revision, linking to its record's page."""
    name = (revision.after or revision.before or {}).get("name")
    what = f"{revision.record_type} {revision.record_id}" + (f" ({name})" if name else "")
    return Entry(
        id=f"{TAG}rev:{revision.seq}",
        title=f"{OPS.get(revision.op, revision.op)}: {what}",
        updated=revision.at,
        link=origin + record_path(revision.record_type, revision.record_id),
        author=revision.by or "govgraph",
        content=summary(revision),
    )


def row_key(row: dict[str, Any], id_columns: list[str]) -> str:
    """What identifies a query row: its id columns' values, else the whole row."""
    wanted = {c: row.get(c) for c in id_columns} if id_columns else row
    return json.dumps(wanted, sort_keys=True, ensure_ascii=False, default=str)


def row_entry(
    name: str, row: dict[str, Any], key: str, new: bool, updated: datetime, link: str
) -> Entry:
    """The entry of a new or changed row of a named query."""
    digest = hashlib.sha256(f"{name}\n{key}".encode()).hexdigest()[:32]
    label = ", ".join(value_text(v) for v in json.loads(key).values())
    lines = [f"{column}: {_short(value_text(value))}" for column, value in row.items()]
    return Entry(
        id=f"{TAG}query:{name}:{digest}",
        title=f"{'New' if new else 'Changed'} row of {name}: {_short(label)}",
        updated=updated,
        link=link,
        author="govgraph",
        content="\n".join(lines),
    )


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    attrs = {k: NOT_XML.sub("\ufffd", v) for k, v in attrs.items()}
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
    if text is not None:
        element.text = NOT_XML.sub("\ufffd", text)
    return element


def render(
    *, feed_id: str, title: str, self_url: str, page_url: str, entries: list[Entry]
) -> bytes:
    """The feed document; `updated` is its newest entry's time (stable while nothing changes)."""
    updated = max((e.updated for e in entries), default=datetime(2026, 1, 1, tzinfo=UTC))
    feed = ET.Element(f"{{{ATOM}}}feed")
    _sub(feed, "id", feed_id)
    _sub(feed, "title", title)
    _sub(feed, "updated", iso(updated))
    _sub(feed, "link", rel="self", href=self_url, type="application/atom+xml")
    _sub(feed, "link", rel="alternate", href=page_url, type="text/html")
    _sub(_sub(feed, "author"), "name", "govgraph")
    _sub(feed, "generator", "govgraph")
    for e in entries:
        entry = _sub(feed, "entry")
        _sub(entry, "id", e.id)
        _sub(entry, "title", e.title)
        _sub(entry, "updated", iso(e.updated))
        _sub(entry, "link", rel="alternate", href=e.link, type="text/html")
        _sub(_sub(entry, "author"), "name", e.author)
        _sub(entry, "content", e.content, type="text")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def atom_response(document: bytes) -> Response:
    """The feed with its media type."""
    return Response(document, media_type=MEDIA_TYPE)

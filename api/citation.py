"""One-line citations ("cite this") for an event, a relationship or a query row."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

from govgraph.api.graph_style import date_label
from govgraph.api.phrases import label, phrase

MAX_SOURCES = 3


def _sources(sources: Sequence[Mapping[str, Any]] | None) -> str:
    """Publisher, title and date of the first few sources, then how many more."""
    real = [s for s in sources or [] if s and s.get("id")]
    if not real:
        return "no source recorded"
    parts = []
    for s in real[:MAX_SOURCES]:
        when = date_label(s.get("published"))
        text = f"{s.get('publisher') or 'publisher not recorded'}, “{s.get('title') or s['id']}”"
        parts.append(f"{text}, {when}" if when else text)
    more = len(real) - MAX_SOURCES
    return "; ".join(parts) + (f"; and {more} more" if more > 0 else "")


def permalink(origin: str, record_id: str) -> str:
    """The permanent address of a record's page on this site."""
    path = "event" if record_id.startswith("event:") else "entity"
    return f"{origin.rstrip('/')}/{path}/{quote(record_id, safe=':')}"


def _line(what: str, when: str, sources: Any, url: str) -> str:
    what = what.strip().rstrip(".")
    return (
        f"{what} ({when}). Sources: {_sources(sources)}. {url}"
        if when
        else (f"{what}. Sources: {_sources(sources)}. {url}")
    )


def event(row: Mapping[str, Any], origin: str) -> str:
    """An event row (timeline, entity page): what happened, when, sources, its page."""
    event_id = str(row.get("event_id") or row.get("id"))
    when = date_label(row.get("date"), row.get("date_precision"), row.get("recorded_at"))
    what = str(row.get("summary") or label(row.get("type")) or event_id)
    return _line(what, when, row.get("sources"), permalink(origin, event_id))


def relationship(
    subject: str, rel: Mapping[str, Any], origin: str, sources: Sequence[Any] | None = None
) -> str:
    """A relationship from an entity page: "A is party to B", when, sources, its event's page."""
    words = phrase(str(rel.get("relation")), str(rel.get("direction") or "out"))
    what = f"{subject} {words} {rel.get('name') or rel.get('id')}"
    when = date_label(rel.get("date"), rel.get("date_precision"))
    target = rel.get("event_id") or rel.get("id")
    return _line(what, when, sources, permalink(origin, str(target)))


def row_what(row: Mapping[str, Any]) -> str:
    """The fact a query row states, in words, from the columns it has."""
    actor = row.get("actor") or row.get("name")
    target = row.get("target")
    if actor and target and row.get("how"):
        return f"{actor} {label(row['how'])} {target}"
    if actor and target and row.get("standing"):
        return f"{actor}: {label(row['standing'])}, {target}"
    if row.get("summary"):
        return str(row["summary"])
    return str(actor or target or row.get("event_id") or row.get("id") or "a query answer")


def query_row(query_title: str, row: Mapping[str, Any], origin: str, page_url: str) -> str:
    """A query row: the fact it states, when, sources, and its event's page or the answer's URL."""
    when = date_label(row.get("date"), row.get("date_precision"), row.get("recorded_at"))
    event_id = row.get("event_id")
    url = permalink(origin, str(event_id)) if event_id else origin.rstrip("/") + page_url
    return _line(f"{row_what(row)} — {query_title}", when, row.get("sources"), url)

"""Turn validated records into the rows that the write queries UNWIND."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from govgraph.graph.dates import parse_day, parse_fuzzy
from govgraph.graph.history import canonical
from govgraph.graph.schema import Prop, RecordType, Schema, Shortcut
from govgraph.ingest.validate import CURATED, Dataset, Located

DERIVED_SUFFIXES = ("_precision", "_earliest", "_latest")
INTERNAL_PROPS = {
    "content_hash",
    "search_text",
    "origin",
    "reviewed",
    "reviewed_by",
    "reviewed_on",
    "record_json",  # the record as the dataset holds it (what revisions store)
    "rev",
    "edited",
}


def node_props(rt: RecordType, loc: Located, origin: str = CURATED) -> dict[str, Any]:
    """Node properties: fields as written, date bounds, search text, origin and review state."""
    data = loc.record.dump()
    props: dict[str, Any] = {"origin": origin, "reviewed": origin == CURATED}
    for name, prop in rt.props.items():
        if prop.type == "roles" or name not in data:
            continue
        value = data[name]
        if prop.type == "date":
            props[name] = parse_day(value)
        elif prop.type == "fuzzy_date":
            fuzzy = parse_fuzzy(value)
            props[name] = fuzzy.text
            props[f"{name}_precision"] = fuzzy.precision
            props[f"{name}_earliest"] = fuzzy.earliest
            props[f"{name}_latest"] = fuzzy.latest
        else:
            props[name] = value
    props["record_json"] = canonical(data)
    if rt.entity:
        props["search_text"] = " | ".join([data["name"], *data.get("aliases", []), loc.id])
    return props


def _link(prop: Prop, me: str, other: str, ord_: int, role: str | None = None) -> dict[str, Any]:
    start, end = prop.ends(me, other)  # the schema says which way the relationship points
    row: dict[str, Any] = {"start": start, "end": end, "ord": ord_}
    if role is not None:
        row["role"] = role
    return row


def ref_rows(rt: RecordType, loc: Located) -> Iterator[tuple[str, dict[str, Any]]]:
    """(property name, row) for every reference a record makes, start and end as stored."""
    for name, prop in rt.props.items():
        value = getattr(loc.record, name, None)
        if not value:
            continue
        if prop.type == "ref":
            yield name, _link(prop, loc.id, value, 0)
        elif prop.type == "ref_list":
            for i, ref in enumerate(value):
                yield name, _link(prop, loc.id, ref, i)
        elif prop.type == "roles":
            for i, link in enumerate(value):
                other = getattr(link, "actor", None) or link.id
                yield name, _link(prop, loc.id, other, i, link.role)


def shortcut_rows(
    schema: Schema, dataset: Dataset, event_ids: set[str]
) -> Iterator[tuple[Shortcut, dict[str, Any]]]:
    """Rows for the relationships derived from events (one per matching pair)."""
    for loc in dataset.of("Event"):
        if loc.id not in event_ids:
            continue
        rec: Any = loc.record
        fuzzy = parse_fuzzy(rec.date)
        sides = {
            "participants": [(p.actor, p.role) for p in rec.participants],
            "concerns": [(c.id, c.role) for c in rec.concerns],
        }
        for sc in schema.shortcuts:
            if rec.type not in sc.events:
                continue
            froms = [i for i, role in sides[sc.source[0]] if role == sc.source[1]]
            tos = [i for i, role in sides[sc.target[0]] if role == sc.target[1]]
            for a in froms:
                for b in tos:
                    if a == b:
                        continue
                    yield (
                        sc,
                        {
                            "start": a,
                            "end": b,
                            "props": {
                                "event_id": loc.id,
                                "event_type": rec.type,
                                "status": rec.status,
                                "date": fuzzy.text,
                                "date_precision": fuzzy.precision,
                                "date_earliest": fuzzy.earliest,
                                "date_latest": fuzzy.latest,
                                "sources": list(rec.sources),
                                "reviewed": dataset.reviewed,
                                # a range ending on this day is bounded by the record, not a source
                                "recorded_at": parse_day(rec.recorded_at),
                            },
                        },
                    )

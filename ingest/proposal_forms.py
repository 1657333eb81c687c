"""The proposal form, generated from the schema: its inputs, prefill, and the record it gives."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from govgraph.core.errors import ValidationFailed
from govgraph.graph.schema import Prop, RecordType, load_schema

# Fields the form does not show: set by the system (recorded_at) or by merges (former_ids).
HIDDEN = ("recorded_at", "former_ids")
LONG_TEXT = ("summary", "note", "terms")
FUZZY_HINT = (
    "2023-07-21, 2023-07, 2023, a range 2026-06/2026-11-29 (.. for an open end), or unknown"
)
DAY_HINT = "a day: 2026-06-23"
PREFIX = "f_"  # form field names are prefixed, so no property can clash with csrf_token & co.
FIELD_IN_PROBLEM = re.compile(
    r"field '([a-z_]+)|: ([a-z_]+) (?:refers to|'[^']*' starts|\S+ is in)"
)
WHERE = re.compile(r"^change \d+(?:: [a-z]+:[a-z0-9][a-z0-9.-]*)?: (?:field )?")
MAX_LINES = 500


@dataclass(frozen=True)
class FormField:
    """One input of the form."""

    name: str
    input: str  # text | textarea | select | lines
    label: str
    hint: str
    required: bool
    options: tuple[tuple[str, str], ...] = ()

    @property
    def key(self) -> str:
        return PREFIX + self.name


def _field(rt: RecordType, prop: Prop) -> FormField:
    schema = load_schema()
    label = prop.name.replace("_", " ").capitalize()
    hint = prop.description
    options: tuple[tuple[str, str], ...] = ()
    kind = "text"
    if prop.type == "kind":
        kind, options = "select", tuple((k, v.description) for k, v in rt.kinds.items())
    elif prop.type == "event_type":
        kind, options = "select", tuple(schema.event_types.items())
    elif prop.type == "enum":
        kind, options = "select", tuple((v, v.replace("_", " ")) for v in prop.values)
    elif prop.type in ("text_list", "ref_list"):
        kind, hint = "textarea", f"{hint} One per line."
    elif prop.type == "roles":
        roles = schema.participant_roles if prop.name == "participants" else schema.concern_roles
        kind = "textarea"
        hint = f"{hint} One per line: an id, a space, a role ({', '.join(roles)})."
    elif prop.type == "fuzzy_date":
        hint = f"{hint} Accepted: {FUZZY_HINT}."
    elif prop.type == "date":
        hint = f"{hint} Accepted: {DAY_HINT}."
    elif prop.type == "text" and prop.name in LONG_TEXT:
        kind = "textarea"
    return FormField(prop.name, kind, label, hint, prop.required, options)


def form_fields(record_type: str) -> list[FormField]:
    """The inputs for one record type, in schema order."""
    rt = load_schema().types[record_type]
    return [_field(rt, p) for p in rt.props.values() if p.name not in HIDDEN]


def form_values(record_type: str, record: Mapping[str, Any]) -> dict[str, str]:
    """A record (dataset format) as the form's text values, keyed by form field name."""
    rt = load_schema().types[record_type]
    out: dict[str, str] = {}
    for f in form_fields(record_type):
        value = record.get(f.name)
        if value is None:
            continue
        prop = rt.props[f.name]
        if prop.type == "roles":
            key = "actor" if f.name == "participants" else "id"
            out[f.key] = "\n".join(f"{v.get(key, '')} {v.get('role', '')}".strip() for v in value)
        elif isinstance(value, list):
            out[f.key] = "\n".join(str(v) for v in value)
        else:
            out[f.key] = str(value)
    return out


def _lines(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip()][: MAX_LINES + 1]


def record_from_form(
    record_type: str, form: Mapping[str, str], base: Mapping[str, Any] | None = None
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The record the form describes (on top of `base`'s hidden fields) and problems by field."""
    rt = load_schema().types[record_type]
    record: dict[str, Any] = {k: v for k, v in (base or {}).items() if k in HIDDEN}
    problems: dict[str, list[str]] = {}
    for f in form_fields(record_type):
        raw = str(form.get(f.key, "") or "").strip()
        if not raw:
            continue
        prop = rt.props[f.name]
        if prop.type == "roles":
            key = "actor" if f.name == "participants" else "id"
            links = []
            for n, line in enumerate(_lines(raw), 1):
                parts = line.split()
                if len(parts) != 2:
                    problems.setdefault(f.name, []).append(
                        f"line {n} ('{line[:60]}') is not 'id role'. Fix: write one id, a "
                        "space and one role per line."
                    )
                    continue
                links.append({key: parts[0], "role": parts[1]})
            record[f.name] = links
        elif prop.type in ("text_list", "ref_list"):
            record[f.name] = _lines(raw)
        else:
            record[f.name] = raw
    return record, problems


def problems_by_field(exc: ValidationFailed) -> dict[str, list[str]]:
    """A validation failure's problems keyed by the top-level field each names ('' for none)."""
    out: dict[str, list[str]] = {}
    for problem in exc.problems:
        match = FIELD_IN_PROBLEM.search(problem)
        name = (match.group(1) or match.group(2)) if match else ""
        out.setdefault(name, []).append(WHERE.sub("", problem))
    return out

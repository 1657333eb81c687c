"""Render docs/schema.md from the declared schema, so the documentation cannot drift from it."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from govgraph import PROJECT_ROOT
from govgraph.graph.schema import (
    ENTITY_LABEL,
    Prop,
    RecordType,
    Schema,
    constraint_statements,
    load_schema,
)

SCHEMA_DOC = PROJECT_ROOT / "docs" / "schema.md"
SHORTCUT_PROPS = (
    ("event_id", "id of the event it was derived from (one relationship per event)"),
    ("event_type", "that event's type"),
    ("status", "that event's status"),
    ("date", "that event's fuzzy date, as written"),
    ("date_precision", "day, month, year, range or unknown"),
    ("date_earliest", "earliest possible day (a date; null when open)"),
    ("date_latest", "latest possible day (a date; null when open)"),
    ("sources", "that event's source ids"),
)


@dataclass(frozen=True)
class Example:
    """A documented Cypher query; tests run each one against the curated graph."""

    title: str
    question: str
    cypher: str
    params: dict[str, str]


EXAMPLES = (
    Example(
        title="Who agreed to what, and when",
        question="Which actors are party to the CAISI pre-release review, since when, "
        "according to which sources?",
        cypher="""MATCH (a:Actor)-[r:PARTY_TO]->(x:Entity {id: $target})
MATCH (e:Event {id: r.event_id})-[:SOURCED_FROM]->(s:Source)
WITH a, r, x, e, s ORDER BY s.id
RETURN a.id AS actor, a.name AS name, r.event_type AS how, x.id AS target,
       r.date AS date, r.date_precision AS precision,
       r.date_earliest AS earliest, r.date_latest AS latest,
       e.id AS event, collect(s.id) AS sources
ORDER BY name""",
        params={"target": "program:caisi-frontier-review"},
    ),
    Example(
        title="The same answer from the events themselves",
        question="Every joined or signed event with a party and a subject, without the shortcut.",
        cypher="""MATCH (a:Actor)-[p:PARTICIPATED_IN {role: 'party'}]->(e:Event)
      -[:CONCERNS {role: 'subject'}]->(x:Entity {id: $target})
WHERE e.type IN ['joined', 'signed']
RETURN a.name AS name, e.type AS how, e.date AS date, e.date_precision AS precision,
       e.status AS status,
       [(e)-[:SOURCED_FROM]->(s:Source) | s.id] AS sources
ORDER BY name""",
        params={"target": "program:caisi-frontier-review"},
    ),
    Example(
        title="Was it so as of a day?",
        question="Was each party already in the review on 2026-08-01? "
        "(yes, no, or uncertain when the date range straddles the day)",
        cypher="""MATCH (a:Actor)-[r:PARTY_TO]->(:Entity {id: $target})
RETURN a.name AS name, r.date AS date,
       CASE
         WHEN r.date_latest IS NOT NULL AND r.date_latest <= date($as_of) THEN 'yes'
         WHEN r.date_earliest IS NOT NULL AND r.date_earliest > date($as_of) THEN 'no'
         ELSE 'uncertain'
       END AS party_as_of
ORDER BY name""",
        params={"target": "program:caisi-frontier-review", "as_of": "2026-08-01"},
    ),
)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _type_cell(schema: Schema, rt: RecordType, prop: Prop) -> str:
    if prop.type == "enum":
        return "enum: " + ", ".join(f"`{v}`" for v in prop.values)
    if prop.type == "kind":
        return "kind (see Kinds)"
    if prop.type == "event_type":
        return "event type (see Event types)"
    if prop.type in {"ref", "ref_list", "roles"}:
        target = "Actor or Instrument" if prop.to == "Any" else str(prop.to)
        shape = {
            "ref": f"the id of one {target}",
            "ref_list": f"a list of {target} ids",
            "roles": f"a list of role links to {target}",
        }
        arrow = (
            f"`(:Actor)-[:{prop.relationship} {{role, ord}}]->(:Event)`"
            if prop.type == "roles" and prop.to == "Actor"
            else f"`-[:{prop.relationship}]->`"
        )
        return f"{prop.type}: {shape[prop.type]}; stored as {arrow}"
    if prop.type == "fuzzy_date":
        return (
            f"fuzzy date; also stored as `{prop.name}_precision`, "
            f"`{prop.name}_earliest`, `{prop.name}_latest`"
        )
    if prop.type == "date":
        return "date (YYYY-MM-DD)"
    return prop.type.replace("_", " ")


def _required(prop: Prop) -> str:
    if prop.min:
        return f"yes (at least {prop.min})"
    return "yes" if prop.required else "no"


def _record_section(schema: Schema, rt: RecordType) -> list[str]:
    labels = ":".join(rt.labels_for(None))
    lines = [f"### {rt.name}", "", rt.description, ""]
    lines.append(f"- File key: `{rt.key}` (schema: `graph/schema/{rt.file}`)")
    lines.append(f"- Labels: `:{labels}`" + (" plus the labels of its kind" if rt.kinds else ""))
    if rt.entity:
        lines.append(
            f"- Shares the `:{ENTITY_LABEL}` label, its id space and the full-text "
            "index `entity_search` (name, aliases and id)"
        )
    if not rt.kinds:
        lines.append(f"- Ids start with `{rt.name.lower()}:`")
    lines.append("")
    if rt.kinds:
        lines += [
            "#### Kinds",
            "",
            "| kind | extra labels | id prefix | description |",
            "| --- | --- | --- | --- |",
        ]
        for kind in rt.kinds.values():
            extra = ", ".join(f"`:{lab}`" for lab in kind.labels) or "—"
            desc = _cell(kind.description)
            lines.append(f"| `{kind.name}` | {extra} | `{kind.prefix}:` | {desc} |")
        lines.append("")
    lines += [
        "#### Properties",
        "",
        "| name | type | required | description |",
        "| --- | --- | --- | --- |",
    ]
    for prop in rt.props.values():
        lines.append(
            f"| `{prop.name}` | {_cell(_type_cell(schema, rt, prop))} | "
            f"{_required(prop)} | {_cell(prop.description)} |"
        )
    lines.append("")
    return lines


def _vocab(title: str, head: str, items: dict[str, str]) -> list[str]:
    lines = [f"### {title}", "", f"| {head} | meaning |", "| --- | --- |"]
    lines += [f"| `{k}` | {_cell(v)} |" for k, v in items.items()]
    return [*lines, ""]


def _side_label(side: str) -> str:
    return "Actor" if side == "participants" else ENTITY_LABEL


def mermaid(schema: Schema) -> list[str]:
    """A flowchart of the record types, their stated relationships and the shortcuts."""
    lines = ["```mermaid", "flowchart LR"]
    entities = [t.name for t in schema.types.values() if t.entity]
    for rt in schema.types.values():
        lines.append(f'  {rt.name}[":{":".join(rt.labels)}"]')
    lines.append(f'  {ENTITY_LABEL}([":{ENTITY_LABEL} = {" or ".join(entities)}"])')
    for name in entities:
        lines.append(f"  {name} -.- {ENTITY_LABEL}")
    stated: dict[tuple[str, str], list[str]] = defaultdict(list)
    for rt in schema.types.values():
        for prop in rt.props.values():
            if not prop.relationship:
                continue
            target = ENTITY_LABEL if prop.to == "Any" else str(prop.to)
            pair = (
                (target, rt.name)
                if prop.type == "roles" and prop.to == "Actor"
                else (rt.name, target)
            )
            if prop.relationship not in stated[pair]:
                stated[pair].append(prop.relationship)
    for (a, b), rels in stated.items():
        lines.append(f'  {a} -->|"{", ".join(rels)}"| {b}')
    derived: dict[tuple[str, str], list[str]] = defaultdict(list)
    for sc in schema.shortcuts:
        derived[(_side_label(sc.source[0]), _side_label(sc.target[0]))].append(sc.type)
    for (a, b), rels in derived.items():
        lines.append(f'  {a} ==>|"{", ".join(rels)}"| {b}')
    lines.append("```")
    return lines


def render_schema_markdown(schema: Schema | None = None) -> str:
    """The whole of docs/schema.md."""
    schema = schema or load_schema()
    out = [
        "# The govgraph schema",
        "",
        "<!-- Generated from graph/schema/*.yaml by `govgraph docs`; do not edit by hand. -->",
        "",
        "Every record type, field, kind, event vocabulary, derived relationship, constraint and",
        "index below is read from `graph/schema/*.yaml`, the one place they are declared. The",
        "data file format is described in [data-format.md](data-format.md).",
        "",
        "## Diagram",
        "",
        "Solid arrows are relationships that records state (a field of the record); thick arrows",
        "are shortcuts that ingest derives from events. Relationships from role links carry",
        "`role` and `ord`; references in lists carry `ord` (their position).",
        "",
        *mermaid(schema),
        "",
        "## Record types",
        "",
    ]
    for rt in schema.types.values():
        out += _record_section(schema, rt)
    out += ["## Event vocabulary", ""]
    by_event: dict[str, list[str]] = defaultdict(list)
    for sc in schema.shortcuts:
        for ev in sc.events:
            by_event[ev].append(sc.type)
    out += ["### Event types", "", "| type | meaning | shortcuts derived |", "| --- | --- | --- |"]
    for ev, meaning in schema.event_types.items():
        derived = ", ".join(f"`{s}`" for s in by_event.get(ev, [])) or "—"
        out.append(f"| `{ev}` | {_cell(meaning)} | {derived} |")
    out.append("")
    out += _vocab("Participant roles", "role", schema.participant_roles)
    out += _vocab("Concern roles", "role", schema.concern_roles)
    out += _vocab("Statuses", "status", schema.statuses)
    out += [
        "## Shortcut relationships",
        "",
        "Ingest derives these from events; never write them by hand. For each event of the",
        "listed types, it links every id in the *from* side and role to every id in the *to*",
        "side and role.",
        "",
        "| relationship | from events | from (side, role) | to (side, role) |",
        "| --- | --- | --- | --- |",
    ]
    for sc in schema.shortcuts:
        events = ", ".join(f"`{e}`" for e in sc.events)
        out.append(
            f"| `{sc.type}` | {events} | {sc.source[0]}, `{sc.source[1]}` | "
            f"{sc.target[0]}, `{sc.target[1]}` |"
        )
    out += ["", "Each shortcut relationship carries:", ""]
    out += [f"- `{name}`: {text}" for name, text in SHORTCUT_PROPS]
    out += [
        "",
        "## Constraints and indexes",
        "",
        "Ingest creates these before writing (all `IF NOT EXISTS`):",
        "",
        "```cypher",
        *(f"{stmt};" for stmt in constraint_statements(schema)),
        "```",
        "",
        "## Example queries",
        "",
    ]
    for ex in EXAMPLES:
        params = ", ".join(f"{k}: '{v}'" for k, v in ex.params.items())
        out += [
            f"### {ex.title}",
            "",
            ex.question,
            "",
            f"Parameters: `{{{params}}}`",
            "",
            "```cypher",
            ex.cypher,
            "```",
            "",
        ]
    return "\n".join(out).rstrip("\n") + "\n"


def write_schema_doc(path: Path = SCHEMA_DOC) -> bool:
    """Write the rendered doc; True when the file changed."""
    text = render_schema_markdown()
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return True

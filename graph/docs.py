"""Render docs/schema.md from the declared schema, so the documentation cannot drift from it."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from govgraph import PROJECT_ROOT
from govgraph.core.cypher import text
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

    query: str
    title: str
    question: str
    params: dict[str, str]

    @property
    def cypher(self) -> str:
        """The Cypher of queries/internal/QUERY.cypher, as the page shows it."""
        return text(self.query).rstrip("\n")


EXAMPLES = (
    Example(
        query="docs-example-parties-with-sources",
        title="Who agreed to what, and when",
        question="Which actors are party to the CAISI pre-release review, since when, "
        "according to which sources?",
        params={"target": "program:caisi-frontier-review"},
    ),
    Example(
        query="docs-example-parties-from-events",
        title="The same answer from the events themselves",
        question="Every joined or signed event with a party and a subject, without the shortcut.",
        params={"target": "program:caisi-frontier-review"},
    ),
    Example(
        query="docs-example-party-as-of",
        title="Was it so as of a day?",
        question="Was each party already in the review on 2026-08-01? "
        "(yes, no, or uncertain when the date range straddles the day)",
        params={"target": "program:caisi-frontier-review", "as_of": "2026-08-01"},
    ),
)


def _cell(value: str) -> str:
    """VALUE made safe for one Markdown table cell."""
    return value.replace("|", "\\|").replace("\n", " ")


def _type_cell(schema: Schema, rt: RecordType, prop: Prop) -> str:
    """The type column of a property row, with how the value is stored."""
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
        start, end = prop.ends(rt.name, str(prop.to))
        role = " {role, ord}" if prop.type == "roles" else ""
        arrow = (
            f"`(:{start})-[:{prop.relationship}{role}]->(:{end})`"
            if prop.reverse
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
    """The required column of a property row."""
    if prop.min:
        return f"yes (at least {prop.min})"
    return "yes" if prop.required else "no"


def _record_section(schema: Schema, rt: RecordType) -> list[str]:
    """One record type: its file, labels, kinds and properties."""
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
    """A subsection with a two-column table of names and meanings."""
    lines = [f"### {title}", "", f"| {head} | meaning |", "| --- | --- |"]
    lines += [f"| `{k}` | {_cell(v)} |" for k, v in items.items()]
    return [*lines, ""]


def _side_label(side: str) -> str:
    """The label a shortcut side links: Actor for participants, else Entity."""
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
            pair = prop.ends(rt.name, target)
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


def _intro() -> list[str]:
    """The title, the do-not-edit note and what the page covers."""
    return [
        "# The govgraph schema",
        "",
        "<!-- Generated from graph/schema/*.yaml by `govgraph docs`; do not edit by hand. -->",
        "",
        "Every record type, field, kind, event vocabulary, derived relationship, constraint and",
        "index below is read from `graph/schema/*.yaml`, the one place they are declared. The",
        "data file format is described in [data-format.md](data-format.md).",
        "",
    ]


def _diagram_section(schema: Schema) -> list[str]:
    """The Diagram section: a legend and the mermaid flowchart."""
    return [
        "## Diagram",
        "",
        "Solid arrows are relationships that records state (a field of the record); thick arrows",
        "are shortcuts that ingest derives from events. Relationships from role links carry",
        "`role` and `ord`; references in lists carry `ord` (their position).",
        "",
        *mermaid(schema),
        "",
    ]


def _record_types_section(schema: Schema) -> list[str]:
    """The Record types section: one subsection per record type."""
    lines = ["## Record types", ""]
    for rt in schema.types.values():
        lines += _record_section(schema, rt)
    return lines


def _event_vocabulary_section(schema: Schema) -> list[str]:
    """The Event vocabulary section: event types, roles and statuses."""
    by_event: dict[str, list[str]] = defaultdict(list)
    for sc in schema.shortcuts:
        for ev in sc.events:
            by_event[ev].append(sc.type)
    lines = [
        "## Event vocabulary",
        "",
        "### Event types",
        "",
        "| type | meaning | shortcuts derived |",
        "| --- | --- | --- |",
    ]
    for ev, meaning in schema.event_types.items():
        derived = ", ".join(f"`{s}`" for s in by_event.get(ev, [])) or "—"
        lines.append(f"| `{ev}` | {_cell(meaning)} | {derived} |")
    lines.append("")
    lines += _vocab("Participant roles", "role", schema.participant_roles)
    lines += _vocab("Concern roles", "role", schema.concern_roles)
    lines += _vocab("Statuses", "status", schema.statuses)
    return lines


def _shortcuts_section(schema: Schema) -> list[str]:
    """The Shortcut relationships section: what ingest derives and what each carries."""
    lines = [
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
        lines.append(
            f"| `{sc.type}` | {events} | {sc.source[0]}, `{sc.source[1]}` | "
            f"{sc.target[0]}, `{sc.target[1]}` |"
        )
    lines += ["", "Each shortcut relationship carries:", ""]
    lines += [f"- `{name}`: {meaning}" for name, meaning in SHORTCUT_PROPS]
    return [*lines, ""]


def _constraints_section(schema: Schema) -> list[str]:
    """The Constraints and indexes section: the statements ingest runs first."""
    return [
        "## Constraints and indexes",
        "",
        "Ingest creates these before writing (all `IF NOT EXISTS`):",
        "",
        "```cypher",
        *(f"{stmt};" for stmt in constraint_statements(schema)),
        "```",
        "",
    ]


def _examples_section() -> list[str]:
    """The Example queries section: each example's question, parameters and Cypher."""
    lines = ["## Example queries", ""]
    for ex in EXAMPLES:
        params = ", ".join(f"{k}: '{v}'" for k, v in ex.params.items())
        lines += [
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
    return lines


def render_schema_markdown(schema: Schema | None = None) -> str:
    """The whole of docs/schema.md."""
    schema = schema or load_schema()
    out = [
        *_intro(),
        *_diagram_section(schema),
        *_record_types_section(schema),
        *_event_vocabulary_section(schema),
        *_shortcuts_section(schema),
        *_constraints_section(schema),
        *_examples_section(),
    ]
    return "\n".join(out).rstrip("\n") + "\n"


def write_schema_doc(path: Path = SCHEMA_DOC) -> bool:
    """Write the rendered doc; True when the file changed."""
    rendered = render_schema_markdown()
    if path.exists() and path.read_text(encoding="utf-8") == rendered:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(rendered, encoding="utf-8")
    return True

"""Load the declared schema (graph/schema/*.yaml) and derive constraints and indexes from it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from govgraph.core.cypher import fill

SCHEMA_DIR = Path(__file__).with_name("schema")
LABEL_PATTERN = re.compile(r"^[A-Z][A-Za-z]*$")
REL_PATTERN = re.compile(r"^[A-Z][A-Z_]*$")
PROPERTY_TYPES = {
    "id",
    "kind",
    "text",
    "text_list",
    "url",
    "date",
    "fuzzy_date",
    "enum",
    "ref",
    "ref_list",
    "roles",
    "event_type",
}
ENTITY_LABEL = "Entity"  # actors and instruments share it, and one id space
RECORD_LABEL = "Record"  # every record carries it, so a lookup by id is one indexed MATCH
# Provenance nodes importers write beside the records (each keyed by a unique id):
# an external id of a record, a source's claim about a record, a live import's cursor.
PROVENANCE_LABELS = {
    "ExternalId": "An id a public source gives a record (agora:1163, eo:14110, wikidata:Q42); "
    "IDENTIFIES the record",
    "Claim": "A value an imported source states for a record field (or a fact with no field); "
    "ABOUT the record, CLAIMED_BY the source",
    "ImportCursor": "Where a live import stopped, so the next run resumes there",
    "Revision": "One change to one record (who, when, why, which source, before and after)",
    "Retracted": "A record taken out of answers with a reason; its history keeps it",
    "Counter": "A sequence number shared by writers (the revisions' global order)",
    "User": "A newsroom account: contributor, editor or admin",
    "ApiToken": "A revocable, expiring bearer token of a user, stored as a digest",
    "Proposal": "A contributor's proposed new record or correction, citing a source",
    "Webhook": "An admin-registered URL that receives every change, signed",
    "Delivery": "One attempt to deliver changes to a webhook, with its outcome",
}
# Properties of those nodes that are looked up (an index each).
PROVENANCE_INDEXES = (
    ("Revision", "record_id"),
    ("Revision", "seq"),
    ("Revision", "at"),
    ("User", "name"),
    ("ApiToken", "digest"),
    ("Proposal", "status"),
    ("Delivery", "webhook"),
)


@dataclass(frozen=True)
class Kind:
    """One kind of record, with the extra labels it carries and its id prefix."""

    name: str
    labels: tuple[str, ...]
    prefix: str
    description: str


@dataclass(frozen=True)
class Prop:
    """One declared property."""

    name: str
    type: str
    required: bool = False
    description: str = ""
    to: str | None = None
    relationship: str | None = None
    values: tuple[str, ...] = ()
    min: int = 0
    reverse: bool = False  # the relationship points from the referenced record to this one

    def ends(self, me: str, other: str) -> tuple[str, str]:
        """(start, end) of this property's relationship, given both records' labels."""
        return (other, me) if self.reverse else (me, other)


@dataclass(frozen=True)
class Shortcut:
    """A relationship ingest derives from events of some types."""

    type: str
    events: tuple[str, ...]
    source: tuple[str, str]  # (participants|concerns, role)
    target: tuple[str, str]


@dataclass(frozen=True)
class RecordType:
    """One schema file: a record type with its labels, kinds and properties."""

    name: str
    labels: tuple[str, ...]
    description: str
    search: bool
    kinds: dict[str, Kind]
    props: dict[str, Prop]
    file: str
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        """The plural key used in data files (actors, instruments, ...)."""
        return self.name.lower() + "s"

    @property
    def entity(self) -> bool:
        return self.search

    @property
    def all_kind_labels(self) -> tuple[str, ...]:
        return tuple(sorted({lab for k in self.kinds.values() for lab in k.labels}))

    def labels_for(self, kind: str | None) -> tuple[str, ...]:
        base = (*self.labels, RECORD_LABEL, *((ENTITY_LABEL,) if self.entity else ()))
        return (*base, *(self.kinds[kind].labels if kind in self.kinds else ()))

    def prefixes(self) -> set[str]:
        return {k.prefix for k in self.kinds.values()} or {self.name.lower()}


@dataclass(frozen=True)
class Schema:
    """All record types plus the event vocabularies."""

    types: dict[str, RecordType]
    event_types: dict[str, str]
    participant_roles: dict[str, str]
    concern_roles: dict[str, str]
    statuses: dict[str, str]
    shortcuts: tuple[Shortcut, ...]

    def by_key(self, key: str) -> RecordType:
        return next(t for t in self.types.values() if t.key == key)

    @property
    def keys(self) -> list[str]:
        return [t.key for t in self.types.values()]

    @property
    def entity_types(self) -> tuple[RecordType, ...]:
        """The record types search finds and graphs draw as entities (actors, instruments)."""
        return tuple(t for t in self.types.values() if t.entity)

    @property
    def entity_kinds(self) -> tuple[str, ...]:
        """Every actor and instrument kind, in schema order."""
        return tuple(k for t in self.entity_types for k in t.kinds)

    def target_label(self, prop: Prop) -> str:
        """The label a reference property points at (Entity for 'Any')."""
        return ENTITY_LABEL if prop.to == "Any" else self.types[str(prop.to)].labels[0]


def _record_type(path: Path) -> RecordType:
    raw = yaml.safe_load(path.read_text())
    kinds = {
        name: Kind(name, tuple(spec.get("labels", [])), spec["prefix"], spec.get("description", ""))
        for name, spec in (raw.get("kinds") or {}).items()
    }
    props = {
        name: Prop(
            name=name,
            type=spec["type"],
            required=bool(spec.get("required", False)),
            description=spec.get("description", ""),
            to=spec.get("to"),
            relationship=spec.get("relationship"),
            values=tuple(spec.get("values", [])),
            min=int(spec.get("min", 0)),
            reverse=bool(spec.get("reverse", False)),
        )
        for name, spec in raw["properties"].items()
    }
    known = {"name", "labels", "description", "search", "kinds", "properties"}
    return RecordType(
        name=raw["name"],
        labels=tuple(raw["labels"]),
        description=raw.get("description", ""),
        search=bool(raw.get("search", False)),
        kinds=kinds,
        props=props,
        file=path.name,
        extra={k: v for k, v in raw.items() if k not in known},
    )


ORDER = ("Source", "Actor", "Instrument", "Event")


@lru_cache(maxsize=1)
def load_schema(directory: Path = SCHEMA_DIR) -> Schema:
    """Read every schema file once."""
    found = {rt.name: rt for rt in (_record_type(p) for p in sorted(directory.glob("*.yaml")))}
    types = {name: found[name] for name in ORDER if name in found}
    types.update({n: t for n, t in found.items() if n not in types})
    event = types["Event"].extra
    shortcuts = tuple(
        Shortcut(name, tuple(spec["events"]), tuple(spec["from"]), tuple(spec["to"]))
        for name, spec in event.get("shortcuts", {}).items()
    )
    return Schema(
        types=types,
        event_types=dict(event["types"]),
        participant_roles=dict(event["roles"]["participants"]),
        concern_roles=dict(event["roles"]["concerns"]),
        statuses=dict(event["statuses"]),
        shortcuts=shortcuts,
    )


def check_schema(schema: Schema) -> list[str]:
    """The schema's own rules; an empty list means it is sound."""
    problems: list[str] = []
    names = set(schema.types)
    for rt in schema.types.values():
        where = f"graph/schema/{rt.file}"
        for label in (*rt.labels, *rt.all_kind_labels):
            if not LABEL_PATTERN.match(label):
                problems.append(f"{where}: label '{label}' is not CamelCase")
        for req in ("id", "recorded_at"):
            if req not in rt.props or not rt.props[req].required:
                problems.append(f"{where}: every record type needs a required '{req}'")
        for prop in rt.props.values():
            if prop.type not in PROPERTY_TYPES:
                problems.append(f"{where}: {prop.name} has unknown type '{prop.type}'")
            if prop.type in {"ref", "ref_list", "roles"}:
                if prop.to not in names | {"Any"}:
                    problems.append(f"{where}: {prop.name} refers to unknown type '{prop.to}'")
                if not prop.relationship or not REL_PATTERN.match(prop.relationship):
                    problems.append(f"{where}: {prop.name} needs an UPPER_SNAKE relationship")
            if prop.reverse and prop.type not in {"ref", "ref_list", "roles"}:
                problems.append(f"{where}: {prop.name} is not a reference, so it has no reverse")
            if prop.type == "enum" and not prop.values:
                problems.append(f"{where}: enum {prop.name} lists no values")
            if not prop.description:
                problems.append(f"{where}: {prop.name} has no description")
        if rt.name not in {"Event"} and "sources" not in rt.props and rt.name != "Source":
            problems.append(f"{where}: {rt.name} records must cite sources")
    if (
        "sources" not in schema.types["Event"].props
        or schema.types["Event"].props["sources"].min < 1
    ):
        problems.append("graph/schema/event.yaml: events must require at least one source")
    for sc in schema.shortcuts:
        if not REL_PATTERN.match(sc.type):
            problems.append(f"shortcut {sc.type}: not UPPER_SNAKE")
        for ev in sc.events:
            if ev not in schema.event_types:
                problems.append(f"shortcut {sc.type}: unknown event type '{ev}'")
        for side, role in (sc.source, sc.target):
            roles = schema.participant_roles if side == "participants" else schema.concern_roles
            if side not in {"participants", "concerns"} or role not in roles:
                problems.append(f"shortcut {sc.type}: unknown side/role '{side}/{role}'")
    return problems


_STATEMENT_NAME = re.compile(r"^CREATE (?:FULLTEXT )?(?:CONSTRAINT|INDEX) (\w+) IF NOT EXISTS")


def statement_name(stmt: str) -> str:
    """The constraint or index name a CREATE statement declares."""
    match = _STATEMENT_NAME.match(stmt)
    if not match:
        raise ValueError(f"not a named CREATE ... IF NOT EXISTS statement: {stmt[:80]}")
    return match.group(1)


def constraint_statements(schema: Schema) -> list[str]:
    """Constraints and indexes, all `IF NOT EXISTS`, derived from the schema."""
    stmts: list[str] = []
    labels = (*(rt.labels[0] for rt in schema.types.values()), ENTITY_LABEL, RECORD_LABEL)
    for label in (*labels, *PROVENANCE_LABELS):
        stmts.append(fill("constraint-unique-id", name=f"{label.lower()}_id", label=label))
    for rt in schema.types.values():
        label = rt.labels[0]
        for prop in rt.props.values():
            names = []
            if prop.type in {"kind", "enum", "event_type", "url"} or prop.name == "number":
                names.append(prop.name)  # url and number: importers match records by them
            if prop.type == "fuzzy_date":
                names += [f"{prop.name}_earliest", f"{prop.name}_latest"]
            for name in names:
                stmts.append(
                    fill(
                        "index-property",
                        name=f"{label.lower()}_{name}",
                        label=label,
                        property=name,
                    )
                )
    for label, prop_name in PROVENANCE_INDEXES:
        stmts.append(
            fill(
                "index-property",
                name=f"{label.lower()}_{prop_name}",
                label=label,
                property=prop_name,
            )
        )
    # a merged record's former ids resolve to it (permanent links in articles keep working)
    stmts.append(
        fill("index-property", name="record_former_ids", label=RECORD_LABEL, property="former_ids")
    )
    stmts.append(fill("index-fulltext-search", name="entity_search", label=ENTITY_LABEL))
    # search also reads what events say happened and what sources are called
    text_labels = "|".join(schema.types[t].labels[0] for t in ("Event", "Source"))
    stmts.append(fill("index-fulltext-text", name="text_search", labels=text_labels))
    for rel in sorted(s.type for s in schema.shortcuts):
        stmts.append(fill("index-relationship-event", name=f"rel_{rel.lower()}_event", type=rel))
    return stmts

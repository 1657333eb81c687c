"""FollowTheMoney entities (one JSON object a line), built with the official library.

Records become entities of the schema that fits their kind (labs → Company, agencies and
governments → PublicBody, people → Person, programs → Project, other instruments → Document,
events → Event, sources → Document or Article); every relationship except SOURCED_FROM becomes
a link entity (ProjectParticipant, Membership, Documentation, Employment, Ownership, Succession
where their ends fit, UnknownLink otherwise) with its role, date, event id and sources. Sources
are cited through `proof`, `sourceUrl` and `publisher`. Ids derive from ours: `org:openai` is
`govgraph-org.openai`; a link's id hashes its ends, type and event or role.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from followthemoney import EntityProxy, Schema, model, registry

from govgraph.core.errors import GovGraphError
from govgraph.ingest.exchange.snapshot import Edge, Node, Snapshot

PREFIX = "govgraph-"
NAME_CHARS = 200
ACTORS = {
    "lab": "Company",
    "company": "Company",
    "agency": "PublicBody",
    "department": "PublicBody",
    "executive_office": "PublicBody",
    "legislature": "PublicBody",
    "international_body": "PublicBody",
    # FtM has no schema for a state: its government, a public body, can join and sign.
    "country": "PublicBody",
    "jurisdiction": "PublicBody",
    "news_outlet": "Organization",
    "nonprofit": "Organization",
    "person": "Person",
    "model": "Asset",  # owned (Ownership) by its developer
}
INSTRUMENTS = {"program": "Project"}  # other instruments are texts: Document
SOURCES = {"news": "Article"}
DEFAULTS = {"Actor": "LegalEntity", "Instrument": "Document", "Event": "Event"}
ORGANIZER_ROLES = {"issuer", "host", "orderer", "presser"}
COUNTRY_LINKS = {"BASED_IN", "IN_JURISDICTION"}


@dataclass(frozen=True)
class LinkSchema:
    """An FtM link schema; reversed when its source is the relationship's end."""

    name: str
    reversed: bool = False


UNKNOWN = LinkSchema("UnknownLink")
# Per relationship type, the link schemata to try in order; the first whose ends accept both
# records' schemata is used, UnknownLink otherwise.
LINKS: dict[str, tuple[LinkSchema, ...]] = {
    "PARTY_TO": (
        LinkSchema("ProjectParticipant"),
        LinkSchema("Membership"),
        LinkSchema("Documentation", reversed=True),
    ),
    "PART_OF": (LinkSchema("Employment"), LinkSchema("Membership")),
    "DEVELOPED_BY": (LinkSchema("Ownership", reversed=True),),
    "SUCCEEDED_BY": (LinkSchema("Succession"),),
}


def entity_id(record_id: str) -> str:
    """Our id as an FtM id: the prefix's colon becomes a dot (prefixes hold no dots)."""
    return PREFIX + record_id.replace(":", ".", 1)


def schema_name(node: Node) -> str:
    """The FtM schema a record becomes."""
    if node.record == "Actor":
        return ACTORS.get(node.kind, DEFAULTS["Actor"])
    if node.record == "Instrument":
        return INSTRUMENTS.get(node.kind, DEFAULTS["Instrument"])
    if node.record == "Source":
        return SOURCES.get(node.kind, "Document")
    return DEFAULTS.get(node.record, "LegalEntity")


def ftm_date(earliest: Any, latest: Any) -> str | None:
    """The narrowest FtM date prefix (day, month or year) holding both bounds; None if open."""
    if not earliest or not latest:
        return None
    lo, hi = str(earliest), str(latest)
    return next((lo[:n] for n in (10, 7, 4) if lo[:n] == hi[:n]), None)


def _schema(name: str) -> Schema:
    """The FtM schema of that name; a missing one is a bug in the tables above."""
    schema = model.get(name)
    if schema is None:
        raise GovGraphError(
            f"FollowTheMoney has no schema '{name}'.", fix="update followthemoney (>= 4)."
        )
    return schema


def _text(value: Any) -> list[str]:
    """A value or list of values as a list of text."""
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _name(value: str) -> str:
    """Text short enough for an entity's name (caption)."""
    return value if len(value) <= NAME_CHARS else value[: NAME_CHARS - 1] + "…"


class _Builder:
    """Turns one snapshot into proxies, keeping the schemata and sources it needs to look up."""

    def __init__(self, snap: Snapshot) -> None:
        self.snap = snap
        self.nodes = {n.id: n for n in snap.nodes}
        self.schemata = {n.id: _schema(schema_name(n)) for n in snap.nodes}
        self.sources: dict[str, list[str]] = defaultdict(list)  # record -> its source ids
        for edge in snap.edges:
            if edge.relation == "SOURCED_FROM":
                self.sources[edge.start].append(edge.end)

    def country(self, node: Node) -> str | None:
        """A country's ISO code, looked up by its name (the lookup table loads once, slowly)."""
        if node.kind != "country":
            return None
        return registry.country.clean(str(node.props.get("name") or ""))

    def cite(self, proxy: EntityProxy, source_ids: Iterable[str]) -> None:
        """proof, sourceUrl and publisher from the sources that exist in this snapshot."""
        for sid in dict.fromkeys(source_ids):
            source = self.nodes.get(sid)
            if source is None or source.record != "Source":
                continue
            proxy.add("proof", entity_id(sid))
            proxy.add("sourceUrl", source.props.get("url"))
            proxy.add("publisher", source.props.get("publisher"))

    def record(self, node: Node) -> EntityProxy:
        """One record as an entity of its schema, with its names, dates and sources."""
        proxy = model.make_entity(self.schemata[node.id])
        proxy.id = entity_id(node.id)
        props = node.props
        keywords = [node.kind, *([] if node.reviewed else ["unreviewed"])]
        if node.record == "Source":
            proxy.add("name", props.get("title"))
            proxy.add("title", props.get("title"))
            proxy.add("publisher", props.get("publisher"))
            proxy.add("sourceUrl", props.get("url"))
            published = ftm_date(props.get("published_earliest"), props.get("published_latest"))
            proxy.add("publishedAt", published)
            proxy.add("retrievedAt", props.get("retrieved"))
            proxy.add("notes", props.get("note"))
        elif node.record == "Event":
            proxy.add("name", _name(str(props.get("summary") or node.id)))
            proxy.add("summary", props.get("summary"))
            proxy.add("description", props.get("note"))
            proxy.add("date", ftm_date(props.get("date_earliest"), props.get("date_latest")))
            proxy.add("recordId", node.id)
            keywords.append(str(props.get("status") or ""))
        else:
            proxy.add("name", props.get("name"))
            proxy.add("alias", _text(props.get("aliases")))
            proxy.add("summary", props.get("summary"))
            proxy.add("country", self.country(node))
            if node.record == "Instrument":
                self.instrument(proxy, props)
                keywords.append(str(props.get("status") or ""))
            elif proxy.schema.get("website") is not None:
                proxy.add("website", props.get("url"))
            if node.kind == "person":
                proxy.add("position", props.get("title"))
        proxy.add("keywords", [k for k in keywords if k])
        if node.record != "Source":
            self.cite(proxy, self.sources.get(node.id, []))
        return proxy

    @staticmethod
    def instrument(proxy: EntityProxy, props: dict[str, Any]) -> None:
        """A Document's title, or a Project's status; the official text's URL; citation, terms."""
        if proxy.schema.get("title") is not None:
            proxy.add("title", props.get("name"))
        if proxy.schema.get("status") is not None:
            proxy.add("status", props.get("status"))
        proxy.add("sourceUrl", props.get("url"))
        proxy.add("notes", [*_text(props.get("citation")), *_text(props.get("terms"))])

    def fits(self, link: LinkSchema, start: str, end: str) -> bool:
        """Whether the link schema's two ends accept the records' schemata."""
        schema = _schema(link.name)
        source, target = (end, start) if link.reversed else (start, end)
        return (
            schema.source_prop is not None
            and schema.target_prop is not None
            and schema.source_prop.range is not None
            and schema.target_prop.range is not None
            and self.schemata[source].is_a(schema.source_prop.range)
            and self.schemata[target].is_a(schema.target_prop.range)
        )

    def link(self, edge: Edge) -> EntityProxy:
        """One relationship as a link entity: its ends, role, date, event id and sources."""
        choice = next(
            (c for c in LINKS.get(edge.relation, ()) if self.fits(c, edge.start, edge.end)),
            UNKNOWN,
        )
        proxy = model.make_entity(choice.name)
        proxy.make_id("govgraph", edge.id)
        proxy.id = PREFIX + str(proxy.id)
        schema = proxy.schema
        source, target = (edge.end, edge.start) if choice.reversed else (edge.start, edge.end)
        proxy.add(schema.source_prop.name, entity_id(source))  # type: ignore[union-attr]
        proxy.add(schema.target_prop.name, entity_id(target))  # type: ignore[union-attr]
        props = edge.props
        role = edge.relation.lower().replace("_", " ")
        if props.get("role"):
            role = f"{role} ({props['role']})"
        proxy.add("role", role)
        proxy.add("date", ftm_date(props.get("date_earliest"), props.get("date_latest")))
        proxy.add("status", props.get("status"))
        event = props.get("event_id")
        if edge.relation in ("PARTICIPATED_IN", "CONCERNS"):  # the event is one of the ends
            event = edge.end if edge.relation == "PARTICIPATED_IN" else edge.start
        proxy.add("recordId", event)
        cited = _text(props.get("sources")) or self.sources.get(event or edge.start, [])
        if edge.relation == "CITES":  # the citing source is the evidence
            cited = [edge.start]
        self.cite(proxy, cited)
        return proxy

    def add_links_to_records(self, proxies: dict[str, EntityProxy]) -> None:
        """Event participants as `involved`/`organizer`; countries of what is based in one."""
        for edge in self.snap.edges:
            start, end = proxies[entity_id(edge.start)], proxies[entity_id(edge.end)]
            if edge.relation == "PARTICIPATED_IN" and start.schema.is_a("LegalEntity"):
                end.add("involved", start.id)
                if edge.props.get("role") in ORGANIZER_ROLES:
                    end.add("organizer", start.id)
            elif edge.relation in COUNTRY_LINKS:
                start.add("country", end.get("country"))

    def entities(self) -> list[EntityProxy]:
        """Records and links, sorted by id."""
        records = {entity_id(n.id): self.record(n) for n in self.snap.nodes}
        self.add_links_to_records(records)
        links = [self.link(e) for e in self.snap.edges if e.relation != "SOURCED_FROM"]
        return sorted([*records.values(), *links], key=lambda p: str(p.id))


def entities(snap: Snapshot) -> list[EntityProxy]:
    """Every record and relationship of the snapshot as FtM entities, sorted by id."""
    return _Builder(snap).entities()


def ftm_lines(snap: Snapshot) -> bytes:
    """The entities as line-delimited JSON (UTF-8), as `ftm` tools and Aleph read them."""
    lines = (
        json.dumps(p.to_dict(), ensure_ascii=False, sort_keys=True) + "\n" for p in entities(snap)
    )
    return "".join(lines).encode("utf-8")

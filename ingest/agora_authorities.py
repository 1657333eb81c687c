"""AGORA's authorities as actors: kinds, the curated actors they are, their hierarchy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from govgraph.graph.schema import load_schema
from govgraph.ingest import agora_kinds as kinds
from govgraph.ingest.agora_csv import Row, clean, slug
from govgraph.ingest.batch import ExternalRef, ImportBatch, ImportItem

PUBLISHER = "AGORA, Emerging Technology Observatory"
LICENCE = (
    "ETO terms of use: cite 'AGORA, Emerging Technology Observatory'; non-commercial research data"
)
CREDIT = (
    "Entry of AGORA (AI Governance and Regulatory Archive), credited as 'AGORA, Emerging "
    "Technology Observatory' (release on Zenodo, concept DOI 10.5281/zenodo.13883066)."
)
AUTHORITIES_SOURCE = "src:agora-authorities"


def prefix(type_name: str, kind: str) -> str:
    """The id prefix the schema gives a kind of record."""
    return load_schema().types[type_name].kinds[kind].prefix


@dataclass
class Authority:
    """An AGORA authority as we record it: an actor, a group, or a placeholder."""

    name: str
    line: int
    id: str | None = None  # None: not an actor (placeholder or group)
    kind: str | None = None
    our_name: str | None = None
    country: str | None = None  # the curated country or jurisdiction it belongs to
    curated: bool = False

    @property
    def jurisdiction(self) -> str | None:
        """The actor whose instruments this authority's documents are."""
        if self.kind in {"country", "jurisdiction", "international_body"}:
            return self.id
        return self.country

    @property
    def legislature(self) -> bool:
        return self.kind in {"legislature", "jurisdiction"}


def read_authorities(
    name: str, rows: list[Row], batch: ImportBatch, today: date
) -> dict[str, Authority]:
    """Every authority by AGORA name; an Actor item for each that is one actor."""
    found: dict[str, Authority] = {}
    parents: dict[str, str] = {}
    for row in rows:
        who = clean(row.values["Name"])
        if not who:
            batch.problems.append(f"{name}:{row.line}: an authority without a name. Fix: name it.")
            continue
        if who in found:
            batch.problems.append(
                f"{name}:{row.line}: authority '{who}' is listed twice. Fix: keep one row."
            )
            continue
        parent = clean(row.values["Parent authority"])
        country = kinds.JURISDICTIONS.get(clean(row.values["Jurisdiction"]))
        auth = Authority(who, row.line, country=country)
        if who in kinds.CURATED:
            auth.id, auth.kind, auth.our_name = kinds.CURATED[who]
            auth.curated = True
        elif who not in kinds.PLACEHOLDERS and who not in kinds.COLLECTIVES:
            placed = kinds.authority_kind(who, parent)
            if placed is None:
                batch.problems.append(
                    f"{name}:{row.line}: unknown AGORA authority '{who}': the mapping cannot "
                    "tell what kind of actor it is. Fix: add it to AUTHORITY_KINDS (or CURATED, "
                    "when it is an actor of data/) in ingest/agora_kinds.py."
                )
                continue
            auth.kind, auth.our_name = placed
            auth.id = f"{prefix('Actor', auth.kind)}:agora-{slug(auth.our_name)}"
        if auth.kind == "country" or auth.country == auth.id:
            auth.country = None
        found[who] = auth
        parents[who] = parent
    for who, auth in found.items():
        if auth.id is None:
            continue
        batch.add(_actor(name, auth, _parent(name, auth, parents[who], found, batch), today))
    return found


def _parent(
    name: str, auth: Authority, parent: str, found: dict[str, Authority], batch: ImportBatch
) -> str | None:
    if not parent:
        return None
    if parent not in found:
        batch.problems.append(
            f"{name}:{auth.line}: parent authority '{parent}' of '{auth.name}' is not in "
            f"{name}. Fix: add a row for '{parent}' or correct the name."
        )
        return None
    above = found[parent]
    # A group (state governments) stands for its jurisdiction: a state is part of the US.
    target = above.id or (above.country if parent in kinds.COLLECTIVES else None)
    return None if target == auth.id else target


def _actor(name: str, auth: Authority, parent: str | None, today: date) -> ImportItem:
    assert auth.id and auth.kind and auth.our_name
    record: dict[str, Any] = {"id": auth.id, "kind": auth.kind, "name": auth.our_name}
    if auth.our_name != auth.name and auth.name not in kinds.SHARED_NAMES:
        record["aliases"] = [auth.name]
    # A curated actor's place (country, parent) is ours: AGORA only tells us its name there.
    if auth.country and not auth.curated:
        record["country"] = auth.country
    if parent and not auth.curated:
        record["parent"] = parent
    record.update(sources=[AUTHORITIES_SOURCE], recorded_at=today.isoformat())
    return ImportItem(
        type="Actor",
        record=record,
        where=f"{name}:{auth.line}: agora authority '{auth.name}'",
        refs=(ExternalRef("agora_authority", auth.name),),
        # A curated actor's name is ours; AGORA's spelling of it is an alias, not a dispute.
        compare=() if auth.curated else ("name",),
    )


def authorities_source(name: str, latest: str, today: date, retrieved: date) -> ImportItem:
    record = {
        "id": AUTHORITIES_SOURCE,
        "kind": "secondary",
        "publisher": PUBLISHER,
        "title": "[AGORA release: table of authorities and their parent authorities]",
        "published": f"{latest}/.." if latest else "unknown",
        "retrieved": retrieved.isoformat(),
        "licence": LICENCE,
        "note": CREDIT + " Published no earlier than its latest recorded activity.",
        "recorded_at": today.isoformat(),
    }
    return ImportItem(type="Source", record=record, where=f"{name}: authorities table")

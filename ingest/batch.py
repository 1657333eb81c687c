"""What an importer hands to the shared import path: raw records, their places, external ids."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# External id schemes the matcher understands; a scheme's value is unique within it.
SCHEMES = {
    "eo": "Executive order number (14110)",
    "fr_document": "Federal Register document number (2023-24283)",
    "fr_president": "Federal Register president identifier (donald-trump)",
    "agora": "AGORA document id (1163)",
    "agora_authority": "AGORA authority name (United States Congress)",
    "wikidata": "Wikidata item id (Q42)",
    "url": "An official URL of the record",
}


@dataclass(frozen=True)
class ExternalRef:
    """One external id of a record: `scheme:value`, and a link when the source gives one."""

    scheme: str
    value: str
    url: str | None = None

    @property
    def key(self) -> str:
        return f"{self.scheme}:{self.value}"


@dataclass
class ImportItem:
    """One record as an importer read it, in the fields of docs/data-format.md."""

    type: str  # Actor | Instrument | Event | Source
    record: dict[str, Any]  # id is provisional: matching may map it onto an existing record
    where: str  # for error messages: "documents.csv:412: agora:1163"
    refs: tuple[ExternalRef, ...] = ()
    # Fields compared with an existing record it matches; a difference is kept as a claim.
    compare: tuple[str, ...] = ()
    # Facts the source states that have no field in our schema (inception, replaces ...):
    # kept as claims on the record it becomes or matches, never as fields.
    claims: dict[str, Any] = field(default_factory=dict)


@dataclass
class ImportBatch:
    """Everything one importer read from one input, validated later as a whole."""

    source: str  # importer name: federal-register | agora | wikidata
    items: list[ImportItem] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # parse errors, each naming its place
    notes: list[str] = field(default_factory=list)  # things the user should know, not errors

    def add(self, item: ImportItem) -> None:
        self.items.append(item)

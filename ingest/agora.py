"""AGORA importer: a release's documents, authorities and collections as import items."""

from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from govgraph.core.errors import ValidationFailed
from govgraph.ingest import agora_kinds as kinds
from govgraph.ingest.agora_authorities import (
    CREDIT,
    LICENCE,
    PUBLISHER,
    Authority,
    authorities_source,
    prefix,
    read_authorities,
)
from govgraph.ingest.agora_csv import (
    ACTIVITY,
    ACTIVITY_DATE,
    AUTHORITY,
    CASUAL,
    COLLECTIONS,
    DAY,
    DOC_ID,
    LINK,
    MACHINE,
    OFFICIAL,
    PROPOSED_DATE,
    RELEASE_FIX,
    SUMMARY,
    TAGS,
    Row,
    clean,
    day,
    read_table,
)
from govgraph.ingest.batch import ExternalRef, ImportBatch, ImportItem

FILES = ("documents", "authorities", "collections")
SUMMARY_BY = "AGORA (Emerging Technology Observatory)"
MACHINE_SUMMARY_BY = SUMMARY_BY + "; may include unreviewed machine output"
ACTIVITY_EVENT = {"Enacted": "enacted", "Defunct": "lapsed"}
_FR_DOCUMENT = re.compile(r"^https?://(?:www\.)?federalregister\.gov/documents/[\d/]+/([\w-]+)/")


def read_release(path: Path) -> dict[str, tuple[str, bytes]]:
    """The release's three CSV files (name, bytes), from its folder or its .zip."""
    if path.is_dir():
        found: dict[str, tuple[str, bytes]] = {}
        for key in FILES:
            hits = sorted(path.rglob(f"{key}.csv"), key=lambda p: (len(p.parts), str(p)))
            if hits:
                found[key] = (hits[0].relative_to(path).as_posix(), hits[0].read_bytes())
        return _complete(path, found)
    if not path.is_file():
        raise ValidationFailed(
            [f"{path}: no such file or folder. Fix: give an AGORA release folder or its .zip."]
        )
    try:
        with zipfile.ZipFile(path) as archive:
            members = [m for m in archive.namelist() if not m.startswith("__MACOSX/")]
            found = {}
            for key in FILES:
                entries = sorted(
                    (m for m in members if m.rsplit("/", 1)[-1] == f"{key}.csv"),
                    key=lambda m: (m.count("/"), m),
                )
                if entries:  # the shallowest, when the release nests its files in a folder
                    found[key] = (f"{path.name}/{entries[0]}", archive.read(entries[0]))
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise ValidationFailed(
            [
                f"{path}: not a readable zip archive ({exc}); it may be truncated or damaged. "
                "Fix: download the release again, or unpack it and give the folder."
            ]
        ) from exc
    return _complete(path, found)


def _complete(path: Path, found: dict[str, tuple[str, bytes]]) -> dict[str, tuple[str, bytes]]:
    missing = [f"{key}.csv" for key in FILES if key not in found]
    if missing:
        raise ValidationFailed(
            [f"{path}: no {name} in this AGORA release. Fix: {RELEASE_FIX}." for name in missing]
        )
    return found


def parse(files: dict[str, tuple[str, bytes]], *, today: date, retrieved: date) -> ImportBatch:
    """Turn an AGORA release's files into an ImportBatch; problems name file, line and fix."""
    missing = [f"{key}.csv" for key in FILES if key not in files]
    if missing:
        raise ValidationFailed([f"no {m} given. Fix: {RELEASE_FIX}." for m in missing])
    batch = ImportBatch(source="agora")
    tables = {key: read_table(key, *files[key], batch.problems) for key in FILES}
    if any(t is None for t in tables.values()):
        return batch
    docs_name = files["documents"][0]
    collections = {r.values["Name"].strip() for r in tables["collections"] or []}
    docs = tables["documents"] or []
    dates = (r.values[ACTIVITY_DATE].strip() for r in docs)
    latest = max((d for d in dates if DAY.match(d)), default="")
    authorities = read_authorities(
        files["authorities"][0], tables["authorities"] or [], batch, today
    )
    batch.add(authorities_source(files["authorities"][0], latest, today, retrieved))
    run = _Run(docs_name, authorities, collections, batch, today, retrieved)
    for row in docs:
        doc = run.check(row)
        if doc is not None:
            run.add(doc)
    if run.skipped:
        skipped = run.skipped
        batch.notes.append(
            f"{len(skipped)} document(s) have a group as their AGORA authority (such as "
            "'Private-sector companies' or 'Other multinational'), not one actor: they get no "
            f"issuer and no dated events ({', '.join(skipped[:12])}"
            f"{', ...' if len(skipped) > 12 else ''})."
        )
    return batch


@dataclass(frozen=True)
class Doc:
    """One document row, checked: every field our records need."""

    id: str
    where: str
    official: str
    casual: str
    collections: list[str]
    authority: Authority
    activity: str
    acted: str
    proposed: str
    machine: bool
    kind: str
    url: str | None
    summary: str
    tags: str


@dataclass
class _Run:
    """One release's documents turned into items, with what has been seen so far."""

    name: str
    authorities: dict[str, Authority]
    collections: set[str]
    batch: ImportBatch
    today: date
    retrieved: date
    seen: set[str] = field(default_factory=set)  # AGORA ids and instrument ids
    skipped: list[str] = field(default_factory=list)  # documents under a group authority

    def check(self, row: Row) -> Doc | None:
        """The row as a Doc, or None after adding every problem it has."""
        v = {k: (val or "") for k, val in row.values.items()}
        agora_id = v[DOC_ID].strip()
        where = f"{self.name}:{row.line}: agora:{agora_id or '?'}"
        problems: list[str] = []
        if not agora_id.isdigit():
            problems.append(f"{where}: AGORA ID '{agora_id}' is not a number. Fix: {RELEASE_FIX}.")
        elif f"agora:{agora_id}" in self.seen:
            problems.append(f"{where}: AGORA ID {agora_id} appears twice. Fix: keep one row.")
        official, casual = clean(v[OFFICIAL]), clean(v[CASUAL])
        if not official:
            problems.append(f"{where}: no official name. Fix: fill in '{OFFICIAL}'.")
        cols = [clean(c) for c in v[COLLECTIONS].split(";") if clean(c)]
        for col in cols:
            if col not in self.collections:
                problems.append(
                    f"{where}: collection '{col}' is not in collections.csv. "
                    "Fix: use the three files of one release together."
                )
            elif col not in kinds.KNOWN_COLLECTIONS:
                problems.append(
                    f"{where}: unknown AGORA collection '{col}': the kind mapping does not know "
                    "it. Fix: add it to the collection tables in ingest/agora_kinds.py."
                )
        who = clean(v[AUTHORITY])
        auth = self.authorities.get(who)
        if auth is None:
            problems.append(
                f"{where}: authority '{who}' is not in authorities.csv (or could not be read). "
                "Fix: use the three files of one release together, or map that authority."
            )
        activity = clean(v[ACTIVITY])
        if activity not in kinds.STATUS:
            problems.append(
                f"{where}: most recent activity '{activity[:40]}' is not one of "
                f"{', '.join(kinds.STATUS)}. Fix: extend STATUS in ingest/agora_kinds.py with "
                "its meaning."
            )
        acted = day(v[ACTIVITY_DATE], ACTIVITY_DATE, where, self.today, problems)
        proposed = day(v[PROPOSED_DATE], PROPOSED_DATE, where, self.today, problems)
        machine = v[MACHINE].strip().lower()
        if machine not in {"true", "false"}:
            problems.append(f"{where}: column '{MACHINE}' must be true or false. Fix: correct it.")
        kind = None
        if auth is not None and official:
            kind = kinds.document_kind((official, casual), cols, who, auth.legislature)
            if kind is None:
                problems.append(
                    f"{where}: unknown AGORA kind: neither its collections "
                    f"({'; '.join(cols) or 'none'}) nor its name place '{official[:60]}' as a "
                    "law, order, policy, commitment or declaration. "
                    "Fix: extend the mapping in ingest/agora_kinds.py (document_kind)."
                )
        self.batch.problems.extend(problems)
        if problems or auth is None or kind is None or acted is None or proposed is None:
            return None
        self.seen.add(f"agora:{agora_id}")
        link = v[LINK].strip()
        url = link if re.match(r"^https?://\S+$", link) else None
        return Doc(
            *(agora_id, where, official, casual, cols, auth, activity, acted, proposed),
            *(machine == "true", kind, url, clean(v[SUMMARY]), v[TAGS]),
        )

    def add(self, doc: Doc) -> None:
        """The document's instrument, its source and its dated events."""
        names = (doc.official, doc.casual)
        number = kinds.order_number(names) if doc.kind == "executive_order" else None
        inst_id = f"eo:{number}" if number else f"{prefix('Instrument', doc.kind)}:agora-{doc.id}"
        if inst_id in self.seen:
            self.batch.problems.append(
                f"{doc.where}: a second document read as {inst_id}. Fix: correct the order number."
            )
            return
        self.seen.add(inst_id)
        self.batch.add(_instrument(doc, inst_id, number, self.today))
        self.batch.add(_source(doc, self.today, self.retrieved))
        if doc.authority.id is None:
            self.skipped.append(f"agora:{doc.id}")
            return
        for event in _events(doc, inst_id, doc.authority.id, self.today):
            self.batch.add(event)


def _instrument(doc: Doc, inst_id: str, number: str | None, today: date) -> ImportItem:
    # An order's title is its name; AGORA's "Executive Order on ..." form stays an alias.
    title = kinds.order_title(doc.official) if doc.kind == "executive_order" else doc.official
    record: dict[str, Any] = {"id": inst_id, "kind": doc.kind, "name": title}
    aliases = [doc.official, doc.casual] + ([f"EO {number}"] if number else [])
    aliases = list(dict.fromkeys(a for a in aliases if a and a != title))
    if aliases:
        record["aliases"] = aliases
    if number:
        record["number"] = number
    record["status"] = kinds.status(doc.activity, doc.kind)
    if doc.summary:
        record["summary"] = doc.summary
        record["summary_by"] = MACHINE_SUMMARY_BY if doc.machine else SUMMARY_BY
    if doc.authority.jurisdiction:
        record["jurisdiction"] = doc.authority.jurisdiction
    record.update(sources=[f"src:agora-{doc.id}"], recorded_at=today.isoformat())
    refs = [ExternalRef("agora", doc.id, doc.url)]
    if doc.url:
        refs.append(ExternalRef("url", doc.url))
        fr = _FR_DOCUMENT.match(doc.url)
        if fr:
            refs.append(ExternalRef("fr_document", fr.group(1), doc.url))
    if number:
        refs.append(ExternalRef("eo", number))
    return ImportItem("Instrument", record, doc.where, tuple(refs), ("name", "status"))


def _events(doc: Doc, inst_id: str, issuer: str, today: date) -> list[ImportItem]:
    label = doc.casual or doc.official
    dated: list[tuple[str, str, str, str | None]] = []
    if doc.proposed or doc.activity == "Proposed":
        note = None
        if doc.activity == "Proposed" and doc.proposed and doc.proposed != doc.acted:
            note = f"AGORA's most recent activity, on {doc.acted}, left it proposed."
        what = f"{label} was proposed or introduced"
        dated.append(("proposed", doc.proposed or doc.acted, what, note))
    if doc.activity in ACTIVITY_EVENT:
        what = "was enacted or adopted" if doc.activity == "Enacted" else "became defunct"
        dated.append((ACTIVITY_EVENT[doc.activity], doc.acted, f"{label} {what}", None))
    items = []
    for type_, when, text, note in dated:
        event: dict[str, Any] = {
            "id": f"event:agora-{doc.id}-{type_}",
            "type": type_,
            "date": when,
            "summary": f"{text}, according to AGORA.",
            "status": "reported",
            "participants": [{"actor": issuer, "role": "issuer"}],
            "concerns": [{"id": inst_id, "role": "subject"}],
            "sources": [f"src:agora-{doc.id}"],
        }
        if note:
            event["note"] = note
        event["recorded_at"] = today.isoformat()
        items.append(ImportItem("Event", event, f"{doc.where} ({type_})", compare=("date",)))
    return items


def _source(doc: Doc, today: date, retrieved: date) -> ImportItem:
    leaves = [clean(t).rsplit(": ", 1)[-1] for t in doc.tags.split(";") if clean(t)]
    leaves = list(dict.fromkeys(leaves))
    note = CREDIT + " The link is the document's text as AGORA links it."
    if doc.collections:
        note += f" AGORA collections: {'; '.join(doc.collections)}."
    if leaves:
        more = f" and {len(leaves) - 8} more" if len(leaves) > 8 else ""
        note += f" Tags: {', '.join(leaves[:8])}{more}."
    record: dict[str, Any] = {
        "id": f"src:agora-{doc.id}",
        "kind": "secondary",
        "publisher": PUBLISHER,
        "title": doc.official,
    }
    if doc.url:
        record["url"] = doc.url
    record.update(
        published=doc.acted or "unknown",
        retrieved=retrieved.isoformat(),
        licence=LICENCE,
        note=note,
        recorded_at=today.isoformat(),
    )
    return ImportItem("Source", record, f"{doc.where} (source)")

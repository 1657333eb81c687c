"""Wikidata enrichment: Special:EntityData documents become actor items with their QIDs."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from govgraph.core.errors import ValidationFailed
from govgraph.graph.schema import load_schema
from govgraph.ingest.batch import ExternalRef, ImportBatch, ImportItem
from govgraph.ingest.fetch import ENTITY_ID, fetch_entities

SOURCE = "wikidata"
ITEM_URL = "https://www.wikidata.org/wiki/{}"
LICENCE = "CC0 1.0"
__all__ = ["fetch_entities", "parse", "read_entities"]  # fetch_entities: live mode
URL = re.compile(r"^https?://[^\s]+$")
# Wikidata properties read into claims: our claim name -> property id.
ITEM_CLAIMS = {"country": "P17", "parent": "P749", "replaces": "P1365", "replaced_by": "P1366"}
INCEPTION, WEBSITE = "P571", "P856"
FIX_FILE = "fetch it again (govgraph import wikidata --live) or save Special:EntityData's answer."


def read_entities(path: Path) -> list[tuple[str, bytes]]:
    """(file, bytes) of one entity JSON file or of every *.json in a folder."""
    if path.is_dir():
        files = sorted(path.glob("*.json"))
        if not files:
            raise ValidationFailed(
                [f"{path}: no *.json entity files. Fix: point at Special:EntityData documents."],
                what="Wikidata input",
            )
    elif path.is_file():
        files = [path]
    else:
        raise ValidationFailed(
            [f"{path}: no such file or folder. Fix: give a Q....json file or a folder of them."],
            what="Wikidata input",
        )
    try:
        return [(str(f), f.read_bytes()) for f in files]
    except OSError as exc:
        raise ValidationFailed([f"{exc.filename}: {exc.strerror}"], what="Wikidata input") from exc


def parse(
    docs: Iterable[tuple[str, bytes]],
    *,
    today: date,
    retrieved: date,
    wanted: Mapping[str, str] | None = None,
) -> ImportBatch:
    """Actor and Source items from Special:EntityData documents (name, bytes).

    WANTED maps a QID to the id of the actor it describes; other items keep a provisional
    `org:wd-<qid>` id, and the import decides whether new actors are wanted at all. A file
    named after one QID that answers with another is a redirect: the answered QID is the
    item's, and the old one is kept as a second ref.
    """
    batch = ImportBatch(source=SOURCE)
    for name, body in docs:
        label = Path(name).name
        stem = Path(name).stem
        doc = _load(batch, label, body)
        if doc is None:
            continue
        entities = doc.get("entities")
        if not isinstance(entities, dict) or not entities:
            batch.problems.append(
                f"{label}: no 'entities' object: not a Special:EntityData document. Fix: {FIX_FILE}"
            )
            continue
        requested = stem if ENTITY_ID.match(stem) and len(entities) == 1 else None
        for key, entity in entities.items():
            _entity(batch, label, requested, key, entity, today, retrieved, wanted or {})
    return batch


def _load(batch: ImportBatch, label: str, body: bytes) -> dict[str, Any] | None:
    """The document as a dict, or None with a problem naming the file and the place."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        batch.problems.append(
            f"{label}: byte {exc.start} is not UTF-8 ({exc.reason}). "
            f"Fix: Special:EntityData answers in UTF-8; {FIX_FILE}"
        )
        return None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        batch.problems.append(
            f"{label}: line {exc.lineno} column {exc.colno}: not valid JSON ({exc.msg}); "
            f"the file is truncated or damaged. Fix: {FIX_FILE}"
        )
        return None
    if not isinstance(doc, dict):
        batch.problems.append(f"{label}: the JSON is not an object. Fix: {FIX_FILE}")
        return None
    return doc


def _entity(
    batch: ImportBatch,
    label: str,
    requested: str | None,
    key: str,
    entity: Any,
    today: date,
    retrieved: date,
    wanted: Mapping[str, str],
) -> None:
    if not isinstance(entity, dict):
        batch.problems.append(f"{label}: entity {key} is not an object. Fix: {FIX_FILE}")
        return
    qid = str(entity.get("id") or key)
    where = f"{label}: wikidata:{qid}"
    if "missing" in entity or not ENTITY_ID.match(qid):
        batch.problems.append(f"{where}: Wikidata has no such entity. Fix: check the QID.")
        return
    if entity.get("type") != "item":
        batch.notes.append(
            f"{where} is a Wikidata {entity.get('type')}, not an item: skipped "
            "(only items describe actors)."
        )
        return
    old = requested if requested and requested != qid else None
    if old:
        batch.notes.append(f"{label}: {old} redirects to {qid}; recorded as {qid}, {old} kept.")
    name, aliases = _names(entity)
    if name is None:
        batch.notes.append(f"{where} has no label in any language: skipped.")
        return
    actor_id = wanted.get(qid) or (wanted.get(old) if old else None) or f"org:wd-{qid.lower()}"
    kind = _kind_for(actor_id)
    if kind is None:
        batch.problems.append(
            f"{where}: '{actor_id}' has a prefix no actor kind uses. "
            "Fix: map the QID to an existing actor id (org:..., agency:..., country:...)."
        )
        return
    claims = _claims(entity)
    src_id = f"src:wikidata-{qid.lower()}"
    url = ITEM_URL.format(qid)
    batch.add(ImportItem("Source", _source(src_id, name, qid, entity, today, retrieved), where))
    record: dict[str, Any] = {"id": actor_id, "kind": kind, "name": name}
    if aliases:
        record["aliases"] = aliases
    website = claims.pop("website", None)
    if isinstance(website, str) and URL.match(website) and len(website) <= 2000:
        record["url"] = website
    elif website:
        batch.notes.append(
            f"{where}: official website {website!r} is not an http(s) URL: left out."
        )
    record.update(sources=[src_id], recorded_at=today.isoformat())
    refs = [ExternalRef(SOURCE, qid, url)]
    if old:
        refs.append(ExternalRef(SOURCE, old, ITEM_URL.format(old)))
        claims["redirected_from"] = old
    batch.add(ImportItem("Actor", record, where, tuple(refs), ("name", "url"), claims))


def _source(
    src_id: str, name: str, qid: str, entity: dict[str, Any], today: date, retrieved: date
) -> dict[str, Any]:
    modified = str(entity.get("modified") or "")[:10]
    published = modified if re.match(r"^\d{4}-\d{2}-\d{2}$", modified) else "unknown"
    return {
        "id": src_id,
        "kind": "secondary",
        "publisher": "Wikidata",
        "title": f"{name} ({qid})",
        "url": ITEM_URL.format(qid),
        "published": published,
        "retrieved": retrieved.isoformat(),
        "licence": LICENCE,
        "note": "Community-edited; 'published' is the date of the item's last edit.",
        "recorded_at": today.isoformat(),
    }


def _english(values: Any) -> Any:
    """The English entry of a labels/descriptions/aliases map (Wikidata sends [] when empty)."""
    return values.get("en") if isinstance(values, dict) else None


def _names(entity: dict[str, Any]) -> tuple[str | None, list[str]]:
    """The English label (else any label) and the distinct English aliases."""
    labels = entity.get("labels")
    label = _english(labels)
    if label is None and isinstance(labels, dict) and labels:
        label = labels.get("mul") or next(iter(labels.values()))
    name = label.get("value", "").strip() if isinstance(label, dict) else ""
    aliases: list[str] = []
    for alias in _english(entity.get("aliases")) or []:
        value = alias.get("value", "").strip() if isinstance(alias, dict) else ""
        if value and value != name and value not in aliases:
            aliases.append(value)
    return name or None, aliases[:500]


def _best(entity: dict[str, Any], prop: str) -> list[Any]:
    """PROP's values of the best rank: preferred over normal, never deprecated."""
    claims = entity.get("claims")
    statements = claims.get(prop, []) if isinstance(claims, dict) else []
    ranked: dict[str, list[Any]] = {"preferred": [], "normal": []}
    for st in statements:
        snak = st.get("mainsnak", {}) if isinstance(st, dict) else {}
        if st.get("rank") in ranked and snak.get("snaktype") == "value":
            ranked[st["rank"]].append(snak.get("datavalue", {}).get("value"))
    return ranked["preferred"] or ranked["normal"]


def _time(value: Any) -> str | None:
    """A Wikidata time at its precision: year (9), month (10) or day (11); coarser is None."""
    if not isinstance(value, dict):
        return None
    match = re.match(r"^\+(\d{4,})-(\d{2})-(\d{2})T", str(value.get("time", "")))
    precision = value.get("precision")
    if not match or precision not in (9, 10, 11):
        return None
    year, month, day = match.groups()
    return "-".join([year, month, day][: precision - 8])


def _claims(entity: dict[str, Any]) -> dict[str, Any]:
    """Description, inception, related items and website: facts our schema has no field for."""
    claims: dict[str, Any] = {}
    description = _english(entity.get("descriptions"))
    if isinstance(description, dict) and description.get("value"):
        claims["description"] = description["value"]
    inception = next((t for t in map(_time, _best(entity, INCEPTION)) if t), None)
    if inception:
        claims["inception"] = inception
    for name, prop in ITEM_CLAIMS.items():
        ids = [v["id"] for v in _best(entity, prop) if isinstance(v, dict) and "id" in v]
        if ids:
            claims[name] = ids
    websites = [v for v in _best(entity, WEBSITE) if isinstance(v, str)]
    if websites:
        claims["website"] = websites[0]
    return claims


def _kind_for(actor_id: str) -> str | None:
    """An actor kind whose prefix the id carries (org: counts as nonprofit: the least claim)."""
    prefix = actor_id.split(":", 1)[0]
    kinds = [k.name for k in load_schema().types["Actor"].kinds.values() if k.prefix == prefix]
    if "nonprofit" in kinds:
        return "nonprofit"
    return kinds[0] if kinds else None

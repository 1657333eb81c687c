"""Match imported items to records in the graph: external ids first, then names and dates."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from govgraph.core.cypher import fill, text
from govgraph.graph.db import Database
from govgraph.graph.schema import Schema
from govgraph.ingest.batch import ImportBatch, ImportItem

# Kinds that may be the same thing under two importers' readings (a bill AGORA calls a law …).
KIND_FAMILIES = (
    {
        "lab",
        "company",
        "agency",
        "department",
        "executive_office",
        "legislature",
        "international_body",
        "news_outlet",
        "nonprofit",
    },
    {"person"},
    {"country", "jurisdiction"},
    {"model"},
    {"executive_order"},
    {"law"},
    {"policy", "program"},
    {"commitments", "declaration", "mou", "code_of_practice", "treaty"},
)
_ARTICLES = re.compile(r"\b(the|of|and|for|on|a|an)\b")
_PUNCT = re.compile(r"[^\w]+")


def normalise(name: str) -> str:
    """A name folded for matching: accents, case, punctuation and small words dropped."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()
    return " ".join(_ARTICLES.sub(" ", _PUNCT.sub(" ", folded)).split())


_ORDER_WORDS = re.compile(r"^(executive order|eo)( no)?( \d+)?( on)?\b")
_PARENTHESES = re.compile(r"\([^)]*\)")


def variants(name: str) -> set[str]:
    """The normalised name, and the same without 'Executive Order (on)' or a parenthesis."""
    base = normalise(name)
    bare = normalise(_PARENTHESES.sub(" ", name))
    out = {base, bare, _ORDER_WORDS.sub("", bare).strip()}
    return {v for v in out if len(v) >= 3}


def same_family(a: str | None, b: str | None) -> bool:
    if a is None or b is None:
        return a == b
    return any(a in fam and b in fam for fam in KIND_FAMILIES)


@dataclass(frozen=True)
class Found:
    """An item that is a record already in the graph."""

    item_id: str  # the importer's provisional id
    id: str  # the record's id in the graph
    how: str  # external id | id | url | order number | name | event
    origin: str  # who wrote the record in the graph


@dataclass
class Matches:
    """Every item that matched, by provisional id, and the graph records' current fields."""

    found: dict[str, Found] = field(default_factory=dict)
    current: dict[str, dict[str, Any]] = field(default_factory=dict)  # graph id -> properties
    types: dict[str, str] = field(default_factory=dict)  # graph id -> record type
    ambiguous: list[str] = field(default_factory=list)

    def mapping(self) -> dict[str, str]:
        return {k: f.id for k, f in self.found.items() if k != f.id}


class Matcher:
    """One batch's matching against one graph."""

    def __init__(self, db: Database, schema: Schema, batch: ImportBatch):
        self.db, self.schema, self.batch = db, schema, batch
        self.out = Matches()
        self.labels = {name: rt.labels[0] for name, rt in schema.types.items()}

    def run(self) -> Matches:
        items = [i for i in self.batch.items if i.type != "Event"]
        self._by_external_ids(items)
        self._by_ids(items)
        self._by_urls(items)
        self._by_order_numbers(items)
        self._by_names([i for i in items if i.type in {"Actor", "Instrument"}])
        self._load_current()
        self._events([i for i in self.batch.items if i.type == "Event"])
        self._load_current()
        return self.out

    def _take(self, item: ImportItem, graph_id: str, how: str) -> None:
        pid = item.record.get("id", "")
        if pid not in self.out.found:
            self.out.found[pid] = Found(pid, graph_id, how, "")

    def _open(self, items: Iterable[ImportItem]) -> list[ImportItem]:
        return [i for i in items if i.record.get("id") not in self.out.found]

    def _by_external_ids(self, items: list[ImportItem]) -> None:
        keys = sorted({r.key for i in items for r in i.refs})
        if not keys:
            return
        hits = {r["key"]: r["id"] for r in self.db.rows(text("match-external-ids"), {"keys": keys})}
        for item in items:
            for ref in item.refs:
                if ref.key in hits:
                    self._take(item, hits[ref.key], "external id")
                    break

    def _by_ids(self, items: list[ImportItem]) -> None:
        ids = sorted({str(i.record.get("id")) for i in self._open(items)})
        rows = self.db.rows(
            text("match-records"), {"ids": ids, "types": list(self.labels.values())}
        )
        found = {r["id"]: r["type"] for r in rows}
        for item in self._open(items):
            pid = item.record.get("id")
            if found.get(pid) == self.labels[item.type]:
                self._take(item, str(pid), "id")

    def _by_urls(self, items: list[ImportItem]) -> None:
        by_type: dict[str, set[str]] = defaultdict(set)
        for item in self._open(items):
            by_type[item.type] |= {r.value for r in item.refs if r.scheme == "url"}
        for type_name, urls in by_type.items():
            if "url" not in self.schema.types[type_name].props:
                continue
            rows = self.db.rows(
                fill("match-urls", label=self.labels[type_name]), {"urls": sorted(urls)}
            )
            hits: dict[str, set[str]] = defaultdict(set)
            for r in rows:
                hits[r["url"]].add(r["id"])
            for item in self._open(i for i in items if i.type == type_name):
                for ref in item.refs:
                    if ref.scheme == "url" and len(hits.get(ref.value, ())) == 1:
                        self._take(item, next(iter(hits[ref.value])), "url")
                        break

    def _by_order_numbers(self, items: list[ImportItem]) -> None:
        label = self.schema.types["Instrument"].kinds["executive_order"].labels[0]
        numbers = sorted({r.value for i in self._open(items) for r in i.refs if r.scheme == "eo"})
        if not numbers:
            return
        rows = self.db.rows(fill("match-order-numbers", label=label), {"numbers": numbers})
        hits = {r["number"]: r["id"] for r in rows}
        for item in self._open(items):
            for ref in item.refs:
                if ref.scheme == "eo" and ref.value in hits:
                    self._take(item, hits[ref.value], "order number")
                    break

    def _by_names(self, items: list[ImportItem]) -> None:
        for type_name in ("Actor", "Instrument"):
            todo = [i for i in self._open(items) if i.type == type_name]
            if not todo:
                continue
            index: dict[str, set[tuple[str, str | None]]] = defaultdict(set)
            for r in self.db.rows(fill("match-names", label=self.labels[type_name])):
                for name in [r["name"] or "", *(r["aliases"] or [])]:
                    for v in variants(name):
                        index[v].add((r["id"], r["kind"]))
            for item in todo:
                names = [item.record.get("name") or "", *(item.record.get("aliases") or [])]
                kind = item.record.get("kind")
                cands = {
                    (gid, k)
                    for n in names
                    for v in variants(n)
                    for gid, k in index.get(v, ())
                    if same_family(kind, k)
                }
                ids = {gid for gid, _ in cands}
                if len(ids) == 1:
                    self._take(item, ids.pop(), "name")
                elif len(ids) > 1:
                    self.out.ambiguous.append(
                        f"{item.where}: name '{item.record.get('name')}' matches "
                        f"{', '.join(sorted(ids))}; imported as its own record."
                    )

    def _events(self, items: list[ImportItem]) -> None:
        """An event matches one of the same type about the same subject (and party)."""
        mapping = self.out.mapping()
        rows = []
        for item in items:
            rec = item.record
            subjects = [
                c.get("id")
                for c in rec.get("concerns") or []
                if c.get("role", "subject") == "subject"
            ]
            parties = [
                p.get("actor") for p in rec.get("participants") or [] if p.get("role") == "party"
            ]
            if not subjects:
                continue
            rows.append(
                {
                    "key": rec.get("id"),
                    "type": rec.get("type"),
                    "subject": mapping.get(subjects[0], subjects[0]),
                    "party": mapping.get(parties[0], parties[0]) if parties else None,
                }
            )
        # an event that is already this importer's own record matches itself by id
        self._by_ids(items)
        rows = [r for r in rows if r["key"] not in self.out.found]
        for r in self.db.rows(text("match-events"), {"rows": rows}) if rows else []:
            if len(r["ids"]) == 1:
                self.out.found[r["key"]] = Found(r["key"], r["ids"][0], "event", "")
            elif len(r["ids"]) > 1:
                self.out.ambiguous.append(
                    f"event {r['key']} matches {', '.join(r['ids'])}; imported as its own record."
                )

    def _load_current(self) -> None:
        ids = sorted({f.id for f in self.out.found.values()} - set(self.out.current))
        if not ids:
            return
        rows = self.db.rows(
            text("match-records"), {"ids": ids, "types": list(self.labels.values())}
        )
        by_label = {label: name for name, label in self.labels.items()}
        for r in rows:
            self.out.current[r["id"]] = r["props"]
            self.out.types[r["id"]] = by_label.get(r["type"], "")
        for pid, f in list(self.out.found.items()):
            origin = str((self.out.current.get(f.id) or {}).get("origin") or "curated")
            self.out.found[pid] = Found(f.item_id, f.id, f.how, origin)


def match(db: Database, schema: Schema, batch: ImportBatch) -> Matches:
    """Which of a batch's items are records already in the graph, and how each was found."""
    return Matcher(db, schema, batch).run()

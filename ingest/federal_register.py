"""Federal Register importer: executive orders from the API's document JSON, as an ImportBatch."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Any
from urllib.parse import urlencode

from govgraph.ingest.batch import ExternalRef, ImportBatch, ImportItem
from govgraph.ingest.fr_notes import NoteClause, NoteError, NoteRef, parse_notes
from govgraph.ingest.fr_pages import (
    FIELDS,
    Order,
    president_on,
    read_orders,
    signer,
)
from govgraph.ingest.fr_pages import read_pages as read_pages  # part of this importer's API

SOURCE = "federal-register"
LICENCE = "Public domain (US government work)"
JURISDICTION = "country:us"
# Matched case-insensitively as whole words on the title and abstract; "AI" alone is safe
# as a whole word (no order title in 1994-2019 uses it otherwise).
DEFAULT_TERMS: tuple[str, ...] = (
    "artificial intelligence",
    "AI",
    "machine learning",
    "deep learning",
    "neural network",
    "neural networks",
    "large language model",
    "large language models",
    "foundation model",
    "foundation models",
    "frontier model",
    "frontier models",
    "automated decision",
    "automated decision-making",
)
# relation -> (event type, verb in the event id, the note's order is the new one?)
_EVENTS = {
    "revokes": ("revoked", "revokes", True),
    "revoked_by": ("revoked", "revokes", False),
    "amends": ("amended", "amends", True),
    "amended_by": ("amended", "amends", False),
    "supersedes": ("superseded", "supersedes", True),
    "superseded_by": ("superseded", "supersedes", False),
}


def term_pattern(terms: Sequence[str]) -> re.Pattern[str]:
    """One case-insensitive pattern matching any term as whole words."""
    parts = [r"\s+".join(re.escape(w) for w in t.split()) for t in terms if t.strip()]
    return re.compile(r"(?<!\w)(?:" + "|".join(parts or ["(?!)"]) + r")(?!\w)", re.IGNORECASE)


def search_url(
    base: str,
    *,
    terms: Sequence[str],
    since: date | None,
    all_orders: bool,
    per_page: int = 100,
) -> str:
    """The first documents.json URL of a live run; the fetcher follows next_page_url."""
    url = base if base.endswith(".json") else base.rstrip("/") + "/documents.json"
    params: list[tuple[str, str]] = [
        ("conditions[type][]", "PRESDOCU"),
        ("conditions[presidential_document_type]", "executive_order"),
    ]
    if not all_orders:
        quoted = [f'"{t.strip()}"' if " " in t.strip() else t.strip() for t in terms if t.strip()]
        params.append(("conditions[term]", " | ".join(quoted)))
    if since is not None:
        params.append(("conditions[signing_date][gte]", since.isoformat()))
    params += [("fields[]", f) for f in FIELDS]
    params += [("order", "executive_order"), ("per_page", str(per_page))]
    return url + "?" + urlencode(params)


def parse(
    pages: Sequence[tuple[str, bytes]],
    *,
    today: date,
    retrieved: date,
    terms: Sequence[str] = DEFAULT_TERMS,
    all_orders: bool = False,
    since: date | None = None,
) -> ImportBatch:
    """The pages' executive orders (AI-related unless all_orders) as one ImportBatch."""
    batch = ImportBatch(SOURCE)
    orders = read_orders(pages, batch.problems)
    pattern = term_pattern(terms)
    chosen = [
        o
        for o in orders.values()
        if (all_orders or pattern.search(f"{o.title} {o.abstract or ''}"))
        and (since is None or (o.signed or o.published) >= since)
    ]
    _Builder(batch, orders, {o.number for o in chosen}, today, retrieved).build(chosen)
    return batch


class _Builder:
    """Turns chosen orders and their notes into items; one per id."""

    def __init__(
        self,
        batch: ImportBatch,
        orders: dict[str, Order],
        chosen: set[str],
        today: date,
        retrieved: date,
    ) -> None:
        self.batch, self.orders, self.chosen = batch, orders, chosen
        self.today, self.retrieved = today.isoformat(), retrieved.isoformat()
        self.items: dict[str, ImportItem] = {}
        self.ended: dict[str, str] = {}  # eo id -> revoked | superseded (wholly, by this batch)

    def build(self, chosen: list[Order]) -> None:
        for order in chosen:
            self.order(order)
        for order in chosen:
            self.notes(order)
        for pid, status in self.ended.items():
            item = self.items.get(pid)
            if item is not None and item.type == "Instrument":
                item.record["status"] = status
        self.batch.items.extend(self.items.values())

    def _add(self, item: ImportItem) -> None:
        pid = str(item.record["id"])
        old = self.items.get(pid)
        if old is None:
            self.items[pid] = item
        elif item.type != "Actor":  # the same fact read twice: add the other's source
            # (a signer or the country is sourced to the first order that names it, not to all)
            sources = old.record.get("sources")
            if isinstance(sources, list):
                sources.extend(s for s in item.record["sources"] if s not in sources)

    def person(self, order: Order, who: tuple[str, str] | None = None) -> str:
        """The signer's Actor item (WHO when not the order's own signer), sourced to ORDER."""
        ident, name = who or signer(order)[:2]
        pid = f"person:{ident}"
        self._add(
            ImportItem(
                "Actor",
                {
                    "id": pid,
                    "kind": "person",
                    "name": name,
                    "title": "President of the United States",
                    "country": JURISDICTION,
                    "sources": [order.source_id],
                    "recorded_at": self.today,
                },
                order.where,
                refs=(ExternalRef("fr_president", ident),) if ident != "unknown" else (),
            )
        )
        return pid

    def order(self, order: Order) -> None:
        """The order's Source, Instrument, signer, and signed and published events."""
        self._add(ImportItem("Source", self._source(order), order.where))
        self._add(self._country(order))
        eo = f"eo:{order.number.lower()}"
        record: dict[str, Any] = {
            "id": eo,
            "kind": "executive_order",
            "name": order.title,
            "number": order.number,
            "status": "in_force",
            "jurisdiction": JURISDICTION,
            "sources": [order.source_id],
            "recorded_at": self.today,
        }
        refs = [
            ExternalRef("eo", order.number, order.html_url),
            ExternalRef("fr_document", order.document_number, order.html_url),
        ]
        if order.citation:
            record["citation"] = order.citation
        if order.html_url:
            record["url"] = order.html_url
            refs.append(ExternalRef("url", order.html_url, order.html_url))
        claims = {"federal_register_notes": " ".join(order.notes.split())} if order.notes else {}
        self._add(
            ImportItem("Instrument", record, order.where, tuple(refs), ("name", "number"), claims)
        )
        person = self.person(order)
        name = signer(order)[1]
        signed = self._event(
            f"event:eo-{order.number.lower()}-signed",
            "signed",
            order.day,
            f"{name} signed Executive Order {order.number}, \u201c{order.title}\u201d.",
            [{"actor": person, "role": "issuer"}],
            [{"id": eo, "role": "subject"}],
            order,
        )
        if note := self._signing_note(order):
            signed.record["note"] = note
        self._add(signed)
        published = f" at {order.citation}" if order.citation else ""
        self._add(
            self._event(
                f"event:eo-{order.number.lower()}-published",
                "issued",
                order.published.isoformat(),
                f"Executive Order {order.number} was published in the Federal Register{published}.",
                [{"actor": person, "role": "issuer"}],
                [{"id": eo, "role": "subject"}],
                order,
            )
        )

    def _country(self, order: Order) -> ImportItem:
        """The orders' jurisdiction, so an import into an empty graph has it too."""
        record = {
            "id": JURISDICTION,
            "kind": "country",
            "name": "United States",
            "aliases": ["United States of America", "USA", "US"],
            "sources": [order.source_id],
            "recorded_at": self.today,
        }
        return ImportItem("Actor", record, order.where)

    def _source(self, order: Order) -> dict[str, Any]:
        # No url ref: the order's Instrument holds it, and a crosswalk key names one record.
        links = [
            f"{what}: {url}"
            for what, url in (("PDF", order.pdf_url), ("API JSON", order.json_url))
            if url
        ]
        source: dict[str, Any] = {
            "id": order.source_id,
            "kind": "primary",
            "publisher": "Federal Register",
            "title": order.title,
            "published": order.published.isoformat(),
            "retrieved": self.retrieved,
            "licence": LICENCE,
            "note": f"Executive Order {order.number}, FR Doc. {order.document_number}"
            + (f"; {'; '.join(links)}." if links else "."),
            "recorded_at": self.today,
        }
        if order.html_url:
            source["url"] = order.html_url
        return source

    def _signing_note(self, order: Order) -> str:
        """What the signed event should say about an inferred signer or a missing date."""
        notes = []
        if signer(order)[2]:
            notes.append(
                "The Federal Register page names no president; the signer is inferred from "
                "the signing date and the presidential terms of office."
            )
        if order.impossible_signing:
            notes.append(
                f"The Federal Register gives {order.impossible_signing} as the signing date, "
                "after publication; it was signed on or before publication."
            )
            self.batch.notes.append(
                f"{order.where}: signing_date {order.impossible_signing} is after publication "
                f"({order.published.isoformat()}); recorded as on or before publication."
            )
        elif order.signed is None:
            notes.append(
                "The Federal Register gives no signing date; it was on or before publication."
            )
        return " ".join(notes)

    def _event(
        self,
        pid: str,
        kind: str,
        day: str,
        summary: str,
        participants: list[dict[str, str]],
        concerns: list[dict[str, str]],
        order: Order,
    ) -> ImportItem:
        record = {
            "id": pid,
            "type": kind,
            "date": day,
            "summary": summary,
            "status": "confirmed",
            "participants": participants,
            "concerns": concerns,
            "sources": [order.source_id],
            "recorded_at": self.today,
        }
        return ImportItem("Event", record, order.where, compare=("date",))

    def notes(self, order: Order) -> None:
        try:
            parsed = parse_notes(order.notes, own_number=order.number)
        except NoteError as exc:
            self.batch.problems.append(
                f"{order.where}: notes '{_short(order.notes)}' do not parse: {exc}. Fix: write "
                "each clause as 'Label: EO NNNNN, Month D, YYYY' with a known label (Revokes, "
                "Revoked by, Amends, Amended by, Supersedes, Superseded by, See, Note ...)."
            )
            return
        if parsed.skipped:
            self.batch.notes.append(
                f"{order.where}: notes describing another order were not used: "
                f"'{_short(parsed.skipped)}'"
            )
        see = [c.text for c in parsed.clauses if c.label in ("see", "ee")]
        if see:  # cross-references: kept on the order as a claim, no event
            self.items[f"eo:{order.number.lower()}"].claims["see_also"] = "; ".join(see)
        for clause in parsed.clauses:
            if clause.relation is not None:
                self.relation(order, clause)

    def relation(self, order: Order, clause: NoteClause) -> None:
        kind, verb, forward = _EVENTS[str(clause.relation)]
        for ref in clause.refs:
            if ref.number is None:
                continue  # a memorandum or proclamation: kept in the notes text only
            if ref.date_text:
                self.batch.notes.append(
                    f"{order.where}: '{ref.text}': the date '{ref.date_text}' is not a real "
                    "date; the order number was used without it."
                )
            new, old = (order.number, ref.number) if forward else (ref.number, order.number)
            if _numeric(new) <= _numeric(old):
                self.batch.notes.append(
                    f"{order.where}: '{clause.text}' has EO {new} acting on the later or same "
                    f"EO {old}; orders are numbered in sequence, so no event was recorded."
                )
                continue
            actor, day = self._actor_and_day(order, ref, forward)
            new_id, old_id = f"eo:{new.lower()}", f"eo:{old.lower()}"
            part = "part of " if ref.in_part else ""
            if kind == "superseded":
                concerns = [
                    {"id": new_id, "role": "successor"},
                    {"id": old_id, "role": "predecessor"},
                ]
            else:
                concerns = [{"id": new_id, "role": "by"}, {"id": old_id, "role": "subject"}]
            event = self._event(
                f"event:eo-{new.lower()}-{verb}-eo-{old.lower()}",
                kind,
                day,
                f"Executive Order {new} {kind} {part}Executive Order {old}.",
                [{"actor": actor, "role": "actor"}],
                concerns,
                order,
            )
            words = (
                "; the notes do not say which" if clause.label == "supersedes or revokes" else ""
            )
            event.record["note"] = (
                f"From the Federal Register's notes on EO {order.number}: "
                f"\u201c{_short(clause.text)}\u201d{words}."
            )
            self._add(event)
            if kind != "amended" and not ref.in_part and old_id not in self.ended:
                self.ended[old_id] = kind
            for number in (new, old):
                if number not in self.chosen:
                    self.stub(number, order)

    def _actor_and_day(self, order: Order, ref: NoteRef, forward: bool) -> tuple[str, str]:
        if forward:
            return self.person(order), order.day
        other = self.orders.get(ref.number or "")
        if other is not None:  # on the pages, chosen or not: its own signer and date
            return self.person(order, signer(other)[:2]), other.day
        # Not on the pages: dated by the note, signed by whoever was president then.
        actor = self.person(order, president_on(ref.date or order.signed or order.published))
        when = ref.date.isoformat() if ref.date else f"{order.day.split('/')[-1]}/.."
        return actor, when

    def stub(self, number: str, order: Order) -> None:
        """An order named in notes but not imported: recorded, not expanded."""
        self._add(
            ImportItem(
                "Instrument",
                {
                    "id": f"eo:{number.lower()}",
                    "kind": "executive_order",
                    "name": f"Executive Order {number}",
                    "number": number,
                    "status": "unknown",
                    "jurisdiction": JURISDICTION,
                    "sources": [order.source_id],
                    "recorded_at": self.today,
                },
                f"{order.where}: notes",
                refs=(ExternalRef("eo", number),),
            )
        )


def _numeric(number: str) -> int:
    """The order number's digits ("199-A" -> 199), for sequence checks."""
    digits = re.match(r"\d+", number)
    return int(digits.group()) if digits else 0


def _short(text: str | None, limit: int = 300) -> str:
    flat = " ".join((text or "").split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "\u2026"

"""Read Federal Register API pages into executive orders; who was president when."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from govgraph.core.errors import ValidationFailed

# The fields parse reads, asked for by name in live mode.
FIELDS = (
    "abstract",
    "citation",
    "disposition_notes",
    "document_number",
    "executive_order_notes",
    "executive_order_number",
    "html_url",
    "json_url",
    "pdf_url",
    "president",
    "publication_date",
    "signing_date",
    "title",
)
# Presidential terms (public fact), to name the signer when a page leaves `president` out.
TERMS_OF_OFFICE = (
    (date(1993, 1, 20), "william-j-clinton", "William J. Clinton"),
    (date(2001, 1, 20), "george-w-bush", "George W. Bush"),
    (date(2009, 1, 20), "barack-obama", "Barack Obama"),
    (date(2017, 1, 20), "donald-trump", "Donald Trump"),
    (date(2021, 1, 20), "joe-biden", "Joe Biden"),
    (date(2025, 1, 20), "donald-trump", "Donald Trump"),
)
_LAST_DAY = date(2029, 1, 19)
_FIX_PAGE = "Fix: fetch the page again, or give the API's documents.json response unchanged."


@dataclass(frozen=True)
class Order:
    """One executive order as the page states it."""

    number: str
    title: str
    document_number: str
    published: date
    signed: date | None
    where: str
    citation: str | None = None
    abstract: str | None = None
    notes: str | None = None
    html_url: str | None = None
    pdf_url: str | None = None
    json_url: str | None = None
    president: tuple[str, str] | None = None  # (FR identifier, name) when the page gives it
    impossible_signing: str | None = None  # a signing date after publication, as given

    @property
    def source_id(self) -> str:
        return "src:fr-" + re.sub(r"[^a-z0-9.-]+", "-", self.document_number.lower())

    @property
    def day(self) -> str:
        """The signing date as a fuzzy date: on or before publication when not given."""
        return self.signed.isoformat() if self.signed else f"../{self.published.isoformat()}"


def read_pages(path: Path) -> list[tuple[str, bytes]]:
    """A JSON file, or a folder's *.json pages in name order, each as (name, raw bytes)."""
    if path.is_dir():
        files = sorted(p for p in path.glob("*.json") if p.is_file())
        if not files:
            raise ValidationFailed([f"{path}: no *.json pages. Fix: give a page or a folder."])
    elif path.is_file():
        files = [path]
    else:
        raise ValidationFailed([f"{path}: no such file or folder. Fix: check the path."])
    out = []
    for file in files:
        try:
            out.append((file.name, file.read_bytes()))
        except OSError as exc:
            raise ValidationFailed([f"{file}: cannot be read ({exc.strerror})."]) from exc
    return out


def _day(value: Any, what: str) -> date:
    if not isinstance(value, str):
        raise ValueError(f"{what} is missing")
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"{what} '{value[:40]}' is not a real date (YYYY-MM-DD)") from None


def _text(raw: dict[str, Any], key: str) -> str | None:
    value = raw.get(key)
    return value.strip() if isinstance(value, str) and value.strip() else None


def _order(name: str, index: int, raw: Any) -> Order:
    """One result as an Order; ValueError says what is wrong with it."""
    if not isinstance(raw, dict):
        raise ValueError(f"is a {type(raw).__name__}, not an object")
    number = raw.get("executive_order_number")
    if isinstance(number, str) and number.strip().isdigit():
        number = int(number)
    if not isinstance(number, int) or isinstance(number, bool) or number <= 0:
        raise ValueError("has no executive_order_number")
    title, doc = _text(raw, "title"), _text(raw, "document_number")
    if title is None or doc is None:
        raise ValueError(f"EO {number} has no {'title' if title is None else 'document_number'}")
    try:
        published = _day(raw.get("publication_date"), "publication_date")
        signed = _day(raw["signing_date"], "signing_date") if raw.get("signing_date") else None
    except ValueError as exc:
        raise ValueError(f"EO {number}: {exc}") from None
    # A signing date after publication cannot be right (EO 13526: 2010-12-29 for a 2010-01-05
    # issue); it is kept as a note and the order counts as signed on or before publication.
    impossible = None
    if signed is not None and signed > published:
        impossible, signed = signed.isoformat(), None
    president = raw.get("president")
    who = None
    if isinstance(president, dict) and president.get("identifier") and president.get("name"):
        who = (str(president["identifier"]), str(president["name"]))
    return Order(
        number=str(number),
        title=" ".join(title.split()),
        document_number=doc,
        published=published,
        signed=signed,
        impossible_signing=impossible,
        where=f"{name}: record {index} (EO {number})",
        citation=_text(raw, "citation"),
        abstract=_text(raw, "abstract"),
        notes=_text(raw, "executive_order_notes") or _text(raw, "disposition_notes"),
        html_url=_text(raw, "html_url"),
        pdf_url=_text(raw, "pdf_url"),
        json_url=_text(raw, "json_url"),
        president=who,
    )


def read_orders(pages: Sequence[tuple[str, bytes]], problems: list[str]) -> dict[str, Order]:
    """Every order on the pages by number (first one wins); each bad page or record a problem."""
    orders: dict[str, Order] = {}
    for name, raw in pages:
        try:
            body = json.loads(raw.decode("utf-8"))
        except UnicodeDecodeError as exc:
            problems.append(f"{name}: byte {exc.start} is not UTF-8. {_FIX_PAGE}")
            continue
        except json.JSONDecodeError as exc:
            problems.append(
                f"{name}: line {exc.lineno} column {exc.colno}: not valid JSON "
                f"({exc.msg}; truncated?). {_FIX_PAGE}"
            )
            continue
        results = body.get("results") if isinstance(body, dict) else None
        if not isinstance(results, list):
            problems.append(
                f"{name}: not an API page (an object with a 'results' list). {_FIX_PAGE}"
            )
            continue
        for index, item in enumerate(results):
            try:
                order = _order(name, index, item)
            except ValueError as exc:
                problems.append(
                    f"{name}: record {index}: {exc}. Fix: correct or drop that record "
                    "(orders need executive_order_number, title, document_number and real dates)."
                )
                continue
            orders.setdefault(order.number, order)
    return orders


def signer(order: Order) -> tuple[str, str, bool]:
    """(FR identifier, name, inferred?) of the president who signed the order."""
    if order.president:
        return (*order.president, False)
    return (*president_on(order.signed or order.published), True)


def president_on(day: date) -> tuple[str, str]:
    """The president in office on that day, from TERMS_OF_OFFICE."""
    if day < TERMS_OF_OFFICE[0][0] or day > _LAST_DAY:
        return ("unknown", "an unknown president")
    return next((i, n) for start, i, n in reversed(TERMS_OF_OFFICE) if start <= day)

"""Parse the Federal Register's executive-order notes ("Revokes: EO 13233, November 1, 2001")."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

# Labels that relate two orders, mapped to (relation, in part). The relation names the side
# this order is on: "revokes" means this order revokes the other one.
_RELATIONS: dict[str, tuple[str, bool]] = {
    "revokes": ("revokes", False),
    "revokes in part": ("revokes", True),
    "revokes in part and supplements": ("revokes", True),
    "revoked by": ("revoked_by", False),
    "revoked in part by": ("revoked_by", True),
    "revoked (in part) by": ("revoked_by", True),
    "revoked in part and supplemented by": ("revoked_by", True),
    "amends": ("amends", False),
    "amended by": ("amended_by", False),
    "amend by": ("amended_by", False),
    "supersedes": ("supersedes", False),
    "suspersedes": ("supersedes", False),
    "supersedes in part": ("supersedes", True),
    "supersedes or revokes": ("supersedes", False),
    "superseded by": ("superseded_by", False),
    "superseded in part by": ("superseded_by", True),
}
# Labels kept as text on the order, with no event between orders.
_INFORMATIONAL = {
    "see",
    "note",
    "continues",
    "continued by",
    "continues certain committee established by",
    "supplements",
    "supplemented by",
    "suspends",
    "suspended by",
    "terminates",
    "terminated by",
    "signed",
    "ee",  # "See" with its first letter lost, as recorded for EO 13652
    "federal register page and date",
    "federal register correction page and date",
}
_LABELS = sorted({*_RELATIONS, *_INFORMATIONAL}, key=len, reverse=True)
_LABEL_ALT = "|".join(re.escape(label).replace(r"\ ", r"\s+") for label in _LABELS)
_EO_START = r"(?:EO|E\.O\.|EEO|Executive\s+Order)"
# A label, then a colon, a semicolon, the end, or (colon forgotten) the first reference.
_KNOWN_LABEL = re.compile(
    rf"^(?P<label>{_LABEL_ALT})\s*(?::|;|$|(?=(?:{_EO_START}|\d)))\s*(?P<rest>.*)$",
    re.IGNORECASE | re.DOTALL,
)
_ANY_LABEL = re.compile(r"^(?P<label>[A-Za-z][A-Za-z ()]{0,60}?)\s*:\s*(?P<rest>.*)$", re.DOTALL)
# A newline starts a new clause only before a label; otherwise it is a wrapped line.
_NEWLINE_BEFORE_LABEL = re.compile(
    r"\s*\n\s*(?=[A-Za-z][A-Za-z ()]{0,60}:|(?:" + _LABEL_ALT + r")\b)", re.I
)
_HEADING = re.compile(r"^Executive\s+Order\s+(?:No\.\s*)?(\d+)$", re.IGNORECASE)
# Date-shaped text, loose enough for the archive's typos ("January, 4, 2008", "12/27/ 2016").
_MONTH_DATE = r"[A-Z][a-z]+\.?,?\s+\d{1,2},\s*\d{1,4}"
_SLASH_DATE = r"\d{1,2}/\s*\d{1,2}/\s*\d{1,4}"
# An order number ("13233", or old style "199-A"), an optional date, then parenthetical
# qualifiers "(in part)" and lower-case remarks ("eff. March 31, 2003", "read in conjunction
# with ..."); anything else after the number does not parse.
_EO_REF = re.compile(
    rf"^(?:{_EO_START}\s*(?:No\.\s*)?)?(?P<number>\d{{1,5}}(?:-[A-Z])?)"
    rf"(?:\s*,?\s*(?:of\s+)?(?P<date>{_MONTH_DATE}|{_SLASH_DATE}))?"
    r"(?P<tail>(?:\s*,?\s*\([^()]*\))*)(?:\s*,?\s+(?P<remark>(?-i:[a-z]).*))?$",
    re.IGNORECASE,
)
# References to documents that are not executive orders: kept as text, no event.
_OTHER_DOC = re.compile(
    r"^(?:Memorandum|Military\s+Order|Order\s+of|Proclamation|Proc\.|Notice|Public\s+Law|"
    r"\d+\s+FR\s+\d+)",
    re.IGNORECASE,
)
# Between references: ";", ", EO ...", ", and EO ...", or nothing at all after a year.
_REF_SPLIT = re.compile(
    rf";|,?\s+and\s+(?={_EO_START}\s*\d)|,\s*(?={_EO_START}\s*\d|Proc\.|Proclamation)"
    rf"|(?<=\d)\s*(?=(?:EO|E\.O\.)\s*\d)",
)
# A capitalised label right after a reference ("... 2015 Revokes: EO 13805") starts a clause.
_LABEL_INSIDE = re.compile(
    r"(?<=[\d)])\s+(?=(?:" + "|".join(re.escape(lb.capitalize()) for lb in _LABELS) + r")\s*:)"
)


class NoteError(ValueError):
    """A note that does not follow the grammar; the message quotes the part that failed."""


@dataclass(frozen=True)
class NoteRef:
    """One document a clause names: an executive order (number set) or another document."""

    text: str
    number: str | None = None
    date: date | None = None
    in_part: bool = False
    date_text: str | None = None  # a date as written that is not a real date ("March 9, 199")


@dataclass(frozen=True)
class NoteClause:
    """One labelled clause: 'Revokes: EO 13233, November 1, 2001'."""

    label: str  # normalised, lower case
    text: str  # as written (whitespace collapsed)
    relation: str | None = None  # revokes | revoked_by | amends | ... ; None for 'See' and such
    in_part: bool = False
    refs: tuple[NoteRef, ...] = ()


@dataclass(frozen=True)
class ParsedNotes:
    """All clauses of one order's notes, and any text that described another order."""

    clauses: tuple[NoteClause, ...]
    skipped: str | None = None  # notes after a heading for another order, not attributed


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _parse_date(text: str) -> date | None:
    """The day a date-shaped text names, or None when it names none (a typo in the archive)."""
    text = re.sub(r"\s*/\s*", "/", _norm(text).replace(".", ""))
    text = re.sub(r"^([A-Za-z]+),", r"\1", text)
    for fmt in ("%B %d, %Y", "%B %d,%Y", "%b %d, %Y", "%m/%d/%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def parse_ref(text: str, *, clause_in_part: bool = False) -> NoteRef:
    """One reference of a relation clause; NoteError when it is neither an order nor a document."""
    text = _norm(text)
    match = _EO_REF.match(text)
    if match:
        written = match.group("date")
        when = _parse_date(written) if written else None
        in_part = clause_in_part or "in part" in match.group("tail").lower()
        number = match.group("number").upper().lstrip("0")
        return NoteRef(text, number, when, in_part, written if written and not when else None)
    if _OTHER_DOC.match(text):
        return NoteRef(text)
    raise NoteError(f"'{text}' is not a reference such as 'EO 13233, November 1, 2001'")


def _segments(text: str) -> list[str]:
    text = _NEWLINE_BEFORE_LABEL.sub(";", text.replace("\r", ""))
    text = _LABEL_INSIDE.sub(";", text)
    text = re.sub(r"\s*\n\s*", " ", text)
    return [s for s in (_norm(part) for part in text.split(";")) if s]


def parse_notes(text: str | None, *, own_number: str) -> ParsedNotes:
    """Parse one order's notes into clauses; NoteError names the first part that does not parse."""
    if not text or not text.strip():
        return ParsedNotes(())
    clauses: list[tuple[str, list[str]]] = []  # (label, bodies)
    segments = _segments(text)
    skipped: str | None = None
    for i, segment in enumerate(segments):
        heading = _HEADING.match(segment)
        if heading and str(int(heading.group(1))) != own_number:
            skipped = "; ".join(segments[i:])
            break
        known = _KNOWN_LABEL.match(segment)
        if known:
            label = _norm(known.group("label")).lower()
            rest = known.group("rest").strip()
            clauses.append((label, [rest] if rest else []))
            continue
        other = _ANY_LABEL.match(segment)
        if other:
            raise NoteError(f"unknown label '{_norm(other.group('label'))}' in '{segment}'")
        if not clauses:
            ref = _EO_REF.match(segment)
            if ref and ref.group("number").upper().lstrip("0") == own_number:
                continue  # the order naming itself, nothing to record
            raise NoteError(f"'{segment}' has no label such as 'Revokes:' or 'See:'")
        clauses[-1][1].append(segment)
    return ParsedNotes(tuple(_clause(label, bodies) for label, bodies in clauses), skipped)


def _clause(label: str, bodies: list[str]) -> NoteClause:
    label_text = label[:1].upper() + label[1:]
    text = f"{label_text}: " + "; ".join(bodies)
    if label not in _RELATIONS:
        return NoteClause(label, text)
    relation, in_part = _RELATIONS[label]
    items = [_norm(p) for body in bodies for p in _REF_SPLIT.split(body) if _norm(p)]
    if not items:
        raise NoteError(f"'{text}' names no executive order after its label")
    refs = tuple(parse_ref(item, clause_in_part=in_part) for item in items)
    return NoteClause(label, text, relation, in_part, refs)

"""How relationships, roles and event types read in pages and tooltips: one table per direction.

A phrase completes "<this record> ... <the other record>": OUT when this record is where the
relationship starts, IN when it ends there. Both tables cover every relationship the schema
declares (record references and event shortcuts); tests/test_phrases.py keeps it so.
"""

from __future__ import annotations

from typing import Literal

Direction = Literal["out", "in"]

OUT: dict[str, str] = {
    # event shortcuts
    "PARTY_TO": "is party to",
    "DECLINED": "declined to join",
    "NEGOTIATING": "is in talks to join",
    "WITHDREW_FROM": "withdrew from",
    "PRESSED_TO_JOIN": "was pressed to join",
    "PRESSED": "pressed",
    "ISSUED": "issued",
    "ESTABLISHED": "established",
    "CREATED": "created",
    "REVOKED": "revoked",
    "AMENDED": "amended",
    "SUPERSEDED": "superseded",
    "SUCCEEDED_BY": "was succeeded by",
    "ORDERED": "ordered",
    "RESTRICTED": "restricted access to",
    # record references
    "SOURCED_FROM": "is sourced from",
    "CITES": "cites",
    "BASED_IN": "is based in",
    "PART_OF": "is part of",
    "DEVELOPED_BY": "was developed by",
    "IN_JURISDICTION": "comes under",
    "ADMINISTERED_BY": "is administered by",
    "PARTICIPATED_IN": "took part in",
    "CONCERNS": "concerns",
    # the crosswalk and imported claims
    "IDENTIFIES": "identifies",
    "ABOUT": "is about",
    "CLAIMED_BY": "is stated by",
}

IN: dict[str, str] = {
    "PARTY_TO": "has as a party",
    "DECLINED": "was declined by",
    "NEGOTIATING": "is in talks with",
    "WITHDREW_FROM": "was left by",
    "PRESSED_TO_JOIN": "was urged on",
    "PRESSED": "was pressed by",
    "ISSUED": "was issued by",
    "ESTABLISHED": "was established by",
    "CREATED": "was created by",
    "REVOKED": "was revoked by",
    "AMENDED": "was amended by",
    "SUPERSEDED": "was superseded by",
    "SUCCEEDED_BY": "succeeded",
    "ORDERED": "was ordered by",
    "RESTRICTED": "had its access restricted by",
    "SOURCED_FROM": "is a source for",
    "CITES": "is cited by",
    "BASED_IN": "is home to",
    "PART_OF": "includes",
    "DEVELOPED_BY": "developed",
    "IN_JURISDICTION": "has under it",
    "ADMINISTERED_BY": "administers",
    "PARTICIPATED_IN": "had as a participant",
    "CONCERNS": "is the subject of",
    "IDENTIFIES": "is identified by",
    "ABOUT": "is described by",
    "CLAIMED_BY": "states",
}

# Words that read badly with only the underscores replaced.
LABELS: dict[str, str] = {
    "mou": "memorandum of understanding",
    "by": "the means",
    "pressed_to_join": "pressed to join",
    "entered_into_force": "entered into force",
    "joined_uncertain": "joined (date uncertain)",
    "in_force": "in force",
}


def phrase(rel: str, direction: Direction | str) -> str:
    """How a relationship reads from one of its ends: phrase("SUCCEEDED_BY", "in") → succeeded."""
    table = IN if direction == "in" else OUT
    found = table.get(str(rel).upper())
    if found is not None:
        return found
    words = str(rel).lower().replace("_", " ")
    return f"is linked ({words}) with" if direction == "in" else words


def label(term: object) -> str:
    """A role, event type, kind or status in words: pressed_to_join → pressed to join."""
    if term is None:
        return ""
    key = str(term)
    return LABELS.get(key, key.replace("_", " "))

"""AGORA's vocabulary mapped onto ours: document kinds, authority kinds, curated actors."""

from __future__ import annotations

import re

# Authorities that stand for a group of issuers, not one actor: documents under them get no
# issuer and no jurisdiction.
PLACEHOLDERS = frozenset({"Private-sector companies", "Other authorities", "Other multinational"})
# Groups of governments inside one jurisdiction: not actors; as a parent authority they stand
# for their jurisdiction (a state is part of the United States).
COLLECTIVES = frozenset(
    {"State governments", "Local governments", "Chinese provincial and local governments"}
)
# AGORA authority names that are actors of the curated data (data/*.yaml): id, kind, name.
CURATED: dict[str, tuple[str, str, str]] = {
    "Federal government": ("country:us", "country", "United States"),
    "Chinese central government": ("country:china", "country", "China"),
    "Government of Australia": ("country:australia", "country", "Australia"),
    "Government of Canada": ("country:canada", "country", "Canada"),
    "Government of Israel": ("country:israel", "country", "Israel"),
    "Government of Singapore": ("country:singapore", "country", "Singapore"),
    "Government of the United Kingdom": ("country:uk", "country", "United Kingdom"),
    "Government of the United Arab Emirates": ("country:uae", "country", "United Arab Emirates"),
    "European Union": ("jurisdiction:eu", "jurisdiction", "European Union"),
    "OECD": (
        "intl:oecd",
        "international_body",
        "Organisation for Economic Co-operation and Development",
    ),
    "Executive Office of the President": (
        "office:white-house",
        "executive_office",
        "The White House",
    ),
    "Office of Management and Budget": (
        "office:omb",
        "executive_office",
        "Office of Management and Budget",
    ),
    "Office of Science and Technology Policy": (
        "office:ostp",
        "executive_office",
        "Office of Science and Technology Policy",
    ),
    "Department of Commerce": ("dept:commerce", "department", "U.S. Department of Commerce"),
    "Department of Defense": ("dept:defense", "department", "U.S. Department of Defense"),
    "Department of Energy": ("dept:energy", "department", "U.S. Department of Energy"),
    "National Institute of Standards and Technology": (
        "agency:nist",
        "agency",
        "National Institute of Standards and Technology",
    ),
}
# AGORA's jurisdiction column -> a curated actor ("Other countries" and "Multinational" name none).
JURISDICTIONS = {"United States": "country:us", "China": "country:china"}
# Other authorities whose kind the name alone does not tell.
AUTHORITY_KINDS = {
    "United States Congress": "legislature",
    "United Nations": "international_body",
    "Food and Drug Administration": "agency",
    "Consumer Financial Protection Bureau": "agency",
    "Federal Election Commission": "agency",
    "Office of Personnel Management": "agency",
    "Copyright Office, Library of Congress": "agency",
    "New York City": "jurisdiction",
}
# US states whose bare name is also a country's: qualified, so name matching cannot merge them.
SHARED_NAMES = {"Georgia": "State of Georgia"}
_GOVERNMENT = re.compile(r"^Government of (?:the )?(.+)$")


def authority_kind(name: str, parent: str) -> tuple[str, str] | None:
    """(kind, our name) of an AGORA authority that is not curated, or None when unknown."""
    if name in AUTHORITY_KINDS:
        return AUTHORITY_KINDS[name], name
    government = _GOVERNMENT.match(name)
    if government:  # our country records stand for their national government
        return "country", government.group(1)
    if parent in {"State governments", "Local governments"}:
        return "jurisdiction", SHARED_NAMES.get(name, name)
    if name.startswith(("Department of ", "Ministry of ")):
        return "department", name
    return None


# AGORA's most recent activity -> our status. "Enacted" means in force for a law or an order,
# adopted for a voluntary text, and only signed for a treaty (which then awaits ratification).
STATUS = {"Enacted": "in_force", "Proposed": "proposed", "Defunct": "expired"}
ENACTED_BY_KIND = {
    "policy": "active",
    "commitments": "active",
    "declaration": "active",
    "code_of_practice": "active",
    "mou": "active",
    "treaty": "unknown",
}


def status(activity: str, kind: str) -> str:
    """Our status of a document from AGORA's most recent activity and our kind of it."""
    if activity == "Enacted":
        return ENACTED_BY_KIND.get(kind, STATUS[activity])
    return STATUS[activity]


# Collections whose every document is one kind.
LAW_COLLECTIONS = frozenset(
    {"U.S. federal laws", "U.S. state and local laws", "NDAA provisions", "FY2025 NDAA"}
)
COMMITMENT_COLLECTIONS = frozenset({"Corporate policies and commitments"})
# Mixed collections: the name decides; failing that, the collection's own default.
COLLECTION_DEFAULTS = {
    "U.S. regulations, executive orders, and agency policies": "policy",
    "Chinese law and policy": "policy",
    "Multinational": "declaration",
}
# Collections that say nothing about kind (a selection, a status, a catch-all).
NEUTRAL_COLLECTIONS = frozenset(
    {"Enacted laws and policies", "Editors' Picks", "Miscellaneous documents"}
)
KNOWN_COLLECTIONS = (
    LAW_COLLECTIONS | COMMITMENT_COLLECTIONS | set(COLLECTION_DEFAULTS) | NEUTRAL_COLLECTIONS
)
MULTINATIONAL = frozenset({"Other multinational", "United Nations", "OECD"})
PRESIDENT = "Executive Office of the President"

_WORD = re.IGNORECASE
# Name rules in order; the first that matches decides.
_NAME_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("commitments", re.compile(r"\bCommitments?\b", _WORD)),
    ("code_of_practice", re.compile(r"\bCode of (?:Conduct|Practice)\b", _WORD)),
    ("treaty", re.compile(r"\bConvention on\b", _WORD)),
    ("declaration", re.compile(r"\bDeclaration\b", _WORD)),
    (
        "policy",
        re.compile(
            r"\b(?:Framework|Guidance|Guide|Plan|Strategy|Strategic|White Paper|Position Paper"
            r"|Policy|Principles|Roadmap|Blueprint|Initiative|Concept Paper|Companion document"
            r"|advice|Consultation|Remarks|Opinion|Ethical Norms|Standard|Recommendations"
            r"|Technical Documentation|DoDD)\b",
            _WORD,
        ),
    ),
    (
        "law",
        re.compile(
            r"\b(?:Act|Law|Regulations?|Directive|Provisions|Measures|Decision|CFR|Requirements"
            r"|Rule)\b|^(?:Part|Section) \d",
            _WORD,
        ),
    ),
)
_MULTINATIONAL_RULE = re.compile(r"\b(?:Statement|Resolution)\b", _WORD)
_ORDER = re.compile(r"\b(?:Executive Order|Memorandum)\b|\bEO \d{4,5}\b", _WORD)
_ORDER_NUMBER = re.compile(r"\b(?:EO|Executive Order(?: No\.)?) (\d{4,5})\b", _WORD)


def document_kind(
    names: tuple[str, str], collections: list[str], authority: str, legislature: bool
) -> str | None:
    """Our instrument kind for an AGORA document, or None when the mapping cannot place it.

    `names` are the official and casual names; `legislature` says the authority makes laws
    (a congress or a state), which places a document no collection or name places.
    """
    text = " ".join(names)
    cols = set(collections)
    if cols & COMMITMENT_COLLECTIONS:
        return "commitments"
    if authority == PRESIDENT and _ORDER.search(text):
        return "executive_order"
    if cols & LAW_COLLECTIONS:
        return "law"
    multinational = "Multinational" in cols or authority in MULTINATIONAL
    for kind, rule in _NAME_RULES:
        if rule.search(text):
            return kind
        if kind == "declaration" and multinational and _MULTINATIONAL_RULE.search(text):
            return kind
    for col in collections:
        if col in COLLECTION_DEFAULTS:
            return COLLECTION_DEFAULTS[col]
    return "law" if legislature else None


def order_number(names: tuple[str, str]) -> str | None:
    """The executive order number written in a document's official or casual name."""
    for name in names:
        found = _ORDER_NUMBER.search(name)
        if found:
            return found.group(1)
    return None


def order_title(name: str) -> str:
    """An order's title without AGORA's 'Executive Order on' prefix and '(EO n)' suffix."""
    title = re.sub(r"^Executive Order (?:on|to) (?:the )?", "", name, flags=_WORD)
    title = re.sub(r"\s*\(EO \d{4,5}\)\s*$", "", title)
    return title[:1].upper() + title[1:]

"""Names where ids are asked: an id, or the name or alias of one actor or instrument, to its id."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

from govgraph.core.cypher import fill, text
from govgraph.core.errors import Ambiguous, BadParameter, NotFound
from govgraph.core.ids import is_id
from govgraph.graph.lookup import CANDIDATES, MAX_SUGGESTIONS, NAME_CHARS, resolve_id
from govgraph.graph.schema import ENTITY_LABEL

MAX_NAME_CHARS = 200
# Dots and apostrophes join what they separate ("U.S." is "us"); other punctuation splits words.
JOINERS = re.compile(r"[.'\u2019`]")
SEPARATORS = re.compile(r"[\W_]+")
WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class Candidate:
    """A record a name may mean: its id, kind and name, and the name or alias that matched."""

    id: str
    kind: str
    name: str
    matched: str = ""

    def describe(self) -> str:
        """One line for messages: 'org:meta (lab, Meta)'."""
        return f"{self.id} ({', '.join(x for x in (self.kind, self.name) if x)})"


def fold(value: str) -> str:
    """A name as compared: lower case, no accents, punctuation folded, single spaces."""
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(w for w in SEPARATORS.split(JOINERS.sub("", plain)) if w)


def resolve(db: Any, value: str, *, param: str | None = None) -> Candidate:
    """The record an id, a former id, or a unique name or alias names.

    An id resolves as `resolve_id` does (NotFound with close ids when no record has it). Any
    other text is compared, folded, with the names and aliases of actors and instruments: one
    record → it; several → Ambiguous listing them; none → NotFound with close names.
    """
    value = value.strip()
    where = f"parameter '{param}': " if param else ""
    if is_id(value):
        return Candidate(resolve_id(db, value, param=param), "", "")
    if len(value) > MAX_NAME_CHARS:
        raise BadParameter(param or "name", f"is longer than {MAX_NAME_CHARS} characters")
    folded = fold(value)
    if not folded:
        raise BadParameter(
            param or "name", f"'{value}' is neither an id such as org:openai nor a name"
        )
    entities = db.rows(fill("match-names", label=ENTITY_LABEL))
    found = matches(entities, folded)
    if len(found) == 1:
        return found[0]
    if found:
        listed = "; ".join(c.describe() for c in found)
        raise Ambiguous(
            f"{where}'{value}' is the name or alias of {len(found)} records: {listed}.",
            candidates=[{"id": c.id, "kind": c.kind, "name": c.name} for c in found],
            fix="give the id of the one you mean, e.g. " + found[0].id + ".",
        )
    hints = suggestions(db, folded, kinds={r["id"]: str(r["kind"] or "") for r in entities})
    listed = "; ".join(c.describe() for c in hints)
    raise NotFound(
        f"{where}no actor or instrument is named '{value}', and it is not an id.",
        fix=(f"did you mean {listed}? " if hints else "")
        + "Search names with GET /api/entities?q=... or on the home page.",
    )


def matches(entities: list[dict[str, Any]], folded: str) -> list[Candidate]:
    """The entities (id, name, aliases, kind rows) with a name or alias folding to `folded`."""
    found: dict[str, Candidate] = {}
    for row in entities:
        for name in [row["name"] or "", *(row["aliases"] or [])]:
            if fold(name) == folded:
                found.setdefault(row["id"], _candidate(row, matched=name))
                break
    return sorted(found.values(), key=lambda c: (fold(c.name), c.id))


def suggestions(db: Any, folded: str, *, kinds: dict[str, str]) -> list[Candidate]:
    """Up to five actors or instruments whose names are closest to an unknown one."""
    words = [w for w in WORD.findall(folded) if len(w) >= 3]
    if not words:
        return []
    lucene = " OR ".join(f"{w}~ OR {w}*" for w in words[:8])
    params = {"lucene": lucene, "prefixes": [], "limit": CANDIDATES}
    rows = [r for r in db.rows(text("suggest-ids"), params) if r["id"] in kinds]
    scored = [(_closeness(folded, r), -(r["score"] or 0.0), r["id"], r) for r in rows]
    scored.sort(key=lambda t: t[:3])
    return [
        Candidate(r["id"], kinds.get(r["id"], ""), str(r["name"] or "")[:NAME_CHARS])
        for *_, r in scored[:MAX_SUGGESTIONS]
    ]


def _closeness(folded: str, row: dict[str, Any]) -> float:
    """Minus the best similarity of the folded text to the row's name or an alias."""
    names = [row["name"] or "", *(row["aliases"] or [])]
    return -max(SequenceMatcher(None, folded, fold(str(n))).ratio() for n in names)


def _candidate(row: dict[str, Any], *, matched: str) -> Candidate:
    return Candidate(str(row["id"]), str(row["kind"] or ""), str(row["name"] or ""), matched)

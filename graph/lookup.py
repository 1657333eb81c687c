"""Id resolution: a record's own id, a merged record's former id, or NotFound with suggestions."""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher
from typing import Any

from govgraph.core.cypher import text
from govgraph.core.errors import GovGraphError, NotFound

MAX_SUGGESTIONS = 5
CANDIDATES = 25  # rows each branch of the suggestion query may bring back
WORD = re.compile(r"[a-z0-9]+")
NAME_CHARS = 60


def resolve_id(db: Any, id_: str, *, param: str | None = None) -> str:
    """The id of the record `id_` names: itself, or the kept record when it is a former id."""
    rows = db.rows(text("resolve-id"), {"id": id_})
    row = rows[0] if rows else {"id": None, "kept": []}
    if row["id"] is not None:
        return str(row["id"])
    kept = sorted(row["kept"] or [])
    if len(kept) == 1:
        return str(kept[0])
    where = f"parameter '{param}': " if param else ""
    if kept:  # two records claim it: the data must say which one it became
        raise GovGraphError(
            f"{where}the former id '{id_}' is claimed by {', '.join(kept)}.",
            fix="keep the id in one record's former_ids only (govgraph audit lists such ids).",
        )
    gone = db.rows(text("retracted-record"), {"id": id_})
    if gone:
        at = str(gone[0]["at"])[:10]
        raise NotFound(
            f"{where}the record '{id_}' was retracted on {at}: {gone[0]['why']}",
            fix=f"its history, with every earlier state, is at /api/history/{id_}.",
        )
    hints = suggestions(db, id_)
    listed = "; ".join(f"{s['id']} ({s['name']})" if s["name"] else s["id"] for s in hints)
    fix = f"did you mean {listed}? " if hints else ""
    raise NotFound(
        f"{where}no record has the id '{id_}'.",
        fix=fix + "Search names with GET /api/entities?q=... or on the home page.",
    )


def _fold(value: str) -> str:
    """Lower case without accents."""
    decomposed = unicodedata.normalize("NFKD", value.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _prefixes(id_: str) -> list[str]:
    """Shorter and shorter starts of the id, each an index seek on the id constraint."""
    kind, _, slug = id_.partition(":")
    cuts = {len(slug) - 1, len(slug) * 2 // 3, len(slug) // 2, 3, 1}
    return sorted({f"{kind}:{slug[:n]}" for n in cuts if 0 < n < len(slug)}, key=len, reverse=True)


def _lucene(id_: str) -> str:
    """Words of the id's slug as a full-text query: each fuzzy or as a prefix."""
    words = [w for w in WORD.findall(id_.partition(":")[2]) if len(w) >= 3 and not w.isdigit()]
    return " OR ".join(f"{w}~ OR {w}*" for w in words[:8])


def _closeness(id_: str, row: dict[str, Any]) -> float:
    """How close a candidate is: the better of id-to-id and slug-to-name similarity."""
    slug = " ".join(WORD.findall(id_.partition(":")[2]))
    by_id = SequenceMatcher(None, id_, row["id"]).ratio()
    names = [row["name"] or "", *(row["aliases"] or [])]
    by_name = max(SequenceMatcher(None, slug, _fold(n)).ratio() for n in names)
    return max(by_id, by_name)


def suggestions(db: Any, id_: str) -> list[dict[str, str]]:
    """Up to five existing ids closest to an unknown one, with their names (one query)."""
    params = {"lucene": _lucene(id_), "prefixes": _prefixes(id_), "limit": CANDIDATES}
    rows = db.rows(text("suggest-ids"), params)
    wants_source = id_.startswith("src:")
    rows = [r for r in rows if r["id"] and r["id"].startswith("src:") == wants_source]
    rows.sort(key=lambda r: (-_closeness(id_, r), -(r["score"] or 0.0), r["id"]))
    return [
        {"id": r["id"], "name": str(r["name"] or "")[:NAME_CHARS]} for r in rows[:MAX_SUGGESTIONS]
    ]

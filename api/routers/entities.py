"""Actors and instruments: search and look up."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.concurrency import run_in_threadpool

from govgraph import queries
from govgraph.api.deps import CacheDep, DbDep, get_db
from govgraph.api.graph_network import HIDDEN_LABELS
from govgraph.api.models import EntitiesPublic, EntityDetailPublic, EntityPublic
from govgraph.api.recorded import AsRecordedParam
from govgraph.core.cypher import text
from govgraph.core.errors import BadParameter, NotFound
from govgraph.core.ids import check_id
from govgraph.graph.lookup import resolve_id
from govgraph.graph.schema import load_schema

router = APIRouter(prefix="/api/entities", tags=["entities"])
LUCENE_SPECIAL = re.compile(r'([+\-&|!(){}\[\]^"~*?:\\/])')

# The index's analyzer drops these English stop words, so they must not be required.
STOP_WORDS = set(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "for",
        "if",
        "in",
        "into",
        "is",
        "it",
        "no",
        "not",
        "of",
        "on",
        "or",
        "such",
        "that",
        "the",
        "their",
        "then",
        "there",
        "these",
        "they",
        "this",
        "to",
        "was",
        "will",
        "with",
    ]
)


def fold(text: str) -> str:
    """Lower-case and strip accents, as the index's standard-folding analyzer does."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def lucene(text: str) -> str:
    """Escape free text for the full-text index; every word must match (prefixes allowed)."""
    words = [w for w in fold(text).split() if w not in STOP_WORDS]
    escaped = [LUCENE_SPECIAL.sub(r"\\\1", w) for w in words]
    return " AND ".join(f"({w} OR {w}*)" for w in escaped if w.strip("\\"))


def entity_public(row: dict[str, Any]) -> EntityPublic:
    """One search or list row as the API shows it."""
    return EntityPublic(
        id=row["id"],
        name=row["name"],
        kind=row["kind"],
        labels=[lab for lab in row["labels"] if lab not in HIDDEN_LABELS],
        aliases=row["aliases"] or [],
        summary=row["summary"],
        score=row["score"],
        api_url=f"/api/entities/{row['id']}",
        page_url=f"/entity/{row['id']}",
    )


def search_entities(
    db: DbDep, q: str | None, kind: str | None, limit: int, offset: int
) -> EntitiesPublic:
    """Search names and aliases (case- and accent-insensitive), or list by kind."""
    kinds = load_schema().entity_kinds
    if kind is not None and kind not in kinds:
        raise BadParameter(
            "kind", f"'{kind[:50]}' is not a kind; use one of {', '.join(sorted(kinds))}"
        )
    params = {"kind": kind, "limit": limit + 1, "offset": offset}
    words = lucene(q) if q else ""
    if words:
        rows = db.rows(text("entity-search"), {**params, "lucene": words})
    else:
        rows = db.rows(text("entity-list"), params)
    more = len(rows) > limit
    data = [entity_public(r) for r in rows[:limit]]
    return EntitiesPublic(data=data, count=len(data), next_offset=offset + limit if more else None)


@router.get("", response_model=EntitiesPublic)
async def list_entities(
    request: Request,
    cache: CacheDep,
    q: str | None = Query(None, max_length=200, description="Words of a name or alias."),
    kind: str | None = Query(None, max_length=50, description="An actor or instrument kind."),
    limit: int = Query(50, ge=1, le=500),
    offset: int = Query(0, ge=0, le=100_000),
    as_recorded: AsRecordedParam = None,
) -> EntitiesPublic:
    """Search actors and instruments by name or alias, or list them by kind."""
    key = ("entities", q, kind, limit, offset)
    hit = cache.peek(key)  # fresh answers come straight from the event loop
    if hit is None:

        def miss() -> tuple[Any, str | None]:
            db = get_db(request)
            return cache.get_or_compute(
                db, key, lambda: search_entities(db, q, kind, limit, offset)
            )

        hit = await run_in_threadpool(miss)
    return hit[0]


class EntityAnswerPublic(EntityDetailPublic):
    """An entity's detail; `redirected_from` is the merged id asked for, when it was one."""

    redirected_from: str | None = None


@router.get("/{entity_id}", response_model=EntityAnswerPublic)
def get_entity(
    entity_id: str, db: DbDep, response: Response, as_recorded: AsRecordedParam = None
) -> EntityAnswerPublic:
    """One actor or instrument with its relationships, recent events and sources."""
    check_id(entity_id, "entity_id")
    # A merged record's former id answers 200 with the kept record (no redirect to follow,
    # so every JSON client keeps working); Content-Location names the kept record's URL.
    kept = resolve_id(db, entity_id, param="entity_id")
    _, _, rows = queries.run(db, "actor-profile", {"id": kept})
    if not rows:
        raise NotFound(
            f"No actor or instrument with id '{entity_id}'.",
            fix="search with GET /api/entities?q=... to find its id.",
        )
    if kept != entity_id:
        response.headers["Content-Location"] = f"/api/entities/{kept}"
    return EntityAnswerPublic(**rows[0], redirected_from=entity_id if kept != entity_id else None)

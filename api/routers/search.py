"""Search everything: entity names and aliases, event summaries and source titles, by kind."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query
from pydantic import BaseModel

from govgraph.api.deps import DbDep
from govgraph.api.models import EntityPublic
from govgraph.api.routers.coverage import coverage
from govgraph.api.routers.entities import lucene, search_entities
from govgraph.core.cypher import text
from govgraph.core.values import to_json

router = APIRouter(prefix="/api/search", tags=["search"])


def event_url(event_id: str) -> str:
    """The page of one event."""
    return f"/event/{event_id}"


class EventHitPublic(BaseModel):
    """An event whose summary matches."""

    id: str
    type: str
    date: str | None = None
    date_precision: str | None = None
    summary: str
    reviewed: bool = True
    score: float
    page_url: str


class CitingEventPublic(BaseModel):
    """An event a source is cited for."""

    id: str
    summary: str
    page_url: str


class SourceHitPublic(BaseModel):
    """A source whose title matches, with the events it is cited for."""

    id: str
    title: str
    publisher: str | None = None
    published: str | None = None
    url: str | None = None
    score: float
    cited_by: list[CitingEventPublic]


class SearchPublic(BaseModel):
    """Matches grouped by kind; with none, `covers` says what the graph covers."""

    q: str
    entities: list[EntityPublic]
    events: list[EventHitPublic]
    sources: list[SourceHitPublic]
    count: int
    covers: str | None = None
    coverage_url: str = "/coverage"


def search_all(db: Any, q: str, limit: int) -> SearchPublic:
    """Entities, events and sources matching every word of q (prefixes allowed)."""
    words = lucene(q)  # empty when q holds only stop words: then nothing matches
    entities: list[EntityPublic] = []
    events: list[EventHitPublic] = []
    sources: list[SourceHitPublic] = []
    if words:
        entities = search_entities(db, q, None, limit, 0).data
        params = {"lucene": words, "limit": limit}
        for row in to_json(db.rows(text("search-events"), params)):
            events.append(EventHitPublic(**row, page_url=event_url(row["id"])))
        for row in to_json(db.rows(text("search-sources"), params)):
            cited = [CitingEventPublic(**e, page_url=event_url(e["id"])) for e in row["cited_by"]]
            sources.append(SourceHitPublic(**{**row, "cited_by": cited}))
    count = len(entities) + len(events) + len(sources)
    covers = coverage(db).summary if count == 0 else None
    return SearchPublic(
        q=q, entities=entities, events=events, sources=sources, count=count, covers=covers
    )


@router.get("", response_model=SearchPublic)
def search(
    db: DbDep,
    q: str = Query(..., min_length=1, max_length=200, description="Words to look for."),
    limit: int = Query(10, ge=1, le=100, description="Most matches of each kind."),
) -> SearchPublic:
    """Search names and aliases, event summaries and source titles; results grouped by kind."""
    return search_all(db, q, limit)

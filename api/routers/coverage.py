"""What the graph covers: periods, counts, kinds, jurisdictions, curated and imported records."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel

from govgraph.api.deps import DbDep
from govgraph.api.web import PageRoute, render
from govgraph.core.cypher import text
from govgraph.core.values import to_json
from govgraph.graph.schema import load_schema

router = APIRouter(prefix="/api/coverage", tags=["coverage"])
page_router = APIRouter(route_class=PageRoute, include_in_schema=False)


class YearCount(BaseModel):
    """Events whose earliest possible day falls in one year."""

    year: int
    events: int


class TypeCount(BaseModel):
    """Records of one type: curated, imported and not yet reviewed."""

    type: str
    records: int
    curated: int
    imported: int
    unreviewed: int


class KindCount(BaseModel):
    """Actors or instruments of one kind."""

    type: str
    kind: str | None
    records: int


class JurisdictionCount(BaseModel):
    """A country or jurisdiction and how many actors and instruments belong to it."""

    id: str
    name: str
    kind: str | None
    records: int


class OriginCount(BaseModel):
    """Records an importer brought in, by source."""

    origin: str
    records: int


class CoveragePublic(BaseModel):
    """What the graph holds, so that an empty answer can be read as 'not in the graph'."""

    earliest: str | None
    latest: str | None
    events: int
    undated_events: int
    events_per_year: list[YearCount]
    counts: list[TypeCount]
    kinds: list[KindCount]
    jurisdictions: list[JurisdictionCount]
    imports: list[OriginCount]
    summary: str
    page_url: str = "/coverage"


def covering(c: CoveragePublic) -> str:
    """One line on what the graph covers, for pages that show an empty answer."""
    entities = sum(k.records for k in c.kinds)
    period = f"from {c.earliest} to {c.latest}" if c.earliest else "with no dated events"
    places = len([j for j in c.jurisdictions if j.records])
    return (
        f"{c.events} events {period}, {entities} actors and instruments of "
        f"{len(c.kinds)} kinds, in {places} jurisdictions"
    )


def coverage(db: Any) -> CoveragePublic:
    """Read the coverage figures from the graph in one query."""
    types = [rt.labels[0] for rt in load_schema().types.values()]
    row = to_json(db.rows(text("coverage"), {"types": types})[0])
    result = CoveragePublic(
        earliest=row["earliest"],
        latest=row["latest"],
        events=row["events"],
        undated_events=row["undated"],
        events_per_year=row["per_year"],
        counts=row["counts"],
        kinds=row["kinds"],
        jurisdictions=row["jurisdictions"],
        imports=row["origins"],
        summary="",
    )
    result.summary = covering(result)
    return result


@router.get("", response_model=CoveragePublic)
def get_coverage(db: DbDep) -> CoveragePublic:
    """What the graph covers: event period and years, counts, kinds, jurisdictions, imports."""
    return coverage(db)


@page_router.get("/coverage", response_class=HTMLResponse)
def coverage_page(request: Request, db: DbDep) -> Response:
    """The coverage figures as a page."""
    c = coverage(db)
    top = max((y.events for y in c.events_per_year), default=0)
    return render(request, "coverage.html", c=c, top=top, api_url="/api/coverage")

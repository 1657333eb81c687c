"""Response and request models of the API."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class SourcePublic(BaseModel):
    """A source as cited in answers."""

    id: str
    publisher: str | None = None
    title: str | None = None
    url: str | None = None
    published: str | None = None


class EntityPublic(BaseModel):
    """An actor or instrument in search results."""

    id: str
    name: str
    kind: str
    labels: list[str]
    aliases: list[str] = []
    summary: str | None = None
    score: float | None = None
    api_url: str
    page_url: str


class EntitiesPublic(BaseModel):
    """A page of entities."""

    data: list[EntityPublic]
    count: int
    next_offset: int | None = None


class EntityDetailPublic(BaseModel):
    """One actor or instrument with relationships, recent events and sources."""

    id: str
    name: str
    kind: str | None = None
    labels: list[str]
    aliases: list[str] | None = None
    summary: str | None = None
    title: str | None = None
    status: str | None = None
    reviewed: bool = True
    relationships: list[dict[str, Any]]
    recent_events: list[dict[str, Any]]
    sources: list[SourcePublic]
    external_ids: list[dict[str, Any]] = []
    disagreements: list[dict[str, Any]] = []


class EventPublic(BaseModel):
    """A dated, sourced event."""

    event_id: str
    type: str
    date: str
    date_precision: str
    earliest: str | None = None
    latest: str | None = None
    summary: str
    status: str
    reviewed: bool = True
    participants: list[dict[str, Any]]
    concerns: list[dict[str, Any]]
    sources: list[SourcePublic]


class EventsPublic(BaseModel):
    """A page of events in date order."""

    data: list[EventPublic]
    count: int
    next_offset: int | None = None


class ParamPublic(BaseModel):
    """A declared parameter of a named query."""

    name: str
    type: str
    default: Any = None
    required: bool


class QueryPublic(BaseModel):
    """A named query's metadata."""

    name: str
    title: str
    description: str
    params: list[ParamPublic]
    example: dict[str, str]
    api_url: str
    cypher: str


class QueriesPublic(BaseModel):
    """All named queries."""

    data: list[QueryPublic]
    count: int


class QueryResultPublic(BaseModel):
    """Rows of a named query with the parameters it ran with."""

    query: str
    params: dict[str, Any]
    data: list[dict[str, Any]]
    count: int


class CypherRequest(BaseModel):
    """A read-only Cypher query with parameters."""

    query: str = Field(..., max_length=2_000_000, description="Cypher; reads only.")
    params: dict[str, Any] = Field(default_factory=dict, description="Values for $parameters.")


class CypherResultPublic(BaseModel):
    """Rows of a user query; truncated says the row cap cut them off."""

    columns: list[str]
    data: list[dict[str, Any]]
    count: int
    truncated: bool
    row_cap: int


class ErrorBody(BaseModel):
    """What went wrong, and how to fix it."""

    code: str
    message: str
    fix: str | None = None
    param: str | None = None
    neo4j_code: str | None = None


class ErrorPublic(BaseModel):
    """The one error shape of every endpoint."""

    error: ErrorBody

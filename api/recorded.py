"""`?as_recorded=DATE` on any request: reads answer from the graph as it was recorded then.

The middleware parses the value once (a 422 for garbage) and marks the request; the first read
through `get_db` opens the view (one transaction, rolled back when the response is done); the
answer cache keys on the moment, so a past answer is never served for today's, or back.
"""

from __future__ import annotations

import threading
from contextlib import AbstractContextManager
from contextvars import ContextVar
from datetime import datetime
from typing import Annotated, Any
from urllib.parse import parse_qsl

from fastapi import Query
from fastapi.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Receive, Scope, Send

from govgraph.api.errors import response_for
from govgraph.core.errors import BadParameter, GovGraphError
from govgraph.graph.db import Database
from govgraph.ingest.recorded import Reader, parse_moment, view

PARAM = "as_recorded"
DESCRIPTION = (
    "Answer from the graph as it was recorded at the end of this day (YYYY-MM-DD, UTC) or at "
    "this ISO 8601 time: what govgraph knew then, not when things happened (that is as_of)."
)
PATTERN = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}"
    r"(T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?(Z|[+-][0-9]{2}:[0-9]{2})?)?$"
)
AS_RECORDED: ContextVar[datetime | None] = ContextVar("as_recorded", default=None)


def as_recorded_query() -> Any:
    """The documented `as_recorded` query parameter (the middleware does the work)."""
    return Query(description=DESCRIPTION, max_length=40, pattern=PATTERN)


AsRecordedParam = Annotated[str | None, as_recorded_query()]


class ViewHolder:
    """One request's view, opened on first use and closed when the response is done."""

    def __init__(self, moment: datetime) -> None:
        self.moment = moment
        self._lock = threading.Lock()
        self._cm: AbstractContextManager[Reader] | None = None
        self._reader: Reader | None = None

    def reader(self, db: Database, max_changes: int) -> Reader:
        """The view, opened on the first call."""
        with self._lock:
            if self._reader is None:
                cm = view(db, self.moment, max_changes=max_changes)
                self._reader = cm.__enter__()
                self._cm = cm
            return self._reader

    def close(self) -> None:
        """Roll the view back (nothing of it was ever committed)."""
        with self._lock:
            if self._cm is not None:
                cm, self._cm, self._reader = self._cm, None, None
                cm.__exit__(None, None, None)


def moment_key() -> tuple[Any, ...]:
    """What the cache adds to its keys: the moment asked for, if any."""
    moment = AS_RECORDED.get()
    return (PARAM, moment.isoformat()) if moment else ()


class AsRecorded:
    """ASGI middleware that reads `as_recorded` and keeps the request's view."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        query = scope.get("query_string", b"").decode("latin-1")
        values = [v for k, v in parse_qsl(query, keep_blank_values=True) if k == PARAM]
        if not values or values == [""]:
            await self.app(scope, receive, send)
            return
        try:
            if scope.get("method") not in ("GET", "HEAD"):
                raise BadParameter(PARAM, "is for reads (GET); drop it to change the live graph")
            if len(values) > 1:
                raise BadParameter(PARAM, "was given more than once")
            moment = parse_moment(values[0])
        except GovGraphError as exc:
            await response_for(exc)(scope, receive, send)
            return
        holder = ViewHolder(moment)
        scope.setdefault("state", {})["recorded"] = holder
        token = AS_RECORDED.set(moment)
        try:
            await self.app(scope, receive, send)
        finally:
            AS_RECORDED.reset(token)
            await run_in_threadpool(holder.close)

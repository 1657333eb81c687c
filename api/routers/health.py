"""For monitors: /healthz (the process answers) and /readyz (Neo4j answers, data loaded)."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from fastapi import APIRouter, FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from govgraph import __version__
from govgraph.api.deps import db_for
from govgraph.api.errors import response_for
from govgraph.api.models import ErrorPublic
from govgraph.core.errors import GovGraphError, Unavailable
from govgraph.graph.revision import WRITING, read_revision

router = APIRouter(tags=["health"])
CHECK_EVERY_SECONDS = 1.0  # /readyz asks Neo4j at most this often; callers between share it


@dataclass
class Readiness:
    """The last readiness check: the revision, or the error that made it not ready."""

    checked: float = float("-inf")
    # (revision, error), replaced as one so a reader never sees half of a check
    result: tuple[str | None, GovGraphError | None] = (
        None,
        Unavailable("Readiness is not checked yet.", fix="retry shortly."),
    )
    lock: threading.Lock = field(default_factory=threading.Lock)

    def check(self, app: FastAPI) -> None:
        """Ask Neo4j for the graph's revision, unless someone did so just now."""
        if time.monotonic() - self.checked < CHECK_EVERY_SECONDS:
            return
        if not self.lock.acquire(blocking=False):  # a check is running: share its answer
            return
        try:
            revision = read_revision(db_for(app))
            if revision is None:
                self.result = None, Unavailable("No data is loaded yet.", fix="load the data.")
            elif revision.startswith(WRITING):
                self.result = None, Unavailable("An ingest is writing.", fix="retry shortly.")
            else:
                self.result = revision, None
        except GovGraphError as exc:
            self.result = None, exc
        finally:
            self.checked = time.monotonic()
            self.lock.release()


def readiness(app: FastAPI) -> Readiness:
    """The app's readiness record (made on first use)."""
    if getattr(app.state, "readiness", None) is None:
        app.state.readiness = Readiness()
    return app.state.readiness


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """200 while the process serves requests; asks nothing of the database."""
    return {"status": "ok", "version": __version__}


@router.get("/readyz", responses={503: {"model": ErrorPublic}})
async def readyz(request: Request) -> Response:
    """200 with the graph's revision when Neo4j answers and data is loaded, else 503."""
    state = readiness(request.app)
    await run_in_threadpool(state.check, request.app)
    revision, error = state.result
    if error is not None:
        return response_for(error)
    return JSONResponse({"status": "ready", "revision": revision})

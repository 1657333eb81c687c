"""A journalist's own read-only Cypher."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from govgraph.api.deps import SettingsDep, bulkhead_for, db_for
from govgraph.api.models import CypherRequest, CypherResultPublic, ErrorPublic
from govgraph.graph.readonly import run_readonly_async

router = APIRouter(prefix="/api/cypher", tags=["cypher"])


@router.post(
    "",
    response_model=CypherResultPublic,
    responses={
        400: {"model": ErrorPublic},
        408: {"model": ErrorPublic},
        503: {"model": ErrorPublic, "description": "Busy: retry after Retry-After seconds."},
    },
)
async def run_cypher(body: CypherRequest, request: Request, settings: SettingsDep) -> Response:
    """Run a read-only query in a READ transaction with a time limit, a row cap and a byte cap.

    At most a few user queries run at once; past that the answer is 503 with Retry-After.
    """
    result = await run_readonly_async(
        lambda: db_for(request.app),
        body.query,
        body.params,
        timeout=settings.cypher_timeout,
        row_cap=settings.cypher_row_cap,
        max_chars=settings.cypher_max_chars,
        bulkhead=bulkhead_for(request.app),
    )
    return Response(result.json_body(), media_type="application/json")

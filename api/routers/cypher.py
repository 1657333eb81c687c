"""A journalist's own read-only Cypher."""

from __future__ import annotations

from fastapi import APIRouter

from govgraph.api.deps import DbDep, SettingsDep
from govgraph.api.models import CypherRequest, CypherResultPublic, ErrorPublic
from govgraph.graph.readonly import run_readonly

router = APIRouter(prefix="/api/cypher", tags=["cypher"])


@router.post(
    "",
    response_model=CypherResultPublic,
    responses={400: {"model": ErrorPublic}, 408: {"model": ErrorPublic}},
)
def run_cypher(body: CypherRequest, db: DbDep, settings: SettingsDep) -> CypherResultPublic:
    """Run a read-only query in a READ transaction with a time limit and a row cap."""
    result = run_readonly(
        db,
        body.query,
        body.params,
        timeout=settings.cypher_timeout,
        row_cap=settings.cypher_row_cap,
        max_chars=settings.cypher_max_chars,
    )
    return CypherResultPublic(
        columns=result.columns,
        data=result.rows,
        count=len(result.rows),
        truncated=result.truncated,
        row_cap=result.row_cap,
    )

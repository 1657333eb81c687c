"""GET /api/export/{format}: the whole graph as GraphML, GEXF or FollowTheMoney, as a download."""

from __future__ import annotations

from enum import StrEnum

from fastapi import APIRouter, Query
from fastapi.responses import Response

from govgraph.api.deps import CacheDep, DbDep
from govgraph.ingest import exchange

router = APIRouter(tags=["export"])


class ExportFormat(StrEnum):
    """The formats investigators' tools read."""

    graphml = "graphml"
    gexf = "gexf"
    ftm = "ftm"


CONTENT = {
    spec.media_type: {"schema": {"type": "string", "format": "binary"}}
    for spec in exchange.FORMATS.values()
}


@router.get(
    "/api/export/{format}",
    response_class=Response,
    responses={200: {"description": "The file, as an attachment.", "content": CONTENT}},
)
def download(
    format: ExportFormat,
    db: DbDep,
    cache: CacheDep,
    reviewed_only: bool = Query(False, description="Leave out imported facts not yet reviewed."),
) -> Response:
    """The whole graph as GraphML or GEXF (Gephi, networkx) or FollowTheMoney lines (Aleph)."""
    fmt = format.value

    def compute() -> tuple[bytes, str, str]:  # plain parts, so the cache counts the bytes once
        done = exchange.render(db, fmt, reviewed_only)
        return done.content, done.media_type, done.filename

    (content, media_type, name), _ = cache.get_or_compute(
        db, ("export", fmt, reviewed_only), compute
    )
    return Response(
        content,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )

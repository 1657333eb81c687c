"""CSV downloads: rows as a spreadsheet-ready attachment."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi.responses import Response

from govgraph.core.csvtext import to_csv


def csv_response(rows: Sequence[dict[str, Any]], filename: str) -> Response:
    """The rows as a CSV attachment named FILENAME.csv."""
    return Response(
        to_csv(rows),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}.csv"'},
    )

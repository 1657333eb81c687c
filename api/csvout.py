"""CSV downloads: a column per source field, a name saying what the file holds, a BOM on request."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi.responses import Response

from govgraph.core.csvtext import to_csv
from govgraph.core.errors import BadParameter
from govgraph.core.ids import is_id

SOURCE_FIELDS = ("publisher", "title", "url", "published")
ENCODINGS = ("utf-8", "excel")
# Parameters that change how an answer is delivered, not what it holds: left out of file names.
DELIVERY = {"format", "encoding", "limit", "offset"}
MAX_NAME = 150
UNSAFE = re.compile(r"[^a-z0-9.]+")


def flatten_sources(
    rows: Sequence[dict[str, Any]],
) -> tuple[list[dict[str, Any]], list[str]]:
    """Rows with `sources` spread over source_N_publisher/title/url/published; and the columns."""
    if not rows:
        return [], []
    most = max(len(r.get("sources") or []) for r in rows)
    columns: list[str] = []
    for key in rows[0]:
        if key == "sources":
            columns += [f"source_{i}_{f}" for i in range(1, most + 1) for f in SOURCE_FIELDS]
        else:
            columns.append(key)
    flat = []
    for row in rows:
        out = {k: v for k, v in row.items() if k != "sources"}
        for i, src in enumerate(row.get("sources") or [], start=1):
            for f in SOURCE_FIELDS:
                out[f"source_{i}_{f}"] = (src or {}).get(f)
        flat.append(out)
    return flat, columns


def _slug(text: str) -> str:
    return UNSAFE.sub("-", text.lower()).strip("-.")


def filename(name: str, params: Mapping[str, Any] | None = None) -> str:
    """What the file holds: parties-to_program-caisi-frontier-review_as-of-2026-08-01.csv."""
    parts = [_slug(name) or "answer"]
    for key, value in (params or {}).items():
        if key in DELIVERY or value in (None, ""):
            continue
        text = str(value)
        # an id names itself (program:x); other values need their parameter's name
        part = _slug(text) if is_id(text) else f"{_slug(key)}-{_slug(text)}"
        if part:
            parts.append(part)
    return "_".join(parts)[:MAX_NAME].rstrip("-_.") + ".csv"


def csv_text(rows: Sequence[dict[str, Any]], encoding: str | None = None) -> str:
    """The rows as CSV text; encoding=excel starts it with a UTF-8 byte-order mark."""
    if encoding not in (None, "", *ENCODINGS):
        raise BadParameter(
            "encoding", f"'{str(encoding)[:40]}' is not an encoding; use utf-8 or excel"
        )
    flat, columns = flatten_sources(rows)
    body = to_csv(flat, columns)
    return "\ufeff" + body if encoding == "excel" else body


def csv_response(
    rows: Sequence[dict[str, Any]],
    name: str,
    params: Mapping[str, Any] | None = None,
    encoding: str | None = None,
) -> Response:
    """The rows as a CSV attachment named after the answer and the parameters that shaped it."""
    return Response(
        csv_text(rows, encoding),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename(name, params)}"'},
    )

"""Exports for investigators' tools: GraphML and GEXF (Gephi, networkx) and FollowTheMoney (Aleph).

One read of the graph (snapshot.py), written by networkx (networks.py) or by the
`followthemoney` library (ftm.py). The same graph gives the same bytes, from the CLI or the API.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from govgraph.core.errors import BadParameter
from govgraph.graph.db import Database
from govgraph.ingest.exchange.snapshot import Snapshot, read_snapshot
from govgraph.ingest.export import FORMATS as DATASET_FORMATS

__all__ = ["FORMATS", "Download", "check_format", "render", "write"]


@dataclass(frozen=True)
class Format:
    """How one format is written, served and named."""

    writer: Callable[[Snapshot], bytes]
    media_type: str
    extension: str


# The writers import networkx and followthemoney only when used: checking a format stays quick.
def _graphml(snap: Snapshot) -> bytes:
    from govgraph.ingest.exchange.networks import graphml

    return graphml(snap)


def _gexf(snap: Snapshot) -> bytes:
    from govgraph.ingest.exchange.networks import gexf

    return gexf(snap)


def _ftm(snap: Snapshot) -> bytes:
    from govgraph.ingest.exchange.ftm import ftm_lines

    return ftm_lines(snap)


FORMATS: dict[str, Format] = {
    "graphml": Format(_graphml, "application/graphml+xml", "graphml"),
    "gexf": Format(_gexf, "application/gexf+xml", "gexf"),
    "ftm": Format(_ftm, "application/x-ndjson", "ftm.json"),
}


@dataclass(frozen=True)
class Download:
    """An export's bytes, with what a download needs and what the CLI reports."""

    content: bytes
    media_type: str
    filename: str
    records: int
    relationships: int


def check_format(fmt: str, param: str = "format", *, reviewed_only: bool = False) -> str:
    """The format itself, or BadParameter listing every export format (the dataset's too).

    reviewed_only applies to FORMATS only: dataset files always hold every record.
    """
    if fmt not in FORMATS and fmt not in DATASET_FORMATS:
        every = ", ".join([*DATASET_FORMATS, *FORMATS])
        raise BadParameter(param, f"'{fmt}' is not one of {every}")
    if reviewed_only and fmt not in FORMATS:
        raise BadParameter("--reviewed-only", f"applies to {', '.join(FORMATS)} only, not to {fmt}")
    return fmt


def filename(fmt: str, reviewed_only: bool = False) -> str:
    """govgraph.graphml, or govgraph-reviewed-only.graphml when imported facts are left out."""
    stem = "govgraph-reviewed-only" if reviewed_only else "govgraph"
    return f"{stem}.{FORMATS[fmt].extension}"


def render(db: Database, fmt: str, reviewed_only: bool = False) -> Download:
    """The whole graph (reviewed facts only, if asked) in one of FORMATS."""
    if fmt not in FORMATS:
        raise BadParameter("format", f"'{fmt}' is not one of {', '.join(FORMATS)}")
    snap = read_snapshot(db, reviewed_only)
    spec = FORMATS[fmt]
    return Download(
        content=spec.writer(snap),
        media_type=spec.media_type,
        filename=filename(fmt, reviewed_only),
        records=len(snap.nodes),
        relationships=len(snap.edges),
    )


def write(
    db: Database, out_dir: Path, fmt: str, reviewed_only: bool = False
) -> tuple[Download, Path]:
    """render() into a file in out_dir (created if needed); what was written, and where."""
    download = render(db, fmt, reviewed_only)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / download.filename
    path.write_bytes(download.content)
    return download, path

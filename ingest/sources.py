"""`govgraph import SOURCE`: read a payload from a path or fetch it live, then import it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from govgraph.core.errors import GovGraphError
from govgraph.core.settings import Settings
from govgraph.graph.db import Database
from govgraph.ingest import agora, federal_register, wikidata
from govgraph.ingest.batch import ImportBatch
from govgraph.ingest.cursor import CursorStore
from govgraph.ingest.fetch import Fetcher, fetch_entities, fetch_pages
from govgraph.ingest.importing import ImportReport, run_import

SOURCES = {
    "federal-register": "Federal Register executive orders (API JSON pages)",
    "agora": "AGORA release (documents.csv, authorities.csv, collections.csv; folder or zip)",
    "wikidata": "Wikidata entity JSON (Special:EntityData) for actors we have",
}
Progress = Callable[[int, int | None], None]


@dataclass
class ImportRequest:
    """What the user asked `govgraph import` for."""

    source: str
    path: Path | None = None
    live: bool = False
    since: date | None = None
    dry_run: bool = False
    all_orders: bool = False
    terms: Sequence[str] = ()
    create: bool | None = None  # None: the source's default (Wikidata adds to existing only)
    qids: dict[str, str] = field(default_factory=dict)  # Wikidata: QID -> our actor id
    retrieved: date | None = None
    today: date | None = None


def _check(req: ImportRequest) -> None:
    if req.source not in SOURCES:
        raise GovGraphError(
            f"No importer named '{req.source[:60]}'.", fix=f"use one of: {', '.join(SOURCES)}."
        )
    if req.live == (req.path is not None):
        raise GovGraphError(
            "Give either a PATH to read or --live to fetch, not both or neither.",
            fix=f"e.g. `govgraph import {req.source} ./downloads/` or "
            f"`govgraph import {req.source} --live`.",
        )
    if req.path is not None and not req.path.exists():
        raise GovGraphError(f"{req.path}: no such file or folder.", fix="check the path.")
    if req.source == "agora" and req.live:
        raise GovGraphError(
            "AGORA publishes releases as a zip on Zenodo, not through an API.",
            fix="download the release zip (DOI 10.5281/zenodo.13883066) and give its path.",
        )
    if req.source == "wikidata" and req.live and not req.qids:
        raise GovGraphError(
            "A live Wikidata import needs the items to fetch.",
            fix="name them with --qid Q42=org:example (QID = our actor id), once per item.",
        )


def read_batch(
    db: Database, settings: Settings, req: ImportRequest, progress: Progress | None = None
) -> ImportBatch:
    """The source's payload, from disk or fetched live (pages kept for a resumed run), parsed."""
    _check(req)
    today = req.today or date.today()
    retrieved = req.retrieved or today
    cache = settings.state_dir / "imports" / req.source
    if req.source == "federal-register":
        terms = tuple(req.terms) or federal_register.DEFAULT_TERMS
        if req.live:
            url = federal_register.search_url(
                settings.federal_register_url,
                terms=terms,
                since=req.since,
                all_orders=req.all_orders,
            )
            cursor = CursorStore(db)
            cursor.ensure()
            with Fetcher.from_settings(settings) as fetcher:
                pages = fetch_pages(
                    fetcher,
                    url,
                    source=req.source,
                    cache_dir=cache,
                    cursor=cursor,
                    progress=progress,
                )
        else:
            assert req.path is not None
            pages = federal_register.read_pages(req.path)
        return federal_register.parse(
            pages,
            today=today,
            retrieved=retrieved,
            terms=terms,
            all_orders=req.all_orders,
            since=req.since,
        )
    if req.source == "agora":
        assert req.path is not None
        return agora.parse(agora.read_release(req.path), today=today, retrieved=retrieved)
    if req.live:
        with Fetcher.from_settings(settings) as fetcher:
            docs = fetch_entities(fetcher, settings.wikidata_url, sorted(req.qids), cache)
    else:
        assert req.path is not None
        docs = wikidata.read_entities(req.path)
    return wikidata.parse(docs, today=today, retrieved=retrieved, wanted=req.qids or None)


def import_source(
    db: Database,
    settings: Settings,
    req: ImportRequest,
    *,
    progress: Callable[[int], None] | None = None,
    on_total: Callable[[int], None] | None = None,
    fetch_progress: Progress | None = None,
) -> ImportReport:
    """Read or fetch, validate, match and write one source's payload."""
    batch = read_batch(db, settings, req, fetch_progress)
    create = req.create if req.create is not None else req.source != "wikidata"
    return run_import(
        db,
        batch,
        today=req.today,
        dry_run=req.dry_run,
        create=create,
        batch_size=settings.batch_size,
        progress=progress,
        on_total=on_total,
    )

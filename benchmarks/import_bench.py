"""Import benchmark: the AGORA release and 1,000 executive orders, and the matching's precision.

Run by hand; it prints figures and WIPES the graph of the server it uses:

    GOVGRAPH_INSTANCE=bench .venv/bin/python -m benchmarks.import_bench

It needs the recorded payloads in ../shared/datasets (or --datasets DIR). Each import runs into a
graph holding the curated data, as a user's would; the times are wall-clock seconds in one run,
so compare them with each other (and with the curated ingest printed first), not across machines.
Precision: every AGORA and Federal Register item the matcher put on a curated record is checked
against benchmarks/match_gold.yaml, a hand-checked list of which curated record each external id
is (an id missing from the list counts as unchecked, and is printed).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import yaml

from benchmarks.ingest_bench import wipe
from govgraph import PROJECT_ROOT
from govgraph.core.settings import get_settings
from govgraph.graph import server
from govgraph.graph.db import Database
from govgraph.ingest.importing import ImportReport
from govgraph.ingest.sources import ImportRequest, import_source
from govgraph.ingest.validate import load_dataset
from govgraph.ingest.writer import ingest

GOLD = Path(__file__).with_name("match_gold.yaml")
PRESIDENTS = ("william-j-clinton", "george-w-bush", "barack-obama", "donald-trump")


def timed_import(db: Database, req: ImportRequest) -> tuple[float, ImportReport]:
    t0 = time.perf_counter()
    report = import_source(db, get_settings(), req)
    return time.perf_counter() - t0, report


def precision(reports: list[ImportReport], gold: dict[str, str]) -> None:
    """Share of matches onto curated records that the hand-checked list confirms."""
    right = wrong = unchecked = 0
    for report in reports:
        for found in report.matched:
            if found.origin != "curated":
                continue
            key = f"{report.source}:{found.item_id}"
            if key not in gold:
                unchecked += 1
                print(f"  unchecked: {key} -> {found.id} ({found.how})")
            elif gold[key] == found.id:
                right += 1
            else:
                wrong += 1
                print(f"  WRONG: {key} -> {found.id} ({found.how}); gold says {gold[key]}")
    total = right + wrong
    share = right / total if total else 0.0
    print(
        f"matching precision on the curated overlap: {right}/{total} = {share:.3f}"
        f" ({unchecked} unchecked)"
    )


def bench(db: Database, datasets: Path) -> None:
    data = load_dataset([PROJECT_ROOT / "data"])
    wipe(db)
    t0 = time.perf_counter()
    ingest(db, data)
    base = time.perf_counter() - t0
    print(f"curated ingest ({data.count()} records):            {base:7.2f} s")
    agora_s, agora = timed_import(
        db, ImportRequest("agora", path=datasets / "agora", today=date.today())
    )
    docs = sum(c.created + c.updated + c.unchanged for c in agora.ingest.types.values())
    print(
        f"AGORA release (763 documents, {docs} records):  {agora_s:7.2f} s"
        f"  ({agora_s / base:.1f}x the curated ingest)"
    )
    again_s, again = timed_import(
        db, ImportRequest("agora", path=datasets / "agora", today=date.today())
    )
    print(f"AGORA again (changes: {again.changed}):              {again_s:7.2f} s")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name in (*PRESIDENTS, "documents-page-1"):
            (folder / f"{name}.json").symlink_to(datasets / "federal-register" / f"{name}.json")
        fr_s, fr = timed_import(
            db,
            ImportRequest("federal-register", path=folder, all_orders=True, today=date.today()),
        )
    orders = fr.ingest.types["Instrument"]
    print(
        f"Federal Register, every recorded order (~1,000; {orders.created} instruments "
        f"created, stubs included): {fr_s:7.2f} s  ({fr_s / base:.1f}x the curated ingest)"
    )
    gold = yaml.safe_load(GOLD.read_text()) or {}
    precision([agora, fr], gold)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--datasets", type=Path, default=PROJECT_ROOT.parent / "shared" / "datasets"
    )
    parser.add_argument("--allow-wipe", action="store_true")
    args = parser.parse_args(argv)
    settings = get_settings()
    if (settings.external or settings.instance == "main") and not args.allow_wipe:
        print("refusing to wipe; set GOVGRAPH_INSTANCE=bench or pass --allow-wipe", file=sys.stderr)
        return 2
    if not args.datasets.is_dir():
        print(f"no recorded payloads at {args.datasets}", file=sys.stderr)
        return 2
    started = False
    if not settings.external:
        started = not server.start(settings).already_running
    try:
        with Database.connect(settings) as db:
            bench(db, args.datasets)
    finally:
        if started:
            server.stop(settings)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

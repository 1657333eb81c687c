"""Ingest benchmark: batched UNWIND path vs one row per transaction, on synthetic data.

Run by hand; it prints figures and WIPES the graph of the server it uses:

    GOVGRAPH_INSTANCE=bench .venv/bin/python -m benchmarks.ingest_bench --events 10000
    GOVGRAPH_INSTANCE=bench .venv/bin/python -m benchmarks.ingest_bench --events 100000

The server comes from the environment like every govgraph command: NEO4J_URI for an external
one, else the local instance GOVGRAPH_INSTANCE (e.g. `test` or `bench`), which is started
through graph.server.start when it is not running and stopped at the end if it was started
here. The `main` instance and external servers are refused unless --allow-wipe is given.
"""

from __future__ import annotations

import argparse
import resource
import time
from dataclasses import dataclass
from typing import Any

from benchmarks.instance import own_instance
from benchmarks.synthetic import build, raw_records, subset, without_events
from govgraph.core.cypher import text
from govgraph.graph import server
from govgraph.graph.db import Database
from govgraph.graph.models import record_models
from govgraph.graph.schema import load_schema
from govgraph.ingest.rows import ref_rows
from govgraph.ingest.validate import Dataset, Located
from govgraph.ingest.writer import IngestReport, ensure_schema, ingest


@dataclass
class Run:
    """One timed ingest."""

    label: str
    seconds: float
    events: int
    nodes: int
    rels: int

    def line(self) -> str:
        secs = self.seconds
        return (
            f"{self.label:<44} {secs:8.2f} s  {self.events / secs:9.0f} events/s"
            f"  {self.nodes / secs:9.0f} nodes/s  {self.rels / secs:9.0f} rels/s"
            f"  ({self.events} events, {self.nodes} nodes, {self.rels} rels)"
        )


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def wipe(db: Database) -> None:
    """Delete everything in batches (auto-commit transactions, as CALL IN TRANSACTIONS needs)."""
    with db.session() as s:  # relationships first: DETACH of busy nodes can exceed tx memory
        s.run(text("delete-all-relationships")).consume()
        s.run(text("delete-all-nodes")).consume()


def stated_rels(dataset: Dataset) -> int:
    """Relationships the records state (references, sources, roles)."""
    schema = load_schema()
    total = 0
    for name, rt in schema.types.items():
        for loc in dataset.of(name):
            total += sum(1 for _ in ref_rows(rt, loc))
    return total


def written(report: IngestReport) -> int:
    return sum(c.created + c.updated for c in report.types.values())


def timed(
    db: Database, dataset: Dataset, label: str, events: int, rels: int, **kwargs: Any
) -> tuple[Run, IngestReport]:
    start = time.perf_counter()
    report = ingest(db, dataset, **kwargs)
    secs = time.perf_counter() - start
    return Run(label, secs, events, written(report), rels + report.shortcuts), report


def counts(db: Database) -> tuple[int, int]:
    n = db.rows(text("count-nodes"))[0]["n"]
    r = db.rows(text("count-relationships"))[0]["n"]
    return int(n), int(r)


def bench(db: Database, events: int, baseline_events: int, batch_size: int, seed: int) -> None:
    print(
        f"\n== {events} events (2000 actors, 500 instruments, 5000 sources), "
        f"batch_size={batch_size} =="
    )
    t = time.perf_counter()
    raw = raw_records(events, seed=seed)
    t_gen = time.perf_counter() - t
    t = time.perf_counter()
    dataset = build(raw)
    t_val = time.perf_counter() - t
    del raw
    print(
        f"generated in {t_gen:.1f} s; validated through the models in {t_val:.1f} s "
        f"({dataset.count() / t_val:.0f} records/s); "
        f"peak RSS {peak_rss_mib():.0f} MiB"
    )

    # Warm up (JIT, query plans) on a small slice, then start from an empty graph.
    wipe(db)
    ensure_schema(db)
    ingest(db, subset(dataset, 200), batch_size=batch_size)
    wipe(db)
    full, report = timed(
        db,
        dataset,
        "batched ingest, empty graph (everything)",
        events,
        stated_rels(dataset),
        batch_size=batch_size,
    )
    nodes, rels = counts(db)
    print(full.line())
    print(
        f"  graph now holds {nodes} nodes and {rels} relationships "
        f"({report.shortcuts} derived shortcuts); peak RSS {peak_rss_mib():.0f} MiB"
    )

    start = time.perf_counter()
    again = ingest(db, dataset, batch_size=batch_size)
    assert again.changed == 0
    print(f"{'re-run, nothing changed (plan only)':<44} {time.perf_counter() - start:8.2f} s")

    # An update of 1% of the events (date and summary) in the full graph.
    event_model = record_models()["Event"]
    changed = {}
    for loc in dataset.of("Event")[::100]:
        rec = event_model.model_validate(
            {**loc.record.dump(), "date": "2020-01", "summary": "Edited."}
        )
        changed[loc.id] = Located(loc.type, rec, loc.file, loc.line)
    edited = Dataset(files=dataset.files, records=dict(dataset.records))
    edited.records["Event"] = [changed.get(loc.id, loc) for loc in dataset.of("Event")]
    only = Dataset(records={"Event": list(changed.values())})
    upd, _ = timed(
        db,
        edited,
        f"update {len(changed)} events in the full graph",
        len(changed),
        stated_rels(only),
        batch_size=batch_size,
    )
    print(upd.line())

    # Batched vs one row per transaction, same Cypher, on the first baseline_events events.
    part = subset(dataset, baseline_events)
    base_nodes = without_events(dataset)
    first = Dataset(records={"Event": part.of("Event")})
    ev_rels = stated_rels(first)
    runs = []
    for label, size in (("batched", batch_size), ("one row per transaction", 1)):
        wipe(db)
        ingest(db, base_nodes, batch_size=batch_size)  # the actors, sources... untimed
        run, _ = timed(
            db,
            part,
            f"{label}: {baseline_events} events",
            baseline_events,
            ev_rels,
            batch_size=size,
        )
        runs.append(run)
        print(run.line())
    ratio = runs[1].seconds / runs[0].seconds
    print(
        f"batched is {ratio:.1f}x faster than one row per transaction "
        f"({runs[0].rels / runs[0].seconds:.0f} vs {runs[1].rels / runs[1].seconds:.0f} rels/s)"
    )
    print(f"peak RSS of this process: {peak_rss_mib():.0f} MiB")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--events", type=int, action="append", help="events per run (repeatable; default 10000)"
    )
    parser.add_argument("--baseline-events", type=int, default=2000)
    parser.add_argument(
        "--batch-size", type=int, default=None, help="default: GOVGRAPH_BATCH_SIZE (5000)"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--allow-wipe",
        action="store_true",
        help="allow wiping the main instance or an external server",
    )
    args = parser.parse_args(argv)
    with own_instance(args.allow_wipe, "bench") as settings:
        if settings is None:
            return 2
        with Database.connect(settings) as db:
            for events in args.events or [10_000]:
                bench(
                    db,
                    events,
                    min(args.baseline_events, events),
                    args.batch_size or settings.batch_size,
                    args.seed,
                )
            if not settings.external:
                pid = server.status(settings).pid
                if pid:
                    print(f"server RSS now: {server.resident_bytes(pid) / 2**20:.0f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

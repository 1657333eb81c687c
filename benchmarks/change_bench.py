"""Small-change benchmark: a proposal accepted until a named query shows it, vs the ingest path.

Run by hand; it prints figures and WIPES the graph of the server it uses when that graph does
not already hold exactly --events synthetic events (a graph it built before is reused):

    GOVGRAPH_INSTANCE=bench13 GOVGRAPH_BOLT_PORT=0 .venv/bin/python -m benchmarks.change_bench
    ... -m benchmarks.change_bench --events 100000 --changes 30 --seed 0

Each correction is made as a contributor would (`ingest.proposals.propose`, citing one of the
event's sources) and accepted as an editor would (`ingest.proposal_decisions.accept`, which
writes through `apply_changes` in one transaction). Accept -> visible is the accept's time plus
the time of polling a named query (`queries.run`, same server) until its answer shows the new
summary: `actor-profile` (starts from one record) and `timeline` filtered by actor and
counterparty (reads every event). The same run times the full ingest path re-ingesting the
dataset with 1 and with 100 events edited against corrections one by one, and, when it builds
the graph, the same corrections on a --small-events graph before it grows to --events: a change
that does not walk the graph costs the same on both (ratio ~1, not ~10).
The server is chosen like ingest_bench's (NEO4J_URI, else the local GOVGRAPH_INSTANCE, started
here when not running and stopped at the end); `main` and external servers need --allow-wipe.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from benchmarks.ingest_bench import peak_rss_mib, wipe
from benchmarks.instance import own_instance
from benchmarks.synthetic import build, raw_records, subset
from govgraph.core.cypher import text
from govgraph.graph.db import Database
from govgraph.graph.models import record_models
from govgraph.ingest.changes import current_record
from govgraph.ingest.proposal_decisions import accept
from govgraph.ingest.proposals import propose
from govgraph.ingest.validate import Dataset, Located
from govgraph.ingest.writer import ensure_schema, ingest
from govgraph.queries import run

CONTRIBUTOR = "bench-contributor"
EDITOR = "bench-editor"
TARGET_MS = 300
INGEST_EDITS = 100
POLL_SECONDS = 10.0
WARMUP = 3
WALK_WARMUP = 10  # after an ingest the server replans its statements: warm each one first
QUERIES = ("actor-profile", "timeline")


@dataclass
class Timed:
    """One accepted correction: seconds to propose and to accept; per query, polls until seen."""

    propose: float
    accept: float
    polls: dict[str, list[float]] = field(default_factory=dict)

    def query(self, name: str) -> float:
        """The poll that saw the change."""
        return self.polls[name][-1]

    def visible(self, name: str) -> float:
        """Accept -> visible: the accept, then this query polled until it shows the change."""
        return self.accept + sum(self.polls[name])


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.1f} ms"


def p90(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, -(-len(ordered) * 9 // 10) - 1)]  # nearest rank


def event_count(db: Database) -> int:
    return int(db.rows(text("event-count"))[0]["n"])


def pool(events: int, below: int | None = None) -> list[int]:
    """Indexes of the events the app corrects: 50 mod 100, never one the ingest edits."""
    return [i for i in range(50, below or events, 100)]


def ingest_edited(events: int) -> list[int]:
    """Indexes of the events the ingest path edits: spread evenly, 0 mod 100."""
    step = max(100, events // INGEST_EDITS // 100 * 100)
    return list(range(0, events, step))[:INGEST_EDITS]


def shows(value: Any, eid: str, summary: str) -> bool:
    """True when some row (or nested list) holds the event with that summary."""
    if isinstance(value, dict):
        if value.get("summary") == summary and eid in (value.get("id"), value.get("event_id")):
            return True
        return any(shows(v, eid, summary) for v in value.values())
    if isinstance(value, list):
        return any(shows(v, eid, summary) for v in value)
    return False


def query_for(query: str, event: dict[str, Any]) -> dict[str, str]:
    """Named-query parameters whose answer holds this event (small answers, not a hub's)."""
    actor = event["participants"][0]["actor"]
    if query == "actor-profile":
        return {"id": actor, "events": "100000"}
    return {"actor": actor, "counterparty": event["concerns"][0]["id"]}


def poll(db: Database, query: str, raw: dict[str, Any], summary: str) -> list[float]:
    """Run the query until its answer shows the new summary; the time of each run."""
    params, took = query_for(query, raw), list[float]()
    while sum(took) < POLL_SECONDS:
        q0 = time.perf_counter()
        _, _, rows = run(db, query, params)
        took.append(time.perf_counter() - q0)
        if shows(rows, raw["id"], summary):
            return took
    raise SystemExit(f"{raw['id']}: the new summary did not show in {query} in {POLL_SECONDS} s")


def correct(
    db: Database, raw: dict[str, Any], summary: str, queries: tuple[str, ...] = (), why: str = ""
) -> Timed:
    """Propose a new summary for one event, accept it, and (with a query) wait until visible."""
    eid = raw["id"]
    now = current_record(db, eid)
    assert now is not None and not now.retracted, eid
    t0 = time.perf_counter()
    p = propose(
        db,
        by=CONTRIBUTOR,
        record_type="Event",
        record_id=eid,
        changes={"summary": summary},
        source=now.record["sources"][0],
        note=why or "benchmark correction",
    )
    t1 = time.perf_counter()
    accept(db, p.id, by=EDITOR, reason="benchmark")
    t2 = time.perf_counter()
    out = Timed(t1 - t0, t2 - t1)
    for query in queries:  # each polled as if it were the only one (the others ran before it)
        out.polls[query] = poll(db, query, raw, summary)
    return out


def corrections(
    db: Database, raws: list[dict[str, Any]], tag: str, queries: tuple[str, ...] = ()
) -> list[Timed]:
    return [correct(db, r, f"Corrected summary {tag}-{i}.", queries) for i, r in enumerate(raws)]


def timed_ingest(db: Database, dataset: Dataset, label: str, batch_size: int) -> float:
    t = time.perf_counter()
    report = ingest(db, dataset, batch_size=batch_size)
    secs = time.perf_counter() - t
    c = report.types.get("Event")
    counts = f"events created {c.created}, updated {c.updated}" if c else ""
    print(
        f"{label:<52} {secs:8.2f} s  ({counts}, {report.revisions} revisions, "
        f"{len(report.conflicts)} conflicts reported, app edits kept)"
    )
    return secs


def with_edits(dataset: Dataset, indexes: list[int], tag: str) -> Dataset:
    """The dataset with some events' summaries changed, as an edit of data/ would."""
    model = record_models()["Event"]
    events = list(dataset.of("Event"))
    for i in indexes:
        loc = events[i]
        rec = model.model_validate({**loc.record.dump(), "summary": f"Edited by ingest {tag}."})
        events[i] = Located(loc.type, rec, loc.file, loc.line)
    return Dataset(files=dataset.files, records={**dataset.records, "Event": events})


def walk_probe(db: Database, raws: list[dict[str, Any]], tag: str) -> tuple[float, float]:
    """Median and fastest accept of corrections to the given events (after a warm-up)."""
    corrections(db, raws[:WALK_WARMUP], f"{tag}-warm")
    accepts = [t.accept for t in corrections(db, raws[WALK_WARMUP:], tag)]
    return statistics.median(accepts), min(accepts)


def report_latency(runs: list[Timed], queries: tuple[str, ...]) -> None:
    print(
        f"\n-- {len(runs)} corrections accepted, then each named query polled until it shows them"
    )
    for q in queries:
        vis = [t.visible(q) for t in runs]
        print(
            f"accept -> visible in {q:<14}: median {ms(statistics.median(vis))}, "
            f"p90 {ms(p90(vis))}, max {ms(max(vis))}; query alone: median "
            f"{ms(statistics.median(t.query(q) for t in runs))}; "
            f"polls per change: max {max(len(t.polls[q]) for t in runs)}"
        )
    print(
        f"accept alone: median {ms(statistics.median(t.accept for t in runs))}, "
        f"p90 {ms(p90([t.accept for t in runs]))}; propose (not in the latency): median "
        f"{ms(statistics.median(t.propose for t in runs))}"
    )


def compare_paths(
    db: Database, dataset: Dataset, events: list[dict[str, Any]], rng: random.Random, tag: str,
    batch_size: int,
) -> None:  # fmt: skip
    """The full ingest path vs the small-change path: 1 correction, then 100."""
    n = len(events)
    print(f"\n-- event corrections: the ingest path vs the small-change path, {n} events")
    edits = ingest_edited(n)
    one = timed_ingest(db, with_edits(dataset, edits[:1], f"{tag}-one"), "(a1) re-ingest, 1 event "
                       "edited", batch_size)  # fmt: skip
    full = timed_ingest(
        db,
        with_edits(dataset, edits, tag),
        f"(a) re-ingest, {len(edits)} events edited",
        batch_size,
    )
    picks = rng.sample(pool(n), k=min(INGEST_EDITS, len(pool(n))))
    small_runs = corrections(db, [events[i] for i in picks], f"{tag}-b")
    accepts = sum(t.accept for t in small_runs)
    both = accepts + sum(t.propose for t in small_runs)
    single = statistics.median(t.accept for t in small_runs)
    print(
        f"(b) {len(small_runs)} corrections accepted one by one{'':<13} {accepts:8.2f} s  "
        f"(with proposing them: {both:.2f} s; one accept: median {ms(single)})"
    )
    print(
        f"ratio (a)/(b), {len(edits)} events: {full / accepts:.1f}x "
        f"(with proposing: {full / both:.1f}x); ratio (a1)/one accept: {one / single:.0f}x; "
        "the issue's figure for the ingest path: 4.3 s for 100 events in a 10k-event graph"
    )


def bench(db: Database, args: argparse.Namespace, batch_size: int) -> None:
    tag = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    rng = random.Random(args.seed)
    queries: tuple[str, ...] = tuple(args.query or QUERIES)
    print(
        f"\n== {args.events} events (2000 actors, 500 instruments, 5000 sources), seed {args.seed}"
    )
    t = time.perf_counter()
    raw = raw_records(args.events, seed=args.seed)
    dataset = build(raw)
    print(f"generated and validated in {time.perf_counter() - t:.1f} s")
    events = raw["Event"]
    last = events[-1]["id"]
    loaded = event_count(db) == args.events and current_record(db, last) is not None
    small = args.small_events
    probe = [events[i] for i in pool(args.events, small)][: args.probe + WALK_WARMUP]
    small_walk: tuple[float, float] | None = None
    if loaded and not args.rebuild:
        print(f"reusing the graph: it holds {args.events} events, {last} among them")
    else:
        wipe(db)
        ensure_schema(db)
        if 0 < small < args.events:
            timed_ingest(db, subset(dataset, small), f"ingest, empty graph -> {small} events",
                         batch_size)  # fmt: skip
            small_walk = walk_probe(db, probe, f"{tag}-small")
        timed_ingest(db, dataset, f"ingest -> {args.events} events", batch_size)

    chosen = rng.sample(pool(args.events), k=min(args.changes + WARMUP, len(pool(args.events))))
    corrections(db, [events[i] for i in chosen[:WARMUP]], f"{tag}-warm", queries)
    runs = corrections(db, [events[i] for i in chosen[WARMUP:]], tag, queries)
    report_latency(runs, queries)

    if small_walk is not None:
        large_walk = walk_probe(db, probe, f"{tag}-large")
        print(
            f"\n-- does a small change walk the graph? the same {len(probe) - WALK_WARMUP} events "
            f"corrected on {small} and on {args.events} events (after {WALK_WARMUP} warm-up "
            f"corrections each): accept median {ms(small_walk[0])} vs {ms(large_walk[0])} "
            f"(ratio {large_walk[0] / small_walk[0]:.2f}), fastest {ms(small_walk[1])} vs "
            f"{ms(large_walk[1])} (ratio {large_walk[1] / small_walk[1]:.2f}); the graph is "
            f"{args.events / small:.3g}x larger: ~1 means the change does not walk it"
        )
    else:
        print("\n-- walk check skipped: the graph was reused (pass --rebuild to run it)")

    compare_paths(db, dataset, events, rng, tag, batch_size)
    print()
    for q in queries:
        median = statistics.median(t.visible(q) for t in runs)
        print(
            f"accept -> visible in a named query ({q}): median {median * 1000:.0f} ms "
            f"(target < {TARGET_MS} ms)"
        )
    print(f"peak RSS of this process: {peak_rss_mib():.0f} MiB")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--changes", type=int, default=30, help="timed corrections (step 2)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--query", choices=QUERIES, action="append", help="named query polled (repeatable; "
        "default: both)"
    )  # fmt: skip
    parser.add_argument(
        "--small-events", type=int, default=10_000, help="graph size of the walk check"
    )
    parser.add_argument(
        "--probe", type=int, default=20, help="timed corrections per walk-check size"
    )
    parser.add_argument("--rebuild", action="store_true", help="rebuild even a loaded graph")
    parser.add_argument("--allow-wipe", action="store_true", help="allow main / NEO4J_URI")
    args = parser.parse_args(argv)
    if args.events < 200 or args.changes < 1:
        parser.error("--events must be at least 200 and --changes at least 1")
    with own_instance(args.allow_wipe, "bench13") as settings:
        if settings is None:
            return 2
        with Database.connect(settings) as db:
            bench(db, args, settings.batch_size)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

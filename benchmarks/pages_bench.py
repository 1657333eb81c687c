"""How fast the pages are: server time for each page's HTML, and browser time until each graph is
interactive (vis-network's stabilizationIterationsDone, after which physics is switched off).

Needs a running server with data loaded, for example:

    govgraph db start && govgraph ingest && govgraph serve        # in one shell
    .venv/bin/python benchmarks/pages_bench.py http://127.0.0.1:8000 --repeat 5

With --synthetic 5000 it first adds the curated data and 5,000 synthetic events (with their
actors, instruments and sources, benchmarks/synthetic.py) to the graph of the instance the
environment names (GOVGRAPH_INSTANCE, or NEO4J_URI), the one the served app reads; it refuses the
`main` instance and external servers unless --allow-write is given:

    GOVGRAPH_INSTANCE=bench govgraph db start && GOVGRAPH_INSTANCE=bench govgraph serve &
    GOVGRAPH_INSTANCE=bench .venv/bin/python -m benchmarks.pages_bench http://127.0.0.1:8000 \
        --synthetic 5000 --no-browser

Targets (medians on this machine): every page's HTML under 150 ms; expand-on-click in the
explorer (GET /api/graph/neighbours/ID, what a click fetches) under 200 ms.

HTML times are wall-clock for a full GET over loopback (after one warm-up request), median and
min of --repeat runs. Graph times come from chromium (Debian's /usr/bin/chromium, headless):
"interactive" is performance.now() when stabilization finished, i.e. milliseconds since the
navigation started (HTML, scripts, drawing and layout included); "layout" is the part spent
stabilizing. The first browser visit is cold (empty cache), later ones reuse the cached scripts.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from urllib.parse import urlsplit

import httpx

CAISI = "agency:caisi"
REVIEW = "program:caisi-frontier-review"
EVENT = "event:2026-06-order-sets-up-caisi-review"
# Synthetic records (benchmarks/synthetic.py): a country many actors are based in, an event and
# a program; pages that name them answer 404 when no synthetic data is loaded.
SYN_HUB = "country:syn-000"
SYN_EVENT = "event:syn-000000"
SYN_PROGRAM = "program:syn-0003"
PAGE_TARGET_MS = 150
EXPAND_TARGET_MS = 200
PAGES = [
    "/",
    "/search?q=AI+Safety+Institute",
    f"/entity/{CAISI}",
    "/timeline",
    "/timeline?actor=org:meta",
    "/queries",
    f"/queries/holdouts?target={REVIEW}&kind=lab",
    "/queries/timeline",
    "/cypher",
    f"/graph/entity/{CAISI}?depth=1",
    f"/graph/entity/{CAISI}?depth=2",
    f"/graph/parties/{REVIEW}",
    f"/graph/parties/{REVIEW}?as_of=2026-08-01",
    f"/graph/query/parties-to?target={REVIEW}",
    "/graph",
    "/graph?kinds=lab,agency,program,event",
    f"/event/{EVENT}",
    f"/event/{SYN_EVENT}",
    "/explore",
    f"/explore?start={CAISI}",
    f"/explore?start={SYN_HUB}",
    f"/explore?start={SYN_PROGRAM}",
]
EXPANDS = [CAISI, REVIEW, EVENT, "org:openai", SYN_HUB, SYN_PROGRAM, SYN_EVENT]
GRAPH_PAGES = [
    f"/graph/entity/{CAISI}?depth=1",
    f"/graph/entity/{CAISI}?depth=2",
    f"/graph/parties/{REVIEW}",
    f"/graph/query/parties-to?target={REVIEW}",
    f"/entity/{CAISI}",
    f"/event/{EVENT}",
    "/graph",
    "/graph?kinds=lab,agency,program,event",
]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def timed(client: httpx.Client, path: str, repeat: int) -> tuple[httpx.Response, list[float]]:
    """One warm-up GET, then `repeat` timed ones (milliseconds)."""
    client.get(path)
    runs = []
    response = None
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(path)
        runs.append((time.perf_counter() - start) * 1000)
    assert response is not None
    return response, runs


def html_times(base: str, repeat: int) -> list[float]:
    print(f"\nServer: time to serve each page's HTML ({repeat} runs after a warm-up)")
    print(f"{'page':<58} {'status':>6} {'KiB':>6} {'median ms':>10} {'min ms':>8} target")
    medians = []
    with httpx.Client(base_url=base, timeout=120) as client:
        for path in PAGES:
            response, runs = timed(client, path, repeat)
            median = statistics.median(runs)
            if response.status_code == 200:
                medians.append(median)
            verdict = "ok" if median < PAGE_TARGET_MS else f"OVER {PAGE_TARGET_MS} ms"
            print(
                f"{path[:58]:<58} {response.status_code:>6} {len(response.content) / 1024:>6.0f} "
                f"{median:>10.1f} {min(runs):>8.1f} {verdict}"
            )
    return medians


def expand_times(base: str, repeat: int) -> list[float]:
    """What a click in the explorer fetches: the clicked record's neighbours as JSON."""
    print(f"\nExplorer: expand-on-click, GET /api/graph/neighbours/ID ({repeat} runs)")
    print(f"{'clicked':<40} {'status':>6} {'nodes':>6} {'median ms':>10} {'min ms':>8} target")
    medians = []
    with httpx.Client(base_url=base, timeout=120) as client:
        for record in EXPANDS:
            response, runs = timed(client, f"/api/graph/neighbours/{record}", repeat)
            median = statistics.median(runs)
            nodes = len(response.json().get("nodes", [])) if response.status_code == 200 else 0
            if response.status_code == 200:
                medians.append(median)
            verdict = "ok" if median < EXPAND_TARGET_MS else f"OVER {EXPAND_TARGET_MS} ms"
            print(
                f"{record:<40} {response.status_code:>6} {nodes:>6} {median:>10.1f} "
                f"{min(runs):>8.1f} {verdict}"
            )
    return medians


def load_synthetic(events: int, allow_write: bool) -> bool:
    """Add the curated data and `events` synthetic events to the configured instance."""
    from benchmarks.synthetic import generate
    from govgraph import PROJECT_ROOT
    from govgraph.core.settings import get_settings
    from govgraph.graph.db import Database
    from govgraph.ingest.validate import load_dataset
    from govgraph.ingest.writer import ingest

    settings = get_settings()
    if (settings.external or settings.instance == "main") and not allow_write:
        print(
            "refusing to add synthetic records to "
            f"{'NEO4J_URI' if settings.external else 'the main instance'}; "
            "set GOVGRAPH_INSTANCE=bench, or pass --allow-write",
            file=sys.stderr,
        )
        return False
    start = time.perf_counter()
    with Database.connect(settings) as db:
        ingest(db, load_dataset([PROJECT_ROOT / "data"]))
        ingest(db, generate(events))
    print(f"loaded the curated data and {events} synthetic events in "
          f"{time.perf_counter() - start:.1f} s")  # fmt: skip
    return True


def browser_times(base: str, repeat: int) -> None:
    from playwright.sync_api import sync_playwright

    print(f"\nBrowser: time until the graph is interactive ({repeat} visits; first is cold)")
    print(
        f"{'page':<48} {'nodes':>5} {'edges':>5} {'cold ms':>8} {'warm median':>11} "
        f"{'layout ms':>9} {'html ms':>8}"
    )
    host = urlsplit(base).hostname
    foreign: list[str] = []

    def guard(route: object) -> None:
        url = route.request.url  # type: ignore[attr-defined]
        if urlsplit(url).hostname != host:
            foreign.append(url)
            route.abort()  # type: ignore[attr-defined]
        else:
            route.continue_()  # type: ignore[attr-defined]

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for path in GRAPH_PAGES:
            context = browser.new_context(base_url=base, viewport={"width": 1280, "height": 900})
            context.route("**/*", guard)
            page = context.new_page()
            interactive, layout, html = [], [], []
            nodes = edges = 0
            for _ in range(repeat + 1):
                page.goto(path)
                page.wait_for_selector(
                    "#graph[data-ready='true']", state="attached", timeout=60_000
                )
                t = page.evaluate("window.govgraphTimings")
                nav = page.evaluate("performance.getEntriesByType('navigation')[0].responseEnd")
                nodes = page.evaluate("window.govgraphNetwork.body.data.nodes.length")
                edges = page.evaluate("window.govgraphNetwork.body.data.edges.length")
                interactive.append(t["interactive"])
                layout.append(t["interactive"] - t["created"])
                html.append(nav)
            context.close()
            warm = interactive[1:] or interactive
            print(
                f"{path[:48]:<48} {nodes:>5} {edges:>5} {interactive[0]:>8.0f} "
                f"{statistics.median(warm):>11.0f} {statistics.median(layout):>9.0f} "
                f"{statistics.median(html):>8.0f}"
            )
        browser.close()
    if foreign:
        print(f"\nWARNING: requests left {host}: {sorted(set(foreign))}")
    else:
        print(f"\nEvery request went to {host}.")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", help="base URL of a running govgraph, e.g. http://127.0.0.1:8000")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-browser", action="store_true", help="skip the chromium timings")
    parser.add_argument("--synthetic", type=int, default=0, help="first add N synthetic events")
    parser.add_argument("--allow-write", action="store_true", help="allow --synthetic on main")
    args = parser.parse_args()
    base = args.url.rstrip("/")
    if args.synthetic and not load_synthetic(args.synthetic, args.allow_write):
        return 2
    pages = html_times(base, args.repeat)
    expands = expand_times(base, args.repeat)
    print(
        f"\nSlowest page median {max(pages, default=0):.1f} ms (target {PAGE_TARGET_MS}); "
        f"slowest expand median {max(expands, default=0):.1f} ms (target {EXPAND_TARGET_MS}); "
        f"ratio to targets {max(pages, default=0) / PAGE_TARGET_MS:.2f} and "
        f"{max(expands, default=0) / EXPAND_TARGET_MS:.2f}."
    )
    if not args.no_browser:
        browser_times(base, args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())

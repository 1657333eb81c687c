"""How fast the pages are: server time for each page's HTML, and browser time until each graph is
interactive (vis-network's stabilizationIterationsDone, after which physics is switched off).

Needs a running server with data loaded, for example:

    govgraph db start && govgraph ingest && govgraph serve        # in one shell
    .venv/bin/python benchmarks/pages_bench.py http://127.0.0.1:8000 --repeat 5

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
]
GRAPH_PAGES = [
    f"/graph/entity/{CAISI}?depth=1",
    f"/graph/entity/{CAISI}?depth=2",
    f"/graph/parties/{REVIEW}",
    f"/graph/query/parties-to?target={REVIEW}",
    f"/entity/{CAISI}",
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


def html_times(base: str, repeat: int) -> None:
    print(f"\nServer: time to serve each page's HTML ({repeat} runs after a warm-up)")
    print(f"{'page':<58} {'status':>6} {'KiB':>6} {'median ms':>10} {'min ms':>8}")
    with httpx.Client(base_url=base, timeout=120) as client:
        for path in PAGES:
            client.get(path)
            runs = []
            for _ in range(repeat):
                start = time.perf_counter()
                response = client.get(path)
                runs.append((time.perf_counter() - start) * 1000)
            print(
                f"{path[:58]:<58} {response.status_code:>6} {len(response.content) / 1024:>6.0f} "
                f"{statistics.median(runs):>10.1f} {min(runs):>8.1f}"
            )


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
    args = parser.parse_args()
    base = args.url.rstrip("/")
    html_times(base, args.repeat)
    if not args.no_browser:
        browser_times(base, args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Event pages and the explorer in a real browser (Debian's chromium through Playwright).

Every request the browser makes is recorded and must go to 127.0.0.1; the app's CSP is
enforced as sent, and a reported violation or a JavaScript error fails the test.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import networkx as nx
import pytest
from test_browser import base_url, browser  # noqa: F401  (fixtures)

from govgraph import PROJECT_ROOT
from govgraph.graph.db import Database

pytestmark = pytest.mark.browser

ARTEFACTS = PROJECT_ROOT / "test-artefacts"
CAISI = "agency:caisi"
REVIEW = "program:caisi-frontier-review"
ORDER = "eo:2026-06-frontier-model-early-access"
OPENAI_JOINS = "event:2026-openai-joins-caisi-review"
PARTIES = {"org:openai", "org:anthropic", "org:google-deepmind", "org:microsoft", "org:xai"}
STILL = "#explore-graph[data-busy='false']"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def page(browser: Any, base_url: str, curated: Database) -> Iterator[Any]:  # noqa: F811
    """A fresh page; requests off 127.0.0.1 are blocked and fail the test, as do JS errors."""
    context = browser.new_context(
        base_url=base_url,
        viewport={"width": 1280, "height": 1000},
        service_workers="block",
        accept_downloads=True,
    )
    pg = context.new_page()
    urls: list[str] = []
    errors: list[str] = []

    def route(r: Any) -> None:
        urls.append(r.request.url)
        if urlsplit(r.request.url).hostname == "127.0.0.1":
            r.continue_()
        else:
            r.abort()

    context.route("**/*", route)
    context.on("websocket", lambda ws: urls.append(ws.url))
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.on(
        "console",
        lambda msg: errors.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    yield pg
    context.close()
    foreign = [
        u
        for u in urls
        if urlsplit(u).scheme not in ("data", "blob", "about")
        and urlsplit(u).hostname != "127.0.0.1"
    ]
    assert urls, "the browser made no request at all"
    assert foreign == [], f"requests left 127.0.0.1: {foreign}"
    assert errors == [], f"JavaScript errors or CSP violations: {errors}"


def shot(pg: Any, name: str) -> None:
    ARTEFACTS.mkdir(exist_ok=True)
    pg.screenshot(path=str(ARTEFACTS / f"{name}.png"), full_page=True)


def visible(pg: Any) -> set[str]:
    return set(pg.evaluate("window.govgraphExplorer.visibleNodes()"))


def wait_still(pg: Any) -> None:
    pg.wait_for_selector(STILL, state="attached", timeout=30_000)


def click_node(pg: Any, node_id: str) -> None:
    """Click a node where it is drawn (after fitting the view so every node is on screen)."""
    pg.locator("#explore-graph").scroll_into_view_if_needed()
    pg.evaluate("window.govgraphNetwork.fit({animation: false})")
    pos = pg.evaluate(
        """(id) => {
        const net = window.govgraphNetwork;
        const dom = net.canvasToDOM(net.getPositions([id])[id]);
        const box = document.querySelector('#explore-graph canvas').getBoundingClientRect();
        return {x: box.left + dom.x, y: box.top + dom.y,
                inside: dom.x > 0 && dom.y > 0 && dom.x < box.width && dom.y < box.height};
    }""",
        node_id,
    )
    assert pos["inside"], pos
    pg.mouse.move(pos["x"], pos["y"])
    pg.mouse.click(pos["x"], pos["y"])
    pg.wait_for_function(
        "(id) => window.govgraphExplorer.expanded().includes(id)", arg=node_id, timeout=10_000
    )
    wait_still(pg)


def slide_to(pg: Any, day: str | None) -> None:
    """Move the time slider to a day (None: all the way right, every date)."""
    pg.evaluate(
        """(day) => {
        const s = document.getElementById('explore-slider');
        s.value = day ? String(Math.floor(Date.parse(day + 'T00:00:00Z') / 86400000)) : s.max;
        s.dispatchEvent(new Event('input', {bubbles: true}));
    }""",
        day,
    )


def test_event_page_opens_from_the_timeline(page: Any) -> None:
    page.goto("/timeline?actor=org:openai")
    link = page.locator(f'a[href="/event/{OPENAI_JOINS}"]')
    assert link.count() == 1
    link.click()
    page.wait_for_url(f"**/event/{OPENAI_JOINS}")
    assert page.locator("h1").inner_text().startswith("Joined")
    assert "OpenAI agreed to let federal testers" in page.locator("p.lede").inner_text()
    assert page.locator('a[href="/entity/org:openai"]').count() >= 1
    page.wait_for_selector("#graph[data-ready='true']", state="attached", timeout=30_000)
    drawn = page.evaluate("window.govgraphNetwork.body.data.nodes.getIds()")
    assert {OPENAI_JOINS, "org:openai", REVIEW} <= set(drawn)
    shot(page, "event-openai-joins")


def test_explorer_expands_on_click_and_slides_back_in_time(page: Any) -> None:
    page.goto(f"/explore?start={CAISI}")
    wait_still(page)
    assert page.locator("h1").inner_text() == "Explore from Center for AI Standards and Innovation"
    first = visible(page)
    assert CAISI in first and REVIEW in first and not PARTIES & first
    assert page.locator("#explore-legend li").count() >= 2

    click_node(page, REVIEW)  # the second hop: the review's parties appear
    second = visible(page)
    assert second >= PARTIES and ORDER in second
    assert (
        "CAISI pre-release frontier model review" in page.locator("#explore-selected").inner_text()
    )

    click_node(page, ORDER)  # the third: what the order connects to
    third = visible(page)
    assert len(third) > len(second) and "person:donald-trump" in third
    shot(page, "explore-caisi-expanded")

    slide_to(page, "2026-05-15")
    assert page.locator("#explore-as-of-label").inner_text() == "2026-05-15"
    before = visible(page)
    assert not PARTIES & before, "parties who joined from June 2026 are still drawn"
    assert {CAISI, REVIEW} <= before
    assert "as of 2026-05-15" in page.locator("#explore-status").inner_text()
    shot(page, "explore-caisi-before-june-2026")

    slide_to(page, None)
    assert visible(page) >= PARTIES
    assert page.locator("#explore-as-of-label").inner_text() == "all dates"


def test_explorer_filters_pins_and_hides(page: Any) -> None:
    page.goto(f"/explore?start={CAISI}")
    wait_still(page)
    click_node(page, REVIEW)
    page.locator("#explore-kinds input[value='lab']").uncheck()
    assert not PARTIES & visible(page)
    page.locator("#explore-kinds input[value='lab']").check()
    assert visible(page) >= PARTIES
    page.locator("#explore-relations input[value='PARTY_TO']").uncheck()
    edges = page.evaluate("window.govgraphExplorer.visibleEdges()")
    assert edges and "PARTY_TO" not in {e["relation"] for e in edges}
    page.locator("#explore-relations input[value='PARTY_TO']").check()
    page.get_by_role("button", name="Hide").click()  # the review is selected: hide it
    assert REVIEW not in visible(page) and not PARTIES & visible(page)
    page.get_by_role("button", name="Show again").click()
    assert REVIEW in visible(page)
    click_node(page, "org:openai")
    page.get_by_role("button", name="Pin").click()
    slide_to(page, "2026-05-15")
    assert "org:openai" in visible(page)  # pinned: kept whatever the date
    assert not (PARTIES - {"org:openai"}) & visible(page)


def test_export_png_and_graphml_of_the_current_view(page: Any, tmp_path: Path) -> None:
    page.goto(f"/explore?start={CAISI}")
    wait_still(page)
    click_node(page, REVIEW)
    slide_to(page, "2026-05-15")

    with page.expect_download() as png_download:
        page.click("#export-png")
    png = tmp_path / "view.png"
    png_download.value.save_as(png)
    assert png_download.value.suggested_filename.endswith(".png")
    assert png.read_bytes()[:8] == PNG_MAGIC and png.stat().st_size > 1000

    with page.expect_download() as graphml_download:
        page.click("#export-graphml")
    path = tmp_path / "view.graphml"
    graphml_download.value.save_as(path)
    graph = nx.read_graphml(path)
    shown_nodes = visible(page)
    shown_edges = page.evaluate("window.govgraphExplorer.visibleEdges()")
    assert set(graph.nodes) == shown_nodes
    assert not PARTIES & set(graph.nodes)
    assert Counter((u, v, d["relation"]) for u, v, d in graph.edges(data=True)) == Counter(
        (e["source"], e["target"], e["relation"]) for e in shown_edges
    )
    assert graph.nodes[REVIEW]["name"] == "CAISI pre-release frontier model review"
    assert graph.nodes[REVIEW]["kind"] == "program"


def test_explorer_expands_from_the_keyboard(page: Any) -> None:
    page.goto(f"/explore?start={CAISI}")
    wait_still(page)
    page.locator("#explore-nodes-box summary").click()
    button = page.locator("#explore-nodes button", has_text="CAISI pre-release frontier model")
    button.focus()
    page.keyboard.press("Enter")
    page.wait_for_function(
        "(id) => window.govgraphExplorer.expanded().includes(id)", arg=REVIEW, timeout=10_000
    )
    wait_still(page)
    assert visible(page) >= PARTIES

"""A correction end to end in a real browser: a contributor proposes it from the entity page,
an editor accepts it from the review queue, the page and its history show it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import DATA_DIR, wipe
from live_server import served
from test_browser import CHROMIUM, CHROMIUM_ARGS, Recorder, csp_report, shot

from govgraph.api.main import create_app
from govgraph.core.settings import Settings
from govgraph.graph.accounts import add_user
from govgraph.graph.db import Database
from govgraph.graph.history import history
from govgraph.ingest.validate import load_dataset
from govgraph.ingest.writer import ingest

pytestmark = pytest.mark.browser

if not Path(CHROMIUM).exists():  # pragma: no cover - the Makefile's `browser` target installs it
    pytest.skip("Debian's chromium is not installed (make browser)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")

META = "org:meta"
CITED = "src:reuters-2026-nyt-early-access"
PASSWORD = "correct horse battery staple"
NEW_SUMMARY = "Meta Platforms, the parent of Facebook and Instagram, maker of the Llama models."


@pytest.fixture
def newsroom(clean_db: Database, settings: Settings) -> Iterator[str]:
    """The seed graph with a contributor and an editor, served on a loopback port."""
    ingest(clean_db, load_dataset([DATA_DIR / "caisi-review-2026.yaml"]))
    add_user(clean_db, "rita", "contributor", PASSWORD)
    add_user(clean_db, "eddie", "editor", PASSWORD)
    app = create_app(settings.model_copy(update={"cache_seconds": 0}))
    with served(app, "uvicorn-review") as url:
        yield url
    wipe(clean_db)


@pytest.fixture
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


class Person:
    """One browser context (its own cookies), with what it saw go wrong."""

    def __init__(self, browser: Any, base_url: str) -> None:
        self.context = browser.new_context(base_url=base_url, service_workers="block")
        self.recorder = Recorder()
        self.context.route("**/*", self.recorder)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.violations: list[str] = []
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.on("console", lambda msg: csp_report(msg, self.violations))

    def log_in(self, name: str, next_path: str) -> None:
        self.page.goto(f"/login?next={next_path}")
        self.page.fill("#login-name", name)
        self.page.fill("#login-password", PASSWORD)
        self.page.locator("form.login-form button[type=submit]").click()
        self.page.wait_for_url(f"**{next_path}")

    def close(self) -> None:
        self.context.close()
        assert self.recorder.foreign() == [], self.recorder.foreign()
        assert self.errors == [], f"JavaScript errors: {self.errors}"
        assert self.violations == [], f"Content-Security-Policy violations: {self.violations}"


def test_a_correction_from_the_entity_page_to_its_history(
    browser: Any, newsroom: str, clean_db: Database
) -> None:
    rita = Person(browser, newsroom)
    page = rita.page
    rita.log_in("rita", f"/entity/{META}")
    page.locator("#suggest-correction").click()
    page.wait_for_url(f"**/entity/{META}/suggest")
    assert "open-weight" in page.input_value("#field-summary")
    page.fill("#field-summary", NEW_SUMMARY)
    page.fill("#field-source", CITED)
    page.fill("#field-note", "The summary leaves out Instagram and Llama.")
    shot(page, "review-suggest")
    page.locator("#proposal-submit").click()
    page.wait_for_selector("#proposal-sent")
    assert "summary" in page.locator("#proposal-diff").inner_text()
    rita.close()

    eddie = Person(browser, newsroom)
    page = eddie.page
    eddie.log_in("eddie", "/review")
    queue = page.locator("#review-queue")
    assert "rita" in queue.inner_text() and META in queue.inner_text()
    queue.locator("a").first.click()
    page.wait_for_url("**/review/proposal:*")
    assert page.locator("#proposal-diff mark").all_inner_texts() == ["summary", "sources"]
    assert NEW_SUMMARY in page.locator("#proposal-diff").inner_text()
    assert CITED in page.locator("#cited-source").inner_text()
    shot(page, "review-item")
    page.fill("#accept-reason", "checked against the Reuters report")
    page.locator("#accept").click()
    page.wait_for_url(f"**/entity/{META}")
    assert page.locator("p.lede").inner_text() == NEW_SUMMARY
    newest = history(clean_db, META)[0]
    assert (newest.by, newest.source) == ("eddie", CITED)

    page.locator("#record-history").click()
    page.wait_for_url(f"**/entity/{META}/history")
    text = page.locator("main").inner_text()
    assert "eddie" in text and NEW_SUMMARY in text
    eddie.close()

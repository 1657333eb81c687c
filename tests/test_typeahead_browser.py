"""Search and type-ahead in a real browser: reach an event from a word in its summary, pick an
entity by name with the keyboard, run `compare` from its form.

Uses test_browser's fixtures (Debian's chromium through Playwright, uvicorn on loopback, every
request recorded and anything not on 127.0.0.1 blocked, CSP violations and script errors fail).
"""

from __future__ import annotations

from typing import Any

import pytest
from test_browser import base_url, browser, page  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser

STARGATE_EVENT = "event:2025-01-21-stargate-announced"
COMMITMENTS = "agreement:us-voluntary-commitments-2023-07"
REVIEW = "program:caisi-frontier-review"
LISTBOX = "ul.typeahead-list[role='listbox']"


def choose_with_keys(pg: Any, field: str, typed: str, wanted_id: str) -> None:
    """Type into an id field, arrow down to the suggestion with wanted_id, pick it with Enter."""
    box = pg.locator(field)
    box.press_sequentially(typed, delay=40)
    pg.wait_for_selector(f"{LISTBOX}:not([hidden]) li[data-id='{wanted_id}']")
    assert box.get_attribute("role") == "combobox"
    assert box.get_attribute("aria-expanded") == "true"
    for _ in range(10):
        box.press("ArrowDown")
        active = box.get_attribute("aria-activedescendant")
        if active and pg.locator(f"#{active}").get_attribute("data-id") == wanted_id:
            break
    else:
        raise AssertionError(f"{wanted_id} never became the active suggestion")
    box.press("Enter")  # picks the suggestion; the form is not sent yet
    assert box.input_value() == wanted_id
    assert pg.locator(LISTBOX).first.is_hidden()


def test_search_stargate_and_reach_its_event(page: Any) -> None:  # noqa: F811
    page.goto("/")
    page.fill("#q", "Stargate")
    page.press("#q", "Enter")
    page.wait_for_url("**/search?q=Stargate")
    link = page.locator(f"ol.search-events a[href='/event/{STARGATE_EVENT}']")
    assert link.count() == 1
    summary = link.inner_text()
    assert "Stargate" in summary
    link.click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/event/{STARGATE_EVENT}")
    assert summary in page.locator("main").inner_text()


def test_pick_meta_by_name_in_a_query_form(page: Any) -> None:  # noqa: F811
    page.goto("/queries/agreements-of")
    choose_with_keys(page, "#p-actor", "Meta", "org:meta")
    page.press("#p-actor", "Enter")  # now Enter sends the form
    page.wait_for_url("**/queries/agreements-of?actor=org%3Ameta*")
    cells = page.locator("table.results-table tbody tr")
    assert cells.count() >= 2
    assert "Meta" in cells.first.inner_text()


def test_escape_closes_the_suggestions(page: Any) -> None:  # noqa: F811
    page.goto("/timeline")
    box = page.locator("input[name='counterparty']")
    box.press_sequentially("White House", delay=40)
    page.wait_for_selector(f"{LISTBOX}:not([hidden]) li")
    box.press("Escape")
    assert box.get_attribute("aria-expanded") == "false"
    assert box.input_value() == "White House"


def test_compare_the_two_instruments_from_its_form(page: Any) -> None:  # noqa: F811
    page.goto("/queries/compare")
    choose_with_keys(page, "#p-a", "White House Voluntary", COMMITMENTS)
    page.fill("#p-b", REVIEW)
    page.click("form.query-form button[type='submit']")
    page.wait_for_url("**/queries/compare?*")
    table = page.locator("table.results-table")
    header = [th.inner_text() for th in table.locator("thead th").all()]
    sets = {
        row.locator("td").nth(header.index("set")).inner_text()
        for row in table.locator("tbody tr").all()
    }
    assert sets == {"a_only", "both", "b_only"}
    text = table.inner_text()
    assert "Meta" in text and "OpenAI" in text and "xAI" in text

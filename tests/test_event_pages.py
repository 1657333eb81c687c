"""Event pages, the explorer's page and its neighbours endpoint, on the curated graph."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from govgraph.graph.db import Database

OPENAI_JOINS = "event:2026-openai-joins-caisi-review"
SETS_UP = "event:2026-06-order-sets-up-caisi-review"
RENAMED = "event:2025-06-03-us-aisi-renamed-caisi"
FORMER = "event:2024-11-20-intl-network-aisi-convening"
KEPT = "event:2024-11-20-inaisi-launched"
CAISI = "agency:caisi"
REVIEW = "program:caisi-frontier-review"
PARTIES = {"org:openai", "org:anthropic", "org:google-deepmind", "org:microsoft", "org:xai"}


@pytest.fixture
def api(client: TestClient, curated: Database) -> TestClient:
    """The app on the curated graph."""
    return client


def event_json(api: TestClient, event_id: str) -> dict[str, Any]:
    response = api.get(f"/event/{event_id}?format=json")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def graph_data(html: str, element_id: str) -> Any:
    found = re.search(rf'<script type="application/json" id="{element_id}">(.*?)</script>', html)
    assert found, f"no #{element_id} in the page"
    return json.loads(found.group(1))


# ------------------------------------------------------------------------------------ event pages


def test_event_page_says_what_when_who_and_according_to_whom(api: TestClient) -> None:
    page = api.get(f"/event/{OPENAI_JOINS}")
    assert page.status_code == 200
    html = page.text
    assert "OpenAI agreed to let federal testers" in html
    assert "(somewhere in this range)" in html  # the date's precision, in words
    assert "reported by 29 Nov 2026" in html  # the end is only the day it was recorded
    assert "the end is the day it was recorded" in html
    assert "2026-06-01 to 2026-11-29" in html  # earliest and latest day it can have happened
    assert 'href="/entity/org:openai"' in html and "party" in html
    assert f'href="/entity/{REVIEW}"' in html and "subject" in html
    assert "Date bounded by the June order" in html  # the note
    for source in ("nyt-2026-early-access", "reuters-2026-nyt-early-access"):
        assert f"src:{source}" in html
    spec = graph_data(html, "graph-data")
    drawn = {n["id"] for n in spec["nodes"]}
    assert {OPENAI_JOINS, "org:openai", REVIEW} <= drawn
    assert f'href="/explore?start={OPENAI_JOINS}"' in html
    assert api.head(f"/event/{OPENAI_JOINS}").status_code == 200


def test_event_json_lists_roles_sources_and_precision(api: TestClient) -> None:
    ev = event_json(api, SETS_UP)
    assert ev["event_id"] == SETS_UP and ev["type"] == "established"
    assert ev["date"] == "2026-06" and ev["date_precision"] == "month"
    assert "(known to the month)" in api.get(f"/event/{SETS_UP}").text
    assert (ev["earliest"], ev["latest"]) == ("2026-06-01", "2026-06-30")
    roles = {(p["id"], p["role"]) for p in ev["participants"]}
    assert roles == {("person:donald-trump", "issuer"), (CAISI, "actor")}
    concerns = {(c["id"], c["role"]) for c in ev["concerns"]}
    assert concerns == {("eo:2026-06-frontier-model-early-access", "by"), (REVIEW, "established")}
    assert [s["id"] for s in ev["sources"]] == ["src:article-2026-caisi-meta-holdout"]


def test_related_events_share_someone_and_run_in_time_order(api: TestClient) -> None:
    related = event_json(api, SETS_UP)["related"]
    before = [e["event_id"] for e in related["before"]]
    after = [e["event_id"] for e in related["after"]]
    assert "event:2026-05-01-caisi-evaluates-deepseek-v4" in before  # shares CAISI
    assert related["before_total"] > len(before) == 8  # the nearest eight of more
    assert OPENAI_JOINS in after  # shares the review
    assert SETS_UP not in before + after
    for side in ("before", "after"):
        days = [e["earliest"] for e in related[side] if e["earliest"]]
        assert days == sorted(days), side
        assert all(e["shared"] for e in related[side])
    assert all(e["earliest"] <= "2026-06-01" for e in related["before"] if e["earliest"])
    html = api.get(f"/event/{SETS_UP}").text
    assert "nearest of" in html and f'href="/event/{OPENAI_JOINS}"' in html


def test_unknown_event_is_a_404_page_with_suggestions(api: TestClient) -> None:
    page = api.get("/event/event:2026-openai-joins-caisi-reveiw")
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "did you mean" in page.text and OPENAI_JOINS in page.text


def test_a_record_that_is_no_event_and_a_malformed_id_are_refused(api: TestClient) -> None:
    not_event = api.get("/event/org:meta")
    assert not_event.status_code == 404 and "is not an event" in not_event.text
    assert "/entity/org:meta" in not_event.text
    malformed = api.get("/event/Not%20an%20id")
    assert malformed.status_code == 422 and "event_id" in malformed.text
    bad_format = api.get(f"/event/{OPENAI_JOINS}?format=xml")
    assert bad_format.status_code == 422 and "format" in bad_format.text


def test_a_former_event_id_redirects_to_the_kept_page(api: TestClient) -> None:
    moved = api.get(f"/event/{FORMER}", follow_redirects=False)
    assert moved.status_code == 308
    assert moved.headers["location"] == f"/event/{KEPT}"
    assert api.get(f"/event/{FORMER}").status_code == 200


def test_every_event_link_goes_to_the_event_page(api: TestClient) -> None:
    timeline = api.get("/timeline?actor=org:openai").text
    assert f'href="/event/{OPENAI_JOINS}"' in timeline
    entity = api.get("/entity/org:openai").text
    assert f'href="/event/{OPENAI_JOINS}"' in entity
    assert "/timeline#event:" not in entity and "/timeline?from=" not in entity
    home = api.get("/").text
    assert 'href="/event/event:' in home
    graph = graph_data(api.get("/graph/entity/org:openai").text, "graph-data")
    urls = {n["id"]: n["url"] for n in graph["nodes"]}
    assert urls[OPENAI_JOINS] == f"/event/{OPENAI_JOINS}"
    query = api.get("/queries/timeline?actor=org:openai&date_from=2026-01-01").text
    assert f'href="/event/{OPENAI_JOINS}"' in query


# --------------------------------------------------------------------------------- the explorer


def test_neighbours_of_an_entity_with_edges_among_what_is_drawn(api: TestClient) -> None:
    body = api.get(f"/api/graph/neighbours/{CAISI}").json()
    ids = [n["id"] for n in body["nodes"]]
    assert ids[0] == CAISI and REVIEW in ids and RENAMED in ids
    assert body["shown"] == len(ids) - 1 == body["total"]
    assert not any(i.startswith("src:") for i in ids)
    for edge in body["edges"]:
        assert CAISI in (edge["source"], edge["target"])
        assert {edge["source"], edge["target"]} <= set(ids)
    administered = [e for e in body["edges"] if e["relation"] == "ADMINISTERED_BY"]
    assert any(e["source"] == REVIEW and e["target"] == CAISI for e in administered)


def test_neighbours_as_of_a_day_leave_out_later_parties(api: TestClient) -> None:
    now = {n["id"] for n in api.get(f"/api/graph/neighbours/{REVIEW}").json()["nodes"]}
    assert now >= PARTIES
    then = api.get(f"/api/graph/neighbours/{REVIEW}?as_of=2026-05-15").json()
    assert then["as_of"] == "2026-05-15"
    assert not PARTIES & {n["id"] for n in then["nodes"]}
    assert all(not e["earliest"] or e["earliest"] <= "2026-05-15" for e in then["edges"])


def test_neighbours_filter_by_kind_and_relation_and_are_capped(api: TestClient) -> None:
    labs = api.get(f"/api/graph/neighbours/{REVIEW}?kinds=lab").json()
    assert labs["nodes"][1:] and {n["kind"] for n in labs["nodes"][1:]} == {"lab"}
    joined = api.get(f"/api/graph/neighbours/{REVIEW}?relations=PARTY_TO").json()
    assert {e["relation"] for e in joined["edges"]} == {"PARTY_TO"}
    assert {n["id"] for n in joined["nodes"]} >= PARTIES
    capped = api.get(f"/api/graph/neighbours/{REVIEW}?limit=2").json()
    assert capped["shown"] == 2 and len(capped["nodes"]) == 3 and capped["total"] > 2
    assert "most connected" in capped["notice"]


def test_neighbours_refuse_unknown_ids_kinds_and_relations(api: TestClient) -> None:
    unknown = api.get("/api/graph/neighbours/agency:caisy")
    assert unknown.status_code == 404
    error = unknown.json()["error"]
    assert "did you mean" in error["fix"] and CAISI in error["fix"]
    bad_kind = api.get(f"/api/graph/neighbours/{CAISI}?kinds=lab,spaceship")
    assert bad_kind.status_code == 422 and bad_kind.json()["error"]["param"] == "kinds"
    bad_rel = api.get(f"/api/graph/neighbours/{CAISI}?relations=LOVES")
    assert bad_rel.status_code == 422 and bad_rel.json()["error"]["param"] == "relations"
    source = api.get("/api/graph/neighbours/src:article-2026-caisi-meta-holdout")
    assert source.status_code == 404 and "is a source" in source.json()["error"]["message"]
    former = api.get(f"/api/graph/neighbours/{FORMER}").json()
    assert former["id"] == KEPT and former["nodes"][0]["id"] == KEPT


def test_explore_page_has_the_graph_data_and_a_list_without_javascript(api: TestClient) -> None:
    page = api.get(f"/explore?start={CAISI}")
    assert page.status_code == 200
    html = page.text
    assert "<h1>Explore from Center for AI Standards and Innovation</h1>" in html
    assert f'href="/entity/{REVIEW}"' in html  # the server-rendered list of neighbours
    assert f'href="/explore?start={REVIEW}"' in html
    data = graph_data(html, "explore-data")
    assert data["start"] == CAISI and data["graph"]["nodes"][0]["id"] == CAISI
    assert '<script src="/static/explore.js"></script>' in html
    assert "<script>" not in html  # no inline script under the CSP
    assert api.get("/static/explore.js").status_code == 200
    assert api.head(f"/explore?start={CAISI}").status_code == 200
    assert api.head(f"/api/graph/neighbours/{CAISI}").status_code == 200


def test_explore_without_start_offers_a_form_and_refuses_unknown_ids(api: TestClient) -> None:
    bare = api.get("/explore")
    assert bare.status_code == 200 and 'name="start"' in bare.text
    unknown = api.get("/explore?start=agency:caisy")
    assert unknown.status_code == 404 and "did you mean" in unknown.text
    moved = api.get(f"/explore?start={FORMER}", follow_redirects=False)
    assert moved.status_code == 308
    assert moved.headers["location"] == f"/explore?start={KEPT.replace(':', '%3A')}"


def test_the_explorer_is_linked_from_the_nav_and_entity_pages(api: TestClient) -> None:
    entity = api.get(f"/entity/{CAISI}").text
    assert f'href="/explore?start={CAISI}"' in entity
    assert 'href="/explore"' in api.get("/timeline").text

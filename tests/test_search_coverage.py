"""Search over names, event summaries and source titles; the coverage page and API."""

from __future__ import annotations

from fastapi.testclient import TestClient

from govgraph.graph.db import Database

STARGATE_EVENT = "event:2025-01-21-stargate-announced"
STARGATE_SOURCE = "src:openai-2025-01-21-stargate"
CAISI = "agency:caisi"
NOTHING = "zzyzx quetzalcoatlus"

EVENT_FIGURES = """
MATCH (e:Event)
RETURN count(e) AS events, toString(min(coalesce(e.date_earliest, e.date_latest))) AS earliest,
       toString(max(coalesce(e.date_latest, e.date_earliest))) AS latest
"""
PER_YEAR = """
MATCH (e:Event) WHERE coalesce(e.date_earliest, e.date_latest) IS NOT NULL
RETURN coalesce(e.date_earliest, e.date_latest).year AS year, count(*) AS events ORDER BY year
"""
PER_TYPE = """
UNWIND ['Source', 'Actor', 'Instrument', 'Event'] AS label
CALL (label) { MATCH (n:Record) WHERE label IN labels(n) RETURN count(n) AS n }
RETURN label, n
"""
TEXT_INDEX = """
SHOW INDEXES YIELD name, type, state, labelsOrTypes, properties
WHERE name = 'text_search' RETURN type, state, labelsOrTypes, properties
"""


def test_stargate_is_found_through_an_event_summary_and_a_source_title(
    client: TestClient, curated: Database
) -> None:
    response = client.get("/api/search", params={"q": "stargate"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["entities"] == []  # no actor or instrument is called Stargate
    events = {e["id"]: e for e in body["events"]}
    assert "Stargate" in events[STARGATE_EVENT]["summary"]
    assert events[STARGATE_EVENT]["page_url"] == f"/event/{STARGATE_EVENT}"
    sources = {s["id"]: s for s in body["sources"]}
    assert sources[STARGATE_SOURCE]["title"] == "Announcing The Stargate Project"
    assert STARGATE_EVENT in {e["id"] for e in sources[STARGATE_SOURCE]["cited_by"]}
    assert body["count"] == len(body["events"]) + len(body["sources"]) and body["covers"] is None


def test_names_and_aliases_are_still_searched(client: TestClient, curated: Database) -> None:
    body = client.get("/api/search", params={"q": "AI Safety Institute"}).json()
    pages = {e["id"]: e["page_url"] for e in body["entities"]}
    assert pages[CAISI] == f"/entity/{CAISI}"


def test_search_folds_case_and_accents(client: TestClient, curated: Database) -> None:
    plain = client.get("/api/search", params={"q": "stargate"}).json()
    folded = client.get("/api/search", params={"q": "STÁRGATE"}).json()
    assert [e["id"] for e in folded["events"]] == [e["id"] for e in plain["events"]]


def test_an_empty_answer_says_what_the_graph_covers(client: TestClient, curated: Database) -> None:
    body = client.get("/api/search", params={"q": NOTHING}).json()
    assert body["count"] == 0 and not (body["entities"] or body["events"] or body["sources"])
    figures = curated.rows(EVENT_FIGURES)[0]
    assert (
        f"{figures['events']} events from {figures['earliest']} to {figures['latest']}"
        in (body["covers"])
    )
    assert body["coverage_url"] == "/coverage"
    html = client.get("/search", params={"q": NOTHING}).text
    assert "0 results for “zzyzx quetzalcoatlus” in a graph covering" in html
    assert f"{figures['events']} events" in html and 'href="/coverage"' in html


def test_search_needs_words(client: TestClient, curated: Database) -> None:
    response = client.get("/api/search")
    assert response.status_code == 422
    assert "q" in response.text
    only_stop_words = client.get("/api/search", params={"q": "the of and"}).json()
    assert only_stop_words["count"] == 0 and only_stop_words["covers"]


def test_home_search_lists_events_and_sources_with_links(
    client: TestClient, curated: Database
) -> None:
    html = client.get("/search", params={"q": "Stargate"}).text
    assert f'href="/event/{STARGATE_EVENT}"' in html
    assert "Announcing The Stargate Project" in html
    assert 'href="/api/search?q=Stargate"' in html  # this page as data


def test_the_text_index_covers_event_summaries_and_source_titles(curated: Database) -> None:
    index = curated.rows(TEXT_INDEX)[0]
    assert index["type"] == "FULLTEXT" and index["state"] == "ONLINE"
    assert sorted(index["labelsOrTypes"]) == ["Event", "Source"]
    assert sorted(index["properties"]) == ["summary", "title"]


def test_coverage_figures_match_the_graph(client: TestClient, curated: Database) -> None:
    response = client.get("/api/coverage")
    assert response.status_code == 200, response.text
    c = response.json()
    figures = curated.rows(EVENT_FIGURES)[0]
    assert (c["events"], c["earliest"], c["latest"]) == (
        figures["events"],
        figures["earliest"],
        figures["latest"],
    )
    assert c["events_per_year"] == curated.rows(PER_YEAR)
    assert sum(y["events"] for y in c["events_per_year"]) + c["undated_events"] == c["events"]
    per_type = {r["label"]: r["n"] for r in curated.rows(PER_TYPE)}
    assert {t["type"]: t["records"] for t in c["counts"]} == per_type
    for t in c["counts"]:  # the shipped data is all curated
        assert (t["curated"], t["imported"], t["unreviewed"]) == (t["records"], 0, 0)
    kinds = {(k["type"], k["kind"]): k["records"] for k in c["kinds"]}
    assert kinds[("actor", "lab")] == curated.rows("MATCH (n:Lab) RETURN count(n) AS n")[0]["n"]
    assert sum(kinds.values()) == per_type["Actor"] + per_type["Instrument"]
    usa = {j["id"]: j["records"] for j in c["jurisdictions"]}["country:us"]
    assert (
        usa
        == (
            curated.rows(
                "MATCH (:Country {id: 'country:us'})<-[:BASED_IN|IN_JURISDICTION]-(x:Entity) "
                "RETURN count(x) AS n"
            )[0]["n"]
        )
    )
    assert c["imports"] == []


def test_coverage_page_is_linked_from_every_page(client: TestClient, curated: Database) -> None:
    assert 'href="/coverage"' in client.get("/").text
    page = client.get("/coverage")
    assert page.status_code == 200
    c = client.get("/api/coverage").json()
    assert c["summary"] in page.text
    assert f'<th scope="row">{c["events_per_year"][0]["year"]}</th>' in page.text
    assert 'href="/api/coverage"' in page.text

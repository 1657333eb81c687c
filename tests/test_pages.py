"""Server-rendered pages and graph views over HTTP, against the curated data in real Neo4j."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from conftest import app_client
from fastapi.testclient import TestClient

from govgraph import queries
from govgraph.api import graph_style
from govgraph.core.settings import Settings
from govgraph.graph.db import Database

CAISI = "agency:caisi"
REVIEW = "program:caisi-frontier-review"
PAGES = [
    "/",
    "/?q=Meta",
    "/search?q=AI+Safety+Institute",
    f"/entity/{CAISI}",
    f"/entity/{REVIEW}",
    "/entity/org:meta",
    "/timeline",
    "/timeline?actor=org:meta&from=2026-01-01&to=2026-12-31",
    "/timeline?type=ordered",
    "/queries",
    "/queries/parties-to",
    "/cypher",
    "/cypher?query=MATCH+(a:Actor)+RETURN+a+LIMIT+3",
    "/graph",
    "/graph?kinds=lab,program,event&from=2026-01-01&to=2026-12-31",
    f"/graph/entity/{CAISI}",
    f"/graph/entity/{CAISI}?depth=2",
    f"/graph/parties/{REVIEW}",
    f"/graph/parties/{REVIEW}?as_of=2026-08-01",
    f"/graph/query/parties-to?target={REVIEW}",
] + [f"/queries/{q.name}?{urlencode(q.example)}" for q in queries.registry().values()]
TAG = re.compile(r"<(script|link)\b[^>]*>", re.I)
ATTR_URL = re.compile(r"""\b(?:src|href)\s*=\s*["']?([^"'\s>]+)""", re.I)


@pytest.fixture(scope="module")
def small_cap(settings: Settings) -> Iterator[TestClient]:
    with app_client(settings, graph_node_cap=10) as c:
        yield c


def title_of(html: str) -> str:
    match = re.search(r"<title>(.*?)</title>", html, re.S)
    assert match, "page has no <title>"
    return match.group(1).strip()


def graph_spec(html: str) -> dict[str, Any]:
    match = re.search(r'<script type="application/json" id="graph-data">(.*?)</script>', html, re.S)
    assert match, "page embeds no graph"
    spec: dict[str, Any] = json.loads(match.group(1))
    return spec


def external_assets(html: str) -> list[str]:
    """Script and stylesheet URLs that point off this origin."""
    out = []
    for tag in TAG.finditer(html):
        for url in ATTR_URL.findall(tag.group(0)):
            if re.match(r"^(https?:)?//", url, re.I):
                out.append(url)
    return out


@pytest.mark.parametrize("url", PAGES)
def test_every_page_renders_locally(client: TestClient, curated: Database, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200, response.text[:500]
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    assert title_of(html)
    assert "<h1" in html
    assert external_assets(html) == []
    scripts = re.findall(r"<script\b[^>]*\bsrc=\"([^\"]+)\"", html)
    assert all(s.startswith("/static/") for s in scripts), scripts
    assert 'class="api-link"' in html or "JSON:" in html, "no link to the page's own API URL"


def test_vis_network_is_served_from_the_installed_pyvis(client: TestClient) -> None:
    import pyvis

    shipped = Path(pyvis.__file__).parent / "lib" / "vis-9.1.2" / "vis-network.min.js"
    response = client.get("/static/vis-network.min.js")
    assert response.status_code == 200
    assert response.content == shipped.read_bytes()
    assert client.get("/static/vis-network.css").status_code == 200
    assert client.get("/static/graph.js").status_code == 200
    assert not (Path(__file__).parents[1] / "api" / "static" / "vis-network.min.js").exists()


def test_graph_pages_load_vis_from_our_origin(client: TestClient, curated: Database) -> None:
    html = client.get(f"/graph/entity/{CAISI}").text
    assert '<script src="/static/vis-network.min.js"></script>' in html
    assert "cdn" not in html.lower()


def test_search_finds_caisi_through_an_alias(client: TestClient, curated: Database) -> None:
    html = client.get("/search", params={"q": "AI Safety Institute"}).text
    assert f'href="/entity/{CAISI}"' in html
    assert "Center for AI Standards and Innovation" in html


def test_search_text_is_escaped(client: TestClient, curated: Database) -> None:
    html = client.get("/", params={"q": "<script>alert(1)</script>"}).text
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_entity_page_lists_dated_cited_facts(client: TestClient, curated: Database) -> None:
    html = client.get(f"/entity/{CAISI}").text
    assert title_of(html).startswith("Center for AI Standards and Innovation")
    assert "2025-06-03" in html  # the renaming, a day-precision date
    assert "Statement from U.S. Secretary of Commerce Howard Lutnick" in html  # its citation
    assert f'href="/api/entities/{CAISI}"' in html
    assert 'href="/api/events?actor=agency%3Acaisi&amp;format=csv"' in html
    spec = graph_spec(html)
    ids = {n["id"] for n in spec["nodes"]}
    assert {CAISI, "agency:us-aisi", REVIEW} <= ids
    csv = client.get("/api/events", params={"actor": CAISI, "format": "csv"})
    assert csv.status_code == 200 and "event:2025-06-03-us-aisi-renamed-caisi" in csv.text


def test_neighbourhood_nodes_edges_and_tooltips(client: TestClient, curated: Database) -> None:
    spec = client.get(f"/graph/entity/{CAISI}", params={"format": "json"}).json()
    nodes = {n["id"]: n for n in spec["nodes"]}
    caisi = nodes[CAISI]
    assert caisi["url"] == f"/entity/{CAISI}"
    assert (caisi["color"], caisi["shape"]) == graph_style.KIND_STYLE["agency"]
    assert "Sources:" in caisi["title"] and "U.S. Department of Commerce" in caisi["title"]
    renamed = [e for e in spec["edges"] if e["relation"] == "SUCCEEDED_BY"]
    assert renamed and renamed[0]["from"] == "agency:us-aisi" and renamed[0]["to"] == CAISI
    assert "2025-06-03" in renamed[0]["label"]
    assert spec["options"]["physics"]["stabilization"]["enabled"] is True
    assert any(item["key"] == "agency" for item in spec["legend"])
    deeper = client.get(f"/graph/entity/{CAISI}", params={"depth": "2", "format": "json"}).json()
    assert deeper["total"] > spec["total"]


def test_edge_dates_keep_their_precision() -> None:
    assert graph_style.date_label("2025-06-03", "day") == "2025-06-03"
    assert graph_style.date_label("2026-06", "month") == "2026-06"
    assert graph_style.date_label("2026-06/2026-11-29", "range") == "2026-06 to 2026-11-29"
    assert graph_style.date_label("../2026-11-29", "range") == "reported by 29 Nov 2026"
    assert graph_style.date_label("unknown", "unknown") == "date unknown"


def test_parties_view_colours_by_standing(client: TestClient, curated: Database) -> None:
    spec = client.get(f"/graph/parties/{REVIEW}", params={"format": "json"}).json()
    color = {n["id"]: n["color"] for n in spec["nodes"]}
    assert color["org:meta"] == graph_style.HOLDOUT_COLOR
    joined = graph_style.STATUS_STYLE["joined"][0]
    for lab in ("org:openai", "org:anthropic", "org:google-deepmind", "org:microsoft", "org:xai"):
        assert color[lab] == joined
    assert color["office:white-house"] == graph_style.STATUS_STYLE["presser"][0]
    standing = {n["id"]: n.get("standing") for n in spec["nodes"]}
    assert standing["org:meta"] == "holdout" and standing["org:openai"] == "joined"
    legend = {item["key"]: item["label"] for item in spec["legend"]}
    assert legend["holdout"] == "holdout: pressed to join or negotiating, not joined"
    assert "joined" in legend and "negotiating" not in legend


def test_parties_view_as_of(client: TestClient, curated: Database) -> None:
    # The joins are dated 2026-06/2026-11-29: on 2026-08-01 they may or may not have happened.
    mid = client.get(f"/graph/parties/{REVIEW}", params={"as_of": "2026-08-01", "format": "json"})
    color = {n["id"]: n["color"] for n in mid.json()["nodes"]}
    assert color["org:openai"] == graph_style.STATUS_STYLE["joined_uncertain"][0]
    assert color["org:meta"] == graph_style.HOLDOUT_COLOR
    before = client.get(
        f"/graph/parties/{REVIEW}", params={"as_of": "2026-05-01", "format": "json"}
    )
    assert [n["id"] for n in before.json()["nodes"]] == [REVIEW]


def test_query_page_table_graph_and_csv(client: TestClient, curated: Database) -> None:
    html = client.get("/queries/holdouts", params={"target": REVIEW, "kind": "lab"}).text
    assert 'href="/entity/org:meta"' in html
    assert "results-table" in html
    csv_url = (
        f"/api/queries/holdouts?{urlencode({'target': REVIEW, 'kind': 'lab', 'format': 'csv'})}"
    )
    assert f'href="{csv_url.replace("&", "&amp;")}"' in html
    csv = client.get(csv_url)
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    assert "org:meta" in csv.text
    assert "org:meta" in {n["id"] for n in graph_spec(html)["nodes"]}


def test_query_page_without_required_params_shows_the_form(client: TestClient) -> None:
    html = client.get("/queries/parties-to").text
    assert 'name="target"' in html and "results-table" not in html
    assert "Try the example" in html


def test_query_graph_view(client: TestClient, curated: Database) -> None:
    spec = client.get("/graph/query/parties-to", params={"target": REVIEW, "format": "json"}).json()
    ids = {n["id"] for n in spec["nodes"]}
    assert {REVIEW, "org:openai", "event:2026-openai-joins-caisi-review"} <= ids
    assert any(e["relation"] == "PARTY_TO" for e in spec["edges"])


def test_whole_graph_filters_by_kind_and_dates(client: TestClient, curated: Database) -> None:
    spec = client.get("/graph", params={"kinds": "lab,program", "format": "json"}).json()
    kinds = {n["kind"] for n in spec["nodes"]}
    assert kinds <= {"lab", "program"} and {"lab", "program"} <= kinds
    in_2026 = client.get(
        "/graph",
        params=[
            ("kinds", "lab"),
            ("kinds", "event"),
            ("from", "2026-01-01"),
            ("to", "2026-12-31"),
            ("format", "json"),
        ],
    ).json()
    ids = {n["id"] for n in in_2026["nodes"]}
    assert "event:2026-meta-negotiating-caisi-review" in ids
    assert "event:2025-06-03-us-aisi-renamed-caisi" not in ids


def test_timeline_draws_uncertain_dates_as_ranges(client: TestClient, curated: Database) -> None:
    html = client.get("/timeline", params={"actor": "org:meta"}).text
    row = html.split('id="event:2026-meta-negotiating-caisi-review"', 1)[1].split("tl-row", 1)[0]
    assert 'class="tl-bar range' in row
    html = client.get("/timeline", params={"actor": CAISI}).text
    row = html.split('id="event:2025-06-03-us-aisi-renamed-caisi"', 1)[1].split("tl-row", 1)[0]
    assert 'class="tl-bar point' in row


def test_timeline_pages(client: TestClient, curated: Database) -> None:
    first = client.get("/timeline", params={"actor": "org:meta", "limit": "1"}).text
    assert first.count('class="tl-row"') == 1
    assert 'href="/timeline?actor=org%3Ameta&amp;limit=1&amp;offset=1" rel="next"' in first
    second = client.get("/timeline", params={"actor": "org:meta", "limit": "1", "offset": "1"})
    assert 'rel="prev"' in second.text


def test_node_cap_notice(small_cap: TestClient, curated: Database) -> None:
    html = small_cap.get("/graph").text
    assert 'id="graph-notice"' in html
    assert "Showing 10 of" in html and "To narrow" in html
    assert len(graph_spec(html)["nodes"]) == 10
    deep = small_cap.get(f"/graph/entity/{CAISI}", params={"depth": "2"}).text
    assert "depth=1" in deep.split('id="graph-notice"', 1)[1].split("</p>", 1)[0]
    entity = small_cap.get(f"/entity/{CAISI}").text
    assert len(graph_spec(entity)["nodes"]) <= 10


@pytest.mark.parametrize(
    "url",
    [
        "/entity/org:no-such-actor",
        "/graph/entity/org:no-such-actor",
        "/graph/parties/program:no-such-program",
        "/queries/no-such-query",
        "/graph/query/no-such-query",
    ],
)
def test_unknown_ids_give_a_404_page(client: TestClient, curated: Database, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "404" in title_of(response.text)


@pytest.mark.parametrize(
    ("url", "param"),
    [
        ("/timeline?from=2026-13-01", "from"),
        ("/timeline?type=coup", "type"),
        ("/timeline?actor=Not%20An%20Id", "actor"),
        ("/timeline?offset=-1", "offset"),
        ("/graph/entity/agency:caisi?depth=3", "depth"),
        ("/graph?kinds=spaceship", "kinds"),
        ("/graph?from=2026-12-31&to=2026-01-01", "from"),
        (f"/graph/parties/{REVIEW}?as_of=soon", "as_of"),
        ("/entity/NOT-AN-ID", "entity_id"),
        ("/queries/timeline?date_from=yesterday", "date_from"),
        ("/queries/timeline?bogus=1", "bogus"),
        ("/queries/holdouts?kind=lab", "target"),
    ],
)
def test_bad_parameters_give_a_422_page(
    client: TestClient, curated: Database, url: str, param: str
) -> None:
    response = client.get(url)
    assert response.status_code == 422, response.text[:300]
    assert response.headers["content-type"].startswith("text/html")
    assert "422" in title_of(response.text)
    assert f'<code class="param">{param}</code>' in response.text


def console_token(client: TestClient) -> str:
    """The CSRF token of the console's form (the client keeps the cookie it signs)."""
    match = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/cypher").text)
    assert match, "the console form has no token"
    return match.group(1)


def test_cypher_console_reads(client: TestClient, curated: Database) -> None:
    response = client.post(
        "/cypher",
        data={
            "query": "MATCH (a:Actor {id: $id})-[r]->(p:Program) RETURN a.name AS name, a, r, p",
            "params": json.dumps({"id": "org:meta"}),
            "csrf_token": console_token(client),
        },
    )
    assert response.status_code == 200
    html = response.text
    assert 'id="cypher-result"' in html and "Meta" in html
    ids = {n["id"] for n in graph_spec(html)["nodes"]}
    assert {"org:meta", REVIEW} <= ids
    assert "curl -s -X POST" in html and "http://testserver/api/cypher" in html
    assert 'href="/cypher?query=MATCH' in html  # the permalink opens the form, filled in


def test_cypher_console_refuses_writes(client: TestClient, curated: Database) -> None:
    response = client.post(
        "/cypher",
        data={
            "query": "CREATE (n:Hack) RETURN n",
            "params": "",
            "csrf_token": console_token(client),
        },
    )
    assert response.status_code == 400
    assert 'id="cypher-error"' in response.text
    assert "is not allowed" in response.text
    assert curated.rows("MATCH (n:Hack) RETURN count(n) AS n")[0]["n"] == 0


def test_cypher_console_bad_params(client: TestClient, curated: Database) -> None:
    response = client.post(
        "/cypher",
        data={"query": "RETURN $x AS x", "params": "{nope", "csrf_token": console_token(client)},
    )
    assert response.status_code == 422
    assert '<code class="param">params</code>' in response.text


def test_a_date_bounded_by_the_day_it_was_recorded_reads_so_on_query_pages(
    client: TestClient, curated: Database
) -> None:
    """The five labs joined some time from June 2026 until the record was written."""
    params = {"target": "program:caisi-frontier-review"}
    html = client.get("/queries/parties-to", params=params).text
    assert "reported by 29 Nov 2026" in html
    assert "2026-06 to 2026-11-29" not in html

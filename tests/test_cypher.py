"""POST /api/cypher under abuse: every write, import, procedure and resource attack is refused."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from conftest import app_client
from fastapi.testclient import TestClient

from govgraph.core.settings import Settings
from govgraph.graph import readonly
from govgraph.graph.db import Database
from govgraph.graph.revision import graph_fingerprint

WRITES = [
    "CREATE (n:Evil {x: 1}) RETURN n",
    "MERGE (n:Evil {x: 1}) RETURN n",
    "MATCH (n:Actor) SET n.name = 'pwned' RETURN n",
    "MATCH (n:Actor) REMOVE n.name RETURN n",
    "MATCH (n:Event) DELETE n",
    "MATCH (n) DETACH DELETE n",
    "create (n:Evil)",
    "MATCH (n) /* harmless? */ SET n.x = 1",
    "MATCH (n) WITH n LIMIT 1 CALL (n) { SET n.x = 1 } RETURN n",
    "UNWIND range(1, 10) AS i CALL { WITH i CREATE (:Evil {i: i}) } IN TRANSACTIONS RETURN i",
    "CREATE INDEX evil IF NOT EXISTS FOR (n:Evil) ON (n.x)",
    "DROP CONSTRAINT actor_id",
    "CREATE CONSTRAINT evil FOR (n:Evil) REQUIRE n.x IS UNIQUE",
    "MATCH (n:Actor) FOREACH (x IN [1] | SET n.x = x)",
    "MATCH (a:Actor), (b:Actor) LIMIT 1 CREATE (a)-[:EVIL]->(b)",
    "USE system SHOW USERS",
    "SHOW USERS",
    "ALTER CURRENT USER SET PASSWORD FROM 'a' TO 'b'",
    "STOP DATABASE neo4j",
]
IMPORTS = [
    "LOAD CSV FROM 'file:///etc/passwd' AS line RETURN line",
    "LOAD CSV FROM 'http://127.0.0.1:9/x.csv' AS line RETURN line",
    "load csv with headers from 'https://example.org/a.csv' as row return row",
]
# Quotes and comment markers arranged to hide what follows from a naive check.
HIDDEN = [
    'RETURN "//" AS a, 1 AS b CALL dbms.listConfig()',
    "MATCH (n) WHERE n.x = '/*' DETACH DELETE n RETURN '*/'",
    "WITH '//' AS x CALL db.stats.retrieve('QUERIES') YIELD data RETURN data",
    "WITH \"/*\" AS x LOAD CSV FROM 'http://127.0.0.1:9/x' AS l RETURN l // */",
    "RETURN 'unclosed",
]
PROCEDURES = [
    "CALL dbms.components()",
    "CALL dbms.security.createUser('x', 'y', false)",
    "CALL apoc.help('x')",
    "RETURN apoc.version()",
    "CALL db.createLabel('Evil')",
    "CALL db.clearQueryCaches()",
    "CALL dbms.setConfigValue('db.logs.query.enabled', 'INFO')",
]


@pytest.fixture(scope="module")
def client(settings: Settings) -> Iterator[TestClient]:
    with app_client(settings, cypher_timeout=2.0) as c:
        yield c


def post(client: TestClient, query: str, params: object = None):  # type: ignore[no-untyped-def]
    return client.post("/api/cypher", json={"query": query, "params": params or {}})


def still_serving(client: TestClient) -> None:
    resp = client.get("/api/queries/parties-to?target=program:caisi-frontier-review")
    assert resp.status_code == 200 and resp.json()["count"] == 5


@pytest.mark.parametrize("query", WRITES + IMPORTS + PROCEDURES + HIDDEN)
def test_refused_and_graph_unchanged(client: TestClient, curated: Database, query: str) -> None:
    before = graph_fingerprint(curated)
    resp = post(client, query)
    assert resp.status_code == 400, resp.text
    err = resp.json()["error"]
    assert err["code"] == "query_rejected" and err["message"] and err["fix"]
    assert graph_fingerprint(curated) == before
    still_serving(client)


def test_plan_check_catches_writes_the_lexical_check_missed(
    client: TestClient, curated: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = graph_fingerprint(curated)
    monkeypatch.setattr(readonly, "lexical_check", lambda cypher, max_chars: None)
    resp = post(client, "CREATE (n:Evil) RETURN n")
    assert resp.status_code == 400
    assert "'Create'" in resp.json()["error"]["message"]
    assert graph_fingerprint(curated) == before


def test_reads_work_and_words_inside_strings_are_fine(
    client: TestClient, curated: Database
) -> None:
    resp = post(
        client,
        "MATCH (n:Actor {id: $id}) RETURN n, 'CREATE SET DELETE' AS words",
        {"id": "org:meta"},
    )
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["count"] == 1 and body["truncated"] is False
    assert body["data"][0]["n"]["properties"]["name"] == "Meta"
    path = post(client, "MATCH p = (:Actor {id: 'org:meta'})-[:NEGOTIATING]->() RETURN p")
    assert path.json()["data"][0]["p"]["relationships"][0]["type"] == "NEGOTIATING"
    allowed = post(client, "CALL db.labels() YIELD label RETURN label ORDER BY label")
    assert "Actor" in [r["label"] for r in allowed.json()["data"]]


def test_million_rows_are_capped_with_a_flag(client: TestClient, curated: Database) -> None:
    body = post(client, "UNWIND range(1, 1000000) AS x RETURN x").json()
    assert body["truncated"] is True and body["count"] == body["row_cap"] == 1000
    assert body["data"][-1]["x"] == 1000
    still_serving(client)


def test_slow_cartesian_product_times_out(client: TestClient, curated: Database) -> None:
    # A filter defeats the count-store shortcut, so every combination is enumerated.
    resp = post(
        client,
        "MATCH (a), (b), (c), (d) WHERE a.id < b.id AND b.id < c.id "
        "AND c.id < d.id RETURN count(*) AS n",
    )
    assert resp.status_code == 408, resp.text
    assert resp.json()["error"]["code"] == "query_timeout"
    still_serving(client)


def test_megabyte_query_is_refused(client: TestClient, curated: Database) -> None:
    resp = post(client, "RETURN 1 // " + "x" * 1_000_000)
    assert resp.status_code == 400
    assert "limit is" in resp.json()["error"]["message"]
    still_serving(client)


@pytest.mark.parametrize(
    ("body", "why"),
    [
        ({"query": "RETURN $x", "params": [1, 2]}, "params"),
        ({"query": "RETURN $x", "params": {f"p{i}": i for i in range(60)}}, "at most 50"),
        ({"query": "RETURN $x", "params": {"x": "y" * 100_000}}, "bytes"),
        ({"query": "RETURN $x", "params": {"bad name": 1}}, "parameter names"),
        ({"params": {}}, "query"),
        ({"query": 42}, "query"),
    ],
)
def test_malformed_parameters(client: TestClient, body: dict, why: str) -> None:  # type: ignore[type-arg]
    resp = client.post("/api/cypher", json=body)
    assert resp.status_code == 422, resp.text
    assert why in resp.json()["error"]["message"]


def test_not_json_at_all(client: TestClient) -> None:
    resp = client.post(
        "/api/cypher", content=b"\xff\xfe not json", headers={"content-type": "application/json"}
    )
    assert resp.status_code in {400, 422}
    assert resp.json()["error"]["message"]


def test_unicode_and_quotes_travel_as_values(client: TestClient, curated: Database) -> None:
    for value in ("O'Brien", 'say "hi"', "Ünïcødé ☃ 漢字", "x}) DETACH DELETE n //"):
        resp = post(
            client, "MATCH (n:Entity) WHERE n.name = $v RETURN n.id AS id, $v AS echo", {"v": value}
        )
        assert resp.status_code == 200
        assert resp.json()["data"] == []
        echo = post(client, "RETURN $v AS echo", {"v": value}).json()
        assert echo["data"] == [{"echo": value}]


def test_syntax_error_carries_the_neo4j_code(client: TestClient, curated: Database) -> None:
    resp = post(client, "MATCH (n RETURN n")
    assert resp.status_code == 400
    err = resp.json()["error"]
    assert err["neo4j_code"] == "Neo.ClientError.Statement.SyntaxError"


@pytest.mark.parametrize(
    ("query", "why"),
    [
        ("WITH 1 AS x CALL db.stats.retrieve('QUERIES') YIELD data RETURN data", "Procedure"),
        ("CALL db.prepareForReplanning()", "Procedure"),
        ("LOAD CSV FROM 'http://127.0.0.1:9/x.csv' AS line RETURN line", "LOAD CSV"),
    ],
)
def test_plan_check_enforces_the_procedure_allowlist_and_no_load_csv(
    client: TestClient, curated: Database, monkeypatch: pytest.MonkeyPatch, query: str, why: str
) -> None:
    monkeypatch.setattr(readonly, "lexical_check", lambda cypher, max_chars: None)
    resp = post(client, query)
    assert resp.status_code == 400, resp.text
    assert why in resp.json()["error"]["message"]


def test_out_of_range_integers_are_a_parameter_error(client: TestClient) -> None:
    resp = post(client, "RETURN $x AS x", {"x": 10**20})
    assert resp.status_code == 422
    assert resp.json()["error"]["param"] == "x"
    nested = post(client, "RETURN $x AS x", {"x": {"deep": [1, -(10**30)]}})
    assert nested.status_code == 422


def test_temporal_and_spatial_values_come_back_readable(
    client: TestClient, curated: Database
) -> None:
    body = post(
        client,
        "RETURN duration('P1D') AS d, date('2026-06-01') AS day, point({x: 1.0, y: 2.0}) AS p",
    ).json()
    row = body["data"][0]
    assert row["d"] == "P1D" and row["day"] == "2026-06-01"
    assert row["p"]["coordinates"] == [1.0, 2.0]


@pytest.mark.parametrize(
    "raw",
    [
        b'{"query": "RETURN $x AS x", "params": {"x": "\\ud800"}}',
        b'{"query": "RETURN $x AS x", "params": {"x": {"\\udfff": 1}}}',
        b'{"query": "RETURN $x AS x", "params": {"x": ["ok", "\\ud83d"]}}',
    ],
)
def test_lone_surrogates_are_refused_before_the_driver(client: TestClient, raw: bytes) -> None:
    resp = client.post("/api/cypher", content=raw, headers={"content-type": "application/json"})
    assert resp.status_code == 422, resp.text
    assert "Unicode" in resp.json()["error"]["message"]
    still_serving(client)

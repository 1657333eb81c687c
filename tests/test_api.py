"""The HTTP API against the real server with the curated data."""

from __future__ import annotations

import csv
import io
import json

import pytest
from fastapi.testclient import TestClient

from govgraph.api.main import create_app
from govgraph.core.settings import Settings
from govgraph.graph.db import Database

CAISI_REVIEW = "program:caisi-frontier-review"


def assert_error(resp, status: int, code: str) -> dict:  # type: ignore[no-untyped-def,type-arg]
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code and body["error"]["message"]
    return body["error"]  # type: ignore[no-any-return]


def test_openapi_and_docs(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    for path in (
        "/api/queries",
        "/api/queries/{name}",
        "/api/entities",
        "/api/entities/{entity_id}",
        "/api/events",
        "/api/cypher",
    ):
        assert path in spec["paths"]
    assert client.get("/docs").status_code == 200


def test_list_queries(client: TestClient) -> None:
    body = client.get("/api/queries").json()
    assert body["count"] == len(body["data"]) >= 10
    parties = next(q for q in body["data"] if q["name"] == "parties-to")
    assert {p["name"] for p in parties["params"]} == {"target", "as_of", "reviewed_only"}
    assert parties["api_url"] == "/api/queries/parties-to"


def test_run_query_json_and_csv(client: TestClient, curated: Database) -> None:
    body = client.get(f"/api/queries/parties-to?target={CAISI_REVIEW}").json()
    assert body["count"] == 5 and body["params"]["target"] == CAISI_REVIEW
    assert all(r["sources"] for r in body["data"])
    resp = client.get(f"/api/queries/parties-to?target={CAISI_REVIEW}&format=csv")
    assert resp.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(resp.text)))
    assert {r["actor_id"] for r in rows} == {r["actor_id"] for r in body["data"]}
    assert "sources" not in rows[0]  # one column per source field instead (test_citations_csv)
    assert any(r["source_1_url"] and r["source_1_publisher"] for r in rows)


def test_query_errors(client: TestClient, curated: Database) -> None:
    assert_error(client.get("/api/queries/no-such-query"), 404, "not_found")
    err = assert_error(client.get("/api/queries/parties-to"), 422, "bad_parameter")
    assert err["param"] == "target"
    err = assert_error(
        client.get(f"/api/queries/parties-to?target={CAISI_REVIEW}&as_of=2026-13-01"),
        422,
        "bad_parameter",
    )
    assert err["param"] == "as_of" and "month 13" in err["message"]
    err = assert_error(
        client.get(f"/api/queries/parties-to?target={CAISI_REVIEW}&target=x:y"),
        422,
        "bad_parameter",
    )
    assert "more than once" in err["message"]
    assert_error(client.get("/api/queries/timeline?limit=99999999"), 422, "bad_parameter")
    assert_error(
        client.get(f"/api/queries/holdouts?target={CAISI_REVIEW}&kind=bogus"), 422, "bad_parameter"
    )


def test_entity_search_through_alias_case_and_accents(
    client: TestClient, curated: Database
) -> None:
    ids = [e["id"] for e in client.get("/api/entities?q=AI Safety Institute").json()["data"]]
    assert "agency:caisi" in ids
    for q in ("caisi", "CAISI", "Cénter for AI Standards", "u.s. ai safety"):
        found = [e["id"] for e in client.get("/api/entities", params={"q": q}).json()["data"]]
        assert "agency:caisi" in found, q
    labs = client.get("/api/entities?kind=lab&limit=500").json()
    assert labs["count"] > 5 and {e["kind"] for e in labs["data"]} == {"lab"}
    for hostile in ('"', "a:b", "(", "x AND", "\\", "*", "~", "o'brien ☃"):
        resp = client.get("/api/entities", params={"q": hostile})
        assert resp.status_code == 200, (hostile, resp.text)
    assert_error(client.get("/api/entities?kind=spaceship"), 422, "bad_parameter")
    assert_error(client.get("/api/entities", params={"q": "x" * 201}), 422, "bad_parameter")


def test_entity_detail(client: TestClient, curated: Database) -> None:
    body = client.get("/api/entities/agency:caisi").json()
    assert body["name"] == "Center for AI Standards and Innovation"
    assert "U.S. AI Safety Institute" in body["aliases"]
    assert body["sources"]
    assert any(
        r["relation"] == "SUCCEEDED_BY" and r["id"] == "agency:us-aisi"
        for r in body["relationships"]
    )
    assert_error(client.get("/api/entities/agency:does-not-exist"), 404, "not_found")
    assert_error(client.get("/api/entities/<script>"), 422, "bad_parameter")


def test_events_filters_pagination_and_csv(client: TestClient, curated: Database) -> None:
    first = client.get("/api/events?limit=5").json()
    assert first["count"] == 5 and first["next_offset"] == 5
    second = client.get("/api/events?limit=5&offset=5").json()
    assert not {e["event_id"] for e in first["data"]} & {e["event_id"] for e in second["data"]}
    meta = client.get("/api/events?actor=org:meta").json()
    assert meta["count"] >= 2 and all(e["sources"] for e in meta["data"])
    ranged = client.get("/api/events?from=2024-01-01&to=2024-12-31&type=joined").json()
    assert ranged["count"] > 0
    for e in ranged["data"]:
        assert e["type"] == "joined"
        assert e["latest"] is None or e["latest"] >= "2024-01-01"
        assert e["earliest"] is None or e["earliest"] <= "2024-12-31"
    resp = client.get("/api/events?actor=org:meta&format=csv")
    assert resp.status_code == 200 and "event_id" in resp.text.splitlines()[0]
    assert_error(client.get("/api/events?from=2024-02-30"), 422, "bad_parameter")
    assert_error(client.get("/api/events?type=party"), 422, "bad_parameter")
    assert_error(client.get("/api/events?limit=0"), 422, "bad_parameter")


def test_unknown_route_uses_the_error_shape(client: TestClient) -> None:
    assert_error(client.get("/api/nothing-here"), 404, "not_found")


def test_cors_origins_from_settings(settings: Settings, curated: Database) -> None:
    app = create_app(settings.model_copy(update={"cors_origins": ["http://newsroom.example"]}))
    with TestClient(app) as c:
        ok = c.get("/api/queries", headers={"Origin": "http://newsroom.example"})
        assert ok.headers["access-control-allow-origin"] == "http://newsroom.example"
        other = c.get("/api/queries", headers={"Origin": "http://elsewhere.example"})
        assert "access-control-allow-origin" not in other.headers
    with TestClient(create_app(settings)) as c:
        closed = c.get("/api/queries", headers={"Origin": "http://newsroom.example"})
        assert "access-control-allow-origin" not in closed.headers


def test_cors_setting_parses_a_comma_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOVGRAPH_CORS_ORIGINS", "http://a.example, http://b.example")
    assert Settings().cors_origins == ["http://a.example", "http://b.example"]


def test_events_refuse_unknown_filters_and_page_past_a_thousand(
    client: TestClient, curated: Database
) -> None:
    err = assert_error(client.get("/api/events?date_from=2024-01-01"), 422, "bad_parameter")
    assert err["param"] == "date_from" and "from" in err["message"]
    total = len(client.get("/api/events?limit=1000").json()["data"])
    assert client.get("/api/events?offset=2000").json()["count"] == 0
    page = client.get("/api/events?limit=100&offset=100").json()
    assert page["count"] == min(100, max(total - 100, 0))


def test_health_and_readiness(client: TestClient, curated: Database) -> None:
    assert client.get("/healthz").json()["status"] == "ok"
    ready = client.get("/readyz")
    assert ready.status_code == 200, ready.text
    assert ready.json()["status"] == "ready" and ready.json()["revision"]
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/healthz", "/readyz"} <= set(paths)


@pytest.mark.parametrize(
    "raw",
    [
        b'{"query": "RETURN $x AS x", "params": {"\\ud800": 1}}',
        b'{"query": "RETURN $x AS x", "params": {"x\\udfff": 1}}',
    ],
)
def test_an_error_that_echoes_a_lone_surrogate_is_still_json(
    client: TestClient, raw: bytes
) -> None:
    resp = client.post("/api/cypher", content=raw, headers={"content-type": "application/json"})
    err = assert_error(resp, 422, "bad_parameter")
    assert err["message"].startswith("parameter '")


def test_the_error_shape_encodes_whatever_it_echoes() -> None:
    from govgraph.api.errors import error_response

    resp = error_response(422, "bad_parameter", "parameter '\ud800x'", param="\udfff")
    assert json.loads(resp.body)["error"] == {
        "code": "bad_parameter",
        "message": "parameter '?x'",
        "param": "?",
    }
    assert error_response(503, "busy", "retry").headers["retry-after"] == "2"


def test_user_cypher_answers_carry_their_caps(client: TestClient, curated: Database) -> None:
    resp = client.post("/api/cypher", json={"query": "UNWIND range(1, 3) AS x RETURN x"})
    body = resp.json()
    assert body["data"] == [{"x": 1}, {"x": 2}, {"x": 3}] and body["count"] == 3
    assert body["truncated"] is False and body["note"] is None
    assert body["row_cap"] == 1000 and body["byte_cap"] == 8 * 2**20


def test_the_common_labels_never_show_as_a_records_label(
    client: TestClient, curated: Database
) -> None:
    hidden = {"Entity", "Record"}
    detail = client.get("/api/entities/agency:caisi").json()
    assert detail["labels"] and not hidden & set(detail["labels"])
    listed = client.get("/api/entities", params={"q": "Meta"}).json()["data"]
    assert listed and all(not hidden & set(e["labels"]) for e in listed)
    paths = client.get(
        "/api/queries/paths", params={"source": "org:meta", "target": "org:openai"}
    ).json()["data"]
    labels = {node["label"] for row in paths for node in row["nodes"]}
    assert paths and labels and not hidden & labels, labels

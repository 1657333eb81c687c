"""Bulkheads and byte budgets: hostile user Cypher cannot starve the API or its memory.

The app is served by a real uvicorn on a loopback port; the hostile queries run against the
real test server. Neo4j cannot interrupt a single-row expression (see graph/readonly.py), so
each test that starts one waits until the server has finished it before handing over.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from conftest import app_client
from fastapi import FastAPI
from live_server import served

from govgraph import queries
from govgraph.api.deps import bulkhead_for
from govgraph.api.main import create_app
from govgraph.core.errors import BadParameter, Overloaded, QueryTimeout
from govgraph.core.settings import Settings
from govgraph.graph.bulkhead import Bulkhead
from govgraph.graph.db import Database
from govgraph.graph.readonly import run_readonly

DEADLINE = 1.0
MARGIN = 1.5  # what a 408 may take past the deadline on a busy 2-core machine
# Single-row expressions: Neo4j checks no time limit inside them (a few seconds of CPU here).
UNINTERRUPTIBLE = "RETURN reduce(s = 0, x IN range(1, 200000000) | s + x) AS s"
# Row-producing work that Neo4j does stop at the transaction's timeout.
INTERRUPTIBLE = "UNWIND range(1, 100000000000) AS x WITH x WHERE x % 7 = 0 RETURN count(*) AS n"
DEEP = "RETURN reduce(l = [], x IN range(1, 260) | [l]) AS v"
MEGABYTE = "reduce(s = 'x', i IN range(1, 20) | s + s)"  # a 1 MiB string
HUGE_ROWS = f"UNWIND range(1, 100) AS i RETURN i, {MEGABYTE} AS blob"
USER_WORK = (
    "SHOW TRANSACTIONS YIELD metaData, status WHERE metaData.work = 'user-cypher' RETURN status"
)


def wait_until_idle(app: FastAPI | Bulkhead, db: Database, limit: float = 180) -> float:
    """Seconds until no bulkhead slot is taken and Neo4j runs no user query any more."""
    gate = app if isinstance(app, Bulkhead) else bulkhead_for(app)
    started = time.monotonic()
    while time.monotonic() - started < limit:
        if gate.busy == 0 and not db.rows(USER_WORK):
            return time.monotonic() - started
        time.sleep(0.2)
    raise AssertionError(f"user queries still running after {limit} s: {db.rows(USER_WORK)}")


@pytest.fixture(scope="module")
def app(settings: Settings) -> FastAPI:
    return create_app(settings.model_copy(update={"cypher_timeout": DEADLINE}))


@pytest.fixture(scope="module")
def base(app: FastAPI) -> Iterator[str]:
    with served(app) as url:
        yield url


def post(client: httpx.Client, query: str) -> httpx.Response:
    return client.post("/api/cypher", json={"query": query, "params": {}})


def test_interruptible_burner_is_a_408_and_neo4j_stops_it(
    app: FastAPI, base: str, curated: Database
) -> None:
    with httpx.Client(base_url=base, timeout=30) as client:
        started = time.monotonic()
        resp = post(client, INTERRUPTIBLE)
        took = time.monotonic() - started
    assert resp.status_code == 408, resp.text
    assert resp.json()["error"]["code"] == "query_timeout"
    assert took < DEADLINE + MARGIN
    assert wait_until_idle(app, curated, limit=10) < 5


def test_single_row_burner_is_a_408_at_the_deadline_and_holds_its_slot_until_done(
    settings: Settings, curated: Database
) -> None:
    app = create_app(
        settings.model_copy(update={"cypher_timeout": DEADLINE, "cypher_concurrency": 1})
    )
    with served(app) as url, httpx.Client(base_url=url, timeout=30) as client:
        started = time.monotonic()
        resp = post(client, UNINTERRUPTIBLE)
        took = time.monotonic() - started
        assert resp.status_code == 408, resp.text
        assert took < DEADLINE + MARGIN
        # Neo4j is still computing it: its slot stays taken, so the next one is refused at once.
        if bulkhead_for(app).busy:
            started = time.monotonic()
            busy = post(client, "RETURN 1 AS one")
            assert busy.status_code == 503, busy.text
            assert busy.headers["retry-after"].isdigit()
            assert busy.json()["error"]["code"] == "overloaded"
            assert time.monotonic() - started < 0.5
        wait_until_idle(app, curated)
        assert post(client, "RETURN 1 AS one").json()["data"] == [{"one": 1}]


def test_the_console_path_has_the_same_deadline_and_bulkhead(curated: Database) -> None:
    gate = Bulkhead(slots=1)
    limits: dict[str, Any] = {"timeout": DEADLINE, "row_cap": 10, "max_chars": 20_000}
    started = time.monotonic()
    with pytest.raises(QueryTimeout, match="time limit of 1 s"):
        run_readonly(curated, UNINTERRUPTIBLE, {}, bulkhead=gate, **limits)
    assert time.monotonic() - started < DEADLINE + MARGIN
    if gate.busy:
        with pytest.raises(Overloaded, match="already running"):
            run_readonly(curated, "RETURN 1 AS one", {}, bulkhead=gate, **limits)
    wait_until_idle(gate, curated)
    assert run_readonly(curated, "RETURN 1 AS one", {}, bulkhead=gate, **limits).rows == [
        {"one": 1}
    ]


def test_fifty_hostile_requests_leave_the_rest_of_the_api_answering(
    app: FastAPI, base: str, curated: Database
) -> None:
    hostile = [UNINTERRUPTIBLE, INTERRUPTIBLE, DEEP, HUGE_ROWS, "RETURN [[[[[[[[[[1]]]]]]]]]]"]
    statuses: list[int] = []
    probes: list[tuple[int, float]] = []
    stop = threading.Event()
    limits = httpx.Limits(max_connections=80, max_keepalive_connections=80)

    def attack(i: int, client: httpx.Client) -> None:
        resp = post(client, hostile[i % len(hostile)])
        statuses.append(resp.status_code)

    def probe(client: httpx.Client) -> None:
        while not stop.is_set():
            started = time.monotonic()
            resp = client.get("/api/queries")
            probes.append((resp.status_code, time.monotonic() - started))
            time.sleep(0.05)

    with httpx.Client(base_url=base, timeout=60, limits=limits) as client:
        client.get("/api/queries")  # warm: connection and route
        prober = threading.Thread(target=probe, args=(client,), daemon=True)
        prober.start()
        with ThreadPoolExecutor(max_workers=50) as pool:
            for _ in range(2):  # two waves of 50 at once
                list(pool.map(lambda i: attack(i, client), range(50)))
        time.sleep(1)
        stop.set()
        prober.join(timeout=10)
    assert len(statuses) == 100
    assert set(statuses) <= {200, 400, 408, 503}, statuses
    assert 503 in statuses and 408 in statuses  # the bulkhead refused, the deadline cut
    assert len(probes) > 10 and {status for status, _ in probes} == {200}
    slowest = max(seconds for _, seconds in probes)
    assert slowest < 1.0, f"the slowest GET /api/queries took {slowest:.2f} s"
    wait_until_idle(app, curated)


def test_huge_rows_are_cut_by_bytes(app: FastAPI, base: str, curated: Database) -> None:
    cap = app.state.settings.cypher_max_bytes
    with httpx.Client(base_url=base, timeout=60) as client:
        resp = post(client, HUGE_ROWS)
        assert resp.status_code == 200, resp.text[:300]
        body = resp.json()
        assert body["truncated"] is True and "byte cap" in body["note"]
        assert 0 < body["count"] < 100 and body["byte_cap"] == cap
        assert len(resp.content) <= cap + 1024
        one = post(client, "RETURN reduce(s = 'x', i IN range(1, 24) | s + s) AS blob")
    assert one.status_code == 400, one.text[:300]
    err = one.json()["error"]
    assert err["code"] == "result_too_large" and "capped at" in err["message"] and err["fix"]
    wait_until_idle(app, curated)


def test_deep_answers_and_non_numbers_are_never_a_500(
    app: FastAPI, base: str, curated: Database
) -> None:
    with httpx.Client(base_url=base, timeout=30) as client:
        deep = post(client, DEEP)
        assert deep.status_code == 400, deep.text
        assert deep.json()["error"]["code"] == "result_too_deep"
        fine = post(client, "RETURN reduce(l = [], x IN range(1, 20) | [l]) AS v")
        assert fine.status_code == 200
        odd = post(client, "RETURN 0.0 / 0.0 AS nan, 1.0 / 0.0 AS inf, -1.0 / 0.0 AS ninf")
    assert odd.status_code == 200, odd.text
    assert odd.json()["data"] == [{"nan": "NaN", "inf": "Infinity", "ninf": "-Infinity"}]


def test_cache_stays_under_its_byte_budget(settings: Settings, curated: Database) -> None:
    budget = 2**20
    url = "/api/queries/timeline?actor=org:meta&limit={}"
    with app_client(settings, cache_max_bytes=budget, cache_seconds=60) as client:
        cache = client.app.state.cache  # type: ignore[attr-defined]
        peak = 0
        for limit in range(1, 2101):
            assert client.get(url.format(limit)).status_code == 200
            peak = max(peak, cache.bytes)
        assert 0 < cache.bytes <= peak <= budget
        assert 10 < len(cache) < 2100  # kept the most recent, evicted the rest
        first = client.get(url.format(1))  # evicted long ago: computed again, same answer
        assert first.status_code == 200 and first.json()["params"]["limit"] == 1


FULLWIDTH_12, ARABIC_INDIC_12 = "\uff11\uff12", "\u0661\u0662"


@pytest.mark.parametrize(
    "spelling", [FULLWIDTH_12, ARABIC_INDIC_12, "1_2", " 12 ", "+12", "012", "12.0", "1e2"]
)
def test_integer_parameters_take_ascii_digits_only(spelling: str) -> None:
    with pytest.raises(BadParameter, match="digits 0-9") as exc:
        queries.get("timeline").bind({"limit": spelling})
    assert exc.value.param == "limit"
    assert queries.get("timeline").bind({"limit": "12"})["limit"] == 12


@pytest.mark.parametrize(
    "spelling",
    [
        "".join(chr(0xFF10 + int(c)) if c.isdigit() else c for c in "2026-01-01"),
        "".join(chr(0x0660 + int(c)) if c.isdigit() else c for c in "2026-01-01"),
        " 2026-01-01",
        "2026-01-01 ",
    ],
)
def test_date_parameters_take_ascii_digits_only(spelling: str) -> None:
    with pytest.raises(BadParameter, match="digits 0-9"):
        queries.get("parties-to").bind({"target": "program:x", "as_of": spelling})


@pytest.mark.parametrize("spelling", [FULLWIDTH_12, ARABIC_INDIC_12, "1_2", " 12 "])
def test_the_api_refuses_other_digits_with_a_422(
    app: FastAPI, base: str, curated: Database, spelling: str
) -> None:
    resp = httpx.get(f"{base}/api/queries/timeline", params={"limit": spelling}, timeout=10)
    assert resp.status_code == 422, resp.text
    error: dict[str, Any] = resp.json()["error"]
    assert error["param"] == "limit" and "digits 0-9" in error["message"]

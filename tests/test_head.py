"""HEAD is answered wherever GET is: same status and headers, no body."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from live_server import served

from govgraph.api.main import create_app
from govgraph.core.settings import Settings
from govgraph.graph.db import Database

CAISI = "agency:caisi"
REVIEW = "program:caisi-frontier-review"
# A value for each path parameter, so every route is asked about something that exists.
PATH_VALUES = {
    "entity_id": CAISI,
    "record_id": CAISI,
    "target_id": REVIEW,
    "name": "parties-to",
}
PATH_PARAM = re.compile(r"\{([a-z_]+)(?::[a-z]+)?\}")


def get_paths(app: FastAPI, event_id: str) -> list[str]:
    """Every GET route of the app, its path parameters filled in."""
    values = {**PATH_VALUES, "event_id": event_id}
    paths = []
    for route in iter_route_contexts(app.routes):
        if "GET" not in (getattr(route, "methods", None) or ()) or route.path is None:
            continue
        paths.append(PATH_PARAM.sub(lambda m: values.get(m.group(1), CAISI), route.path))
    return paths


@pytest.fixture(scope="module")
def app(settings: Settings) -> FastAPI:
    return create_app(settings)


@pytest.fixture(scope="module")
def base(app: FastAPI) -> Iterator[str]:
    with served(app, "uvicorn-head") as url:
        yield url


def some_event(client: TestClient) -> str:
    events = client.get("/api/events", params={"limit": 1}).json()["data"]
    assert events, "the curated data holds events"
    return str(events[0]["event_id"])


def test_every_get_route_answers_head_alike(client: TestClient, curated: Database) -> None:
    paths = get_paths(client.app, some_event(client))  # type: ignore[arg-type]
    assert {"/", "/api/queries/parties-to", "/api/entities/agency:caisi"} <= set(paths)
    for path in [*paths, "/static/vis-network.min.js", "/no/such/page"]:
        got = client.get(path, follow_redirects=False)
        head = client.head(path, follow_redirects=False)
        assert head.status_code == got.status_code != 405, path
        assert head.content == b"", path
        assert head.headers.get("content-type") == got.headers.get("content-type"), path
        if got.headers.get("content-length") and path != "/cypher":  # a fresh token each time
            assert head.headers["content-length"] == got.headers["content-length"], path


def test_head_of_the_home_page_is_200_over_a_real_server(base: str, curated: Database) -> None:
    head = httpx.head(f"{base}/", timeout=10)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-type"].startswith("text/html")
    assert int(head.headers["content-length"]) == len(httpx.get(f"{base}/", timeout=10).content)
    answer = httpx.head(f"{base}/api/queries/parties-to", params={"target": REVIEW}, timeout=10)
    assert answer.status_code == 200 and answer.content == b""
    assert answer.headers["content-security-policy"]  # the security layer still wraps it


def test_head_keeps_errors_and_posts_stay_posts(base: str, curated: Database) -> None:
    missing = httpx.head(f"{base}/api/entities/org:no-such-lab", timeout=10)
    assert missing.status_code == 404 and missing.content == b""
    assert missing.headers["content-type"] == "application/json"
    assert httpx.head(f"{base}/api/cypher", timeout=10).status_code == 405

"""Request bodies are capped, declared or chunked: 413 in the error shape, nothing read on."""

from __future__ import annotations

from collections.abc import Iterator

from conftest import app_client

from govgraph.core.settings import Settings


def test_declared_and_chunked_bodies_over_the_cap_are_413(settings: Settings) -> None:
    with app_client(settings, max_body_bytes=4096) as client:
        big = "x" * 10_000
        declared = client.post(
            "/api/cypher", content=big.encode(), headers={"content-type": "application/json"}
        )
        assert declared.status_code == 413
        assert declared.json()["error"]["code"] == "body_too_large"

        def chunks() -> Iterator[bytes]:
            for _ in range(100):
                yield b" " * 1000

        chunked = client.post(
            "/api/proposals", content=chunks(), headers={"content-type": "application/json"}
        )
        assert chunked.status_code == 413, chunked.text
        assert set(chunked.json()) == {"error"}
        small = client.post("/api/cypher", json={"query": "RETURN 1 AS one"})
        assert small.status_code != 413


def test_a_body_that_is_not_json_names_the_body(settings: Settings) -> None:
    with app_client(settings) as client:
        response = client.post(
            "/api/cypher", content=b'{"query": ', headers={"content-type": "application/json"}
        )
        assert response.status_code == 422
        assert response.json()["error"]["param"] == "body"

"""Property-based requests generated from the OpenAPI schema: no endpoint answers 5xx."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck
from hypothesis import settings as hsettings

from govgraph.api.main import create_app
from govgraph.core.settings import get_settings

# The app opens its Neo4j driver lazily, on the first request, against the session's server.
schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(get_settings()))


@pytest.fixture(autouse=True)
def _server(curated: object) -> None:
    """Every generated request runs against the real server holding the curated data."""


@schema.parametrize()
@hsettings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_errors(case: schemathesis.Case) -> None:
    response = case.call()
    assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.text[:500]}"
    if response.status_code >= 400:
        assert set(response.json()) == {"error"}

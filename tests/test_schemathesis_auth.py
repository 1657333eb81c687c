"""Property-based requests to the endpoints that write or need an account, sent as an admin
and as a contributor, against the real server: none answers 5xx, every error has one shape."""

from __future__ import annotations

import pytest
import schemathesis
from conftest import DATA_DIR
from hypothesis import HealthCheck
from hypothesis import settings as hsettings
from pydantic import SecretStr

from govgraph.api.main import create_app
from govgraph.core.settings import get_settings
from govgraph.graph import accounts
from govgraph.graph.api_tokens import issue_token
from govgraph.graph.db import Database
from govgraph.ingest.validate import load_dataset
from govgraph.ingest.writer import ingest

KEY = "schemathesis-admin-bootstrap-key"
app = create_app(get_settings().model_copy(update={"api_key": SecretStr(KEY)}))
schema = schemathesis.openapi.from_asgi("/openapi.json", app).include(
    path_regex=r"^/api/(proposals|records|users|tokens|me|webhooks|history|changes)"
)


@pytest.fixture
def contributor(clean_db: Database) -> dict[str, str]:
    """A seeded graph and a contributor's bearer header."""
    ingest(clean_db, load_dataset([DATA_DIR / "caisi-review-2026.yaml"]))
    accounts.add_user(clean_db, "fuzzer", "contributor", "fuzzer-password-long-enough")
    plain, _ = issue_token(clean_db, "fuzzer", label="schemathesis", days=1)
    return {"Authorization": f"Bearer {plain}"}


@schema.parametrize()
@hsettings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_authenticated_requests_never_answer_5xx(
    case: schemathesis.Case, contributor: dict[str, str]
) -> None:
    for headers in ({"Authorization": f"Bearer {KEY}"}, contributor):
        response = case.call(headers=headers)
        where = f"{case.method} {case.formatted_path} as {headers['Authorization'][:12]}"
        assert response.status_code < 500, f"{where}: {response.text[:500]}"
        if response.status_code >= 400:
            assert set(response.json()) == {"error"}, where

"""A client generated from /openapi.json by a maintained generator asks typed questions.

openapi-python-client (the `test` extra) writes a Python package from the served document; the
test imports it and calls named queries over a real uvicorn on loopback, with typed arguments,
and reads typed rows back.
"""

from __future__ import annotations

import datetime
import importlib
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
from live_server import served

from govgraph import queries
from govgraph.api.main import create_app
from govgraph.core.settings import Settings
from govgraph.graph.db import Database

GENERATOR = Path(sys.executable).parent / "openapi-python-client"
PACKAGE = "govgraph_generated_client"
REVIEW = "program:caisi-frontier-review"
COMMITMENTS = "agreement:us-voluntary-commitments-2023-07"
ERRORS = {"404", "408", "422", "503"}


@pytest.fixture(scope="module")
def base(settings: Settings) -> Iterator[str]:
    # A roomy query deadline: the test is about types, and a busy machine must not time out.
    with served(
        create_app(settings.model_copy(update={"cypher_timeout": 60})), "uvicorn-client"
    ) as url:
        yield url


@pytest.fixture(scope="module")
def spec(base: str) -> dict[str, Any]:
    answer: dict[str, Any] = httpx.get(f"{base}/openapi.json", timeout=30).json()
    return answer


@pytest.fixture(scope="module")
def client_package(
    spec: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ModuleType]:
    """The generated package, importable for the module's tests."""
    root = tmp_path_factory.mktemp("client")
    (root / "openapi.json").write_text(json.dumps(spec))
    (root / "config.yaml").write_text("post_hooks: []\n")  # no formatter run: the code as generated
    done = subprocess.run(
        [str(GENERATOR), "generate", "--path", "openapi.json", "--meta", "none",
         "--output-path", PACKAGE, "--config", "config.yaml"],
        cwd=root, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    sys.path.insert(0, str(root))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(root))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


def module(name: str) -> Any:
    return importlib.import_module(f"{PACKAGE}.{name}")


def test_operation_ids_read_as_tag_and_route(spec: dict[str, Any]) -> None:
    ids = [op["operationId"] for path in spec["paths"].values() for op in path.values()]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z]+-[a-z_]+", i) for i in ids), ids
    assert {"queries-run_query", "queries-parties_to", "entities-get_entity"} <= set(ids)
    for name in queries.registry():
        op = spec["paths"][f"/api/queries/{name}"]["get"]
        assert op["operationId"] == f"queries-{name.replace('-', '_')}"


def test_every_endpoint_documents_its_errors_in_the_shared_shape(spec: dict[str, Any]) -> None:
    error_ref = "#/components/schemas/ErrorPublic"
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            documented = set(op["responses"]) - {"200", "400"}
            wanted = {"503"} if op["tags"] == ["health"] else ERRORS
            assert wanted <= documented, (method, path, documented)
            for status in wanted:
                schema = op["responses"][status]["content"]["application/json"]["schema"]
                assert schema == {"$ref": error_ref}, (method, path, status)
            if path.startswith(("/api/queries", "/api/entities", "/api/events")):
                assert "Retry-After" in op["responses"]["503"]["headers"], path


def test_named_queries_have_typed_parameters_and_rows(spec: dict[str, Any]) -> None:
    params = {p["name"]: p for p in spec["paths"]["/api/queries/holdouts"]["get"]["parameters"]}
    assert params["target"]["required"] and params["target"]["schema"]["pattern"]
    assert params["as_of"]["schema"] == {"type": "string", "format": "date"}
    assert (
        "lab" in params["kind"]["schema"]["enum"] and params["kind"]["schema"]["default"] == "lab"
    )
    assert params["reviewed_only"]["schema"]["type"] == "boolean"
    timeline = {p["name"]: p for p in spec["paths"]["/api/queries/timeline"]["get"]["parameters"]}
    assert timeline["limit"]["schema"] == {
        "type": "integer",
        "minimum": 0,
        "maximum": 100000,
        "default": 200,
    }
    row = spec["components"]["schemas"]["PartiesToRow"]
    assert set(row["required"]) == {col for col, _ in queries.get("parties-to").returns}
    assert row["properties"]["sources"]["items"] == {"$ref": "#/components/schemas/SourceRef"}


def test_a_generated_client_asks_parties_to_with_typed_arguments(
    client_package: ModuleType, base: str, curated: Database
) -> None:
    client = client_package.Client(base_url=base, raise_on_unexpected_status=True)
    parties_to = module("api.queries.queries_parties_to")
    answer = parties_to.sync(client=client, target=REVIEW, as_of=datetime.date(2026, 8, 1))
    assert type(answer).__name__ == "PartiesToPublic", answer
    assert answer.count == len(answer.data) > 0
    row = answer.data[0]
    assert type(row).__name__ == "PartiesToRow"
    assert row.target_id == REVIEW and row.actor_id.startswith(("org:", "lab:"))
    assert row.party_as_of in {"yes", "uncertain"} and isinstance(row.reviewed, bool)
    assert type(row.sources[0]).__name__ == "SourceRef" and row.sources[0].publisher


def test_a_generated_client_gets_the_error_shape_typed(
    client_package: ModuleType, base: str, curated: Database
) -> None:
    client = client_package.Client(base_url=base)
    parties_to = module("api.queries.queries_parties_to")
    response = parties_to.sync_detailed(client=client, target="program:caisi-frontier-revue")
    assert response.status_code == 404
    assert type(response.parsed).__name__ == "ErrorPublic"
    assert response.parsed.error.code == "not_found" and REVIEW in response.parsed.error.fix


def test_a_generated_client_asks_holdouts_with_an_enum(
    client_package: ModuleType, base: str, curated: Database
) -> None:
    client = client_package.Client(base_url=base, raise_on_unexpected_status=True)
    holdouts = module("api.queries.queries_holdouts")
    kind = module("models.queries_holdouts_kind").QueriesHoldoutsKind
    answer = holdouts.sync(client=client, target=REVIEW, kind=kind.ANY)
    assert type(answer).__name__ == "HoldoutsPublic" and answer.params["kind"] == "any"
    assert all(
        type(row).__name__ == "HoldoutsRow" and row.target_id == REVIEW for row in answer.data
    )
    assert {row.standing for row in answer.data} <= {
        "holdout",
        "declined",
        "withdrew",
        "not_joined",
    }


def test_a_generated_client_compares_two_instruments(
    client_package: ModuleType, base: str, curated: Database
) -> None:
    client = client_package.Client(base_url=base, raise_on_unexpected_status=True)
    compare = module("api.queries.queries_compare")
    answer = compare.sync(client=client, a=COMMITMENTS, b=REVIEW, as_of=datetime.date(2026, 11, 1))
    assert type(answer).__name__ == "ComparePublic" and answer.count == len(answer.data) > 0
    assert all(type(row).__name__ == "CompareRow" for row in answer.data)
    sets = {row.set_ for row in answer.data}  # the generator renames `set` (a builtin) to set_
    assert sets and sets <= {"a_only", "both", "b_only"}
    assert all(row.a_id == COMMITMENTS and row.b_id == REVIEW for row in answer.data)

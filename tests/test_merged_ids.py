"""Merged records: a former id answers as the kept record; an unknown id says so and suggests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import app_client
from ingest_helpers import cli, ingest_folder

from govgraph import queries
from govgraph.core.errors import GovGraphError, NotFound
from govgraph.core.settings import Settings
from govgraph.graph.db import Database
from govgraph.graph.lookup import resolve_id

DAY = "2026-11-30"
SRC = "src:merge-test-page"
KEPT, OLD = "org:kept-lab", "org:old-lab"
REVIEW, OLD_REVIEW = "program:merge-review", "program:old-review"
JOINED, OLD_JOINED = "event:2025-05-01-kept-joins", "event:2025-05-01-old-joins"
TYPO = "org:kept-lob"


def record(rid: str, **fields: Any) -> dict[str, Any]:
    return {"id": rid, **fields, "sources": [SRC], "recorded_at": DAY}


MERGED = {
    "sources": [
        {
            "id": SRC,
            "kind": "primary",
            "publisher": "Test publisher",
            "title": "Test page",
            "url": "https://example.org/merge",
            "published": "2025-05-01",
            "recorded_at": DAY,
        }
    ],
    "actors": [
        record(KEPT, kind="lab", name="Kept Lab", former_ids=[OLD]),
        record("agency:merge-agency", kind="agency", name="Merge Agency"),
    ],
    "instruments": [
        record(
            REVIEW, kind="program", name="Merge Review", status="active", former_ids=[OLD_REVIEW]
        )
    ],
    "events": [
        record(
            "event:2025-04-01-review-established",
            type="established",
            date="2025-04-01",
            summary="The agency set up the review.",
            status="confirmed",
            participants=[{"actor": "agency:merge-agency", "role": "issuer"}],
            concerns=[{"id": REVIEW, "role": "established"}],
        ),
        record(
            JOINED,
            type="joined",
            date="2025-05-01",
            summary="Kept Lab joined the review.",
            status="confirmed",
            participants=[{"actor": KEPT, "role": "party"}],
            concerns=[{"id": REVIEW, "role": "subject"}],
            former_ids=[OLD_JOINED],
        ),
    ],
}


@pytest.fixture
def merged(clean_db: Database, tmp_data: Path) -> Database:
    """A small graph whose records were merged: each keeps its old id in former_ids."""
    (tmp_data / "merged.yaml").write_text(yaml.safe_dump(MERGED, sort_keys=False))
    ingest_folder(clean_db, tmp_data)
    return clean_db


def test_ids_resolve_to_themselves_or_to_the_kept_record(merged: Database) -> None:
    assert resolve_id(merged, KEPT) == KEPT
    assert resolve_id(merged, OLD) == KEPT
    assert resolve_id(merged, OLD_REVIEW) == REVIEW
    assert resolve_id(merged, OLD_JOINED) == JOINED
    with pytest.raises(NotFound) as exc:
        resolve_id(merged, TYPO, param="actor")
    assert exc.value.message == f"parameter 'actor': no record has the id '{TYPO}'."
    assert exc.value.fix and exc.value.fix.startswith(f"did you mean {KEPT} (Kept Lab)")


def test_a_former_id_two_records_claim_is_an_error_not_a_guess(merged: Database) -> None:
    merged.write(
        lambda tx: tx.run(
            "MATCH (n:Record {id: 'agency:merge-agency'}) SET n.former_ids = ['org:old-lab']"
        ).consume()
    )
    with pytest.raises(GovGraphError, match="claimed by agency:merge-agency, org:kept-lab"):
        resolve_id(merged, OLD)


@pytest.mark.parametrize(
    ("name", "param", "former", "kept"),
    [
        ("agreements-of", "actor", OLD, KEPT),
        ("parties-to", "target", OLD_REVIEW, REVIEW),
        ("sources-for", "id", OLD_JOINED, JOINED),
        ("timeline", "topic", OLD_REVIEW, REVIEW),
    ],
)
def test_a_named_query_given_a_former_id_answers_as_with_the_kept_id(
    merged: Database, name: str, param: str, former: str, kept: str
) -> None:
    _, params, rows = queries.run(merged, name, {param: former})
    _, kept_params, kept_rows = queries.run(merged, name, {param: kept})
    assert rows and rows == kept_rows
    assert params[param] == kept and params == kept_params


def test_the_api_and_the_page_answer_a_former_id_with_the_kept_record(
    merged: Database, settings: Settings
) -> None:
    with app_client(settings) as client:
        body = client.get(f"/api/entities/{OLD}")
        assert body.status_code == 200
        assert body.json()["id"] == KEPT and body.json()["redirected_from"] == OLD
        assert body.json()["name"] == "Kept Lab"
        assert body.headers["content-location"] == f"/api/entities/{KEPT}"
        direct = client.get(f"/api/entities/{KEPT}").json()
        assert direct["redirected_from"] is None
        assert {k: v for k, v in direct.items() if k != "redirected_from"} == {
            k: v for k, v in body.json().items() if k != "redirected_from"
        }
        moved = client.get(f"/entity/{OLD}", follow_redirects=False)
        assert moved.status_code == 308 and moved.headers["location"] == f"/entity/{KEPT}"
        page = client.get(f"/entity/{OLD}")
        assert page.status_code == 200 and page.url.path == f"/entity/{KEPT}"
        assert "Kept Lab" in page.text
        answer = client.get("/api/queries/parties-to", params={"target": OLD_REVIEW}).json()
        assert answer["params"]["target"] == REVIEW
        assert [r["actor_id"] for r in answer["data"]] == [KEPT]


@pytest.mark.parametrize(
    "url",
    [
        f"/api/queries/agreements-of?actor={TYPO}",
        f"/api/queries/paths?source={TYPO}&target={REVIEW}",
        f"/api/entities/{TYPO}",
    ],
)
def test_an_unknown_id_is_a_404_with_suggestions(
    merged: Database, settings: Settings, url: str
) -> None:
    with app_client(settings) as client:
        response = client.get(url)
    assert response.status_code == 404
    error = response.json()["error"]
    assert error["code"] == "not_found" and f"'{TYPO}'" in error["message"]
    assert error["fix"].startswith(f"did you mean {KEPT} (Kept Lab)")


def test_an_unknown_id_on_a_page_is_a_404_page_with_suggestions(
    merged: Database, settings: Settings
) -> None:
    with app_client(settings) as client:
        page = client.get(f"/entity/{TYPO}")
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert f"did you mean {KEPT} (Kept Lab)" in page.text


def test_the_cli_exits_non_zero_listing_suggestions(merged: Database) -> None:
    done = cli("query", "agreements-of", "-p", f"actor={TYPO}")
    assert done.returncode == 1 and done.stdout == ""
    assert f"no record has the id '{TYPO}'" in done.stderr
    assert f"{KEPT} (Kept Lab)" in done.stderr
    ok = cli("query", "agreements-of", "-p", f"actor={OLD}", "--format", "json")
    assert ok.returncode == 0, ok.stderr
    assert KEPT in ok.stdout

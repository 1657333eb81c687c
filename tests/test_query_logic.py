"""Edge cases of as-of logic: withdrawal and rejoining, holdouts, decliners, straddling dates."""

from __future__ import annotations

from pathlib import Path

import yaml
from conftest import DATA_DIR
from fastapi.testclient import TestClient

from govgraph import queries
from govgraph.api.main import create_app
from govgraph.core.settings import Settings
from govgraph.graph.db import Database
from govgraph.ingest.validate import load_dataset
from govgraph.ingest.writer import ingest

SEED = DATA_DIR / "caisi-review-2026.yaml"
REVIEW = "program:caisi-frontier-review"
SRC = ["src:article-2026-caisi-meta-holdout"]


def ev(eid: str, type_: str, date: str, actor: str, role: str, target: str) -> dict:  # type: ignore[type-arg]
    return {
        "id": eid,
        "type": type_,
        "date": date,
        "summary": "Test record.",
        "status": "reported",
        "participants": [{"actor": actor, "role": role}],
        "concerns": [{"id": target, "role": "subject"}],
        "sources": SRC,
        "recorded_at": "2026-11-29",
    }


def load(db: Database, folder: Path) -> None:
    extra = {
        "actors": [
            {
                "id": "org:test-lab",
                "kind": "lab",
                "name": "Test Lab",
                "sources": SRC,
                "recorded_at": "2026-11-29",
            }
        ],
        "instruments": [
            {
                "id": "agreement:test-pact",
                "kind": "commitments",
                "name": "Test Pact",
                "status": "active",
                "sources": SRC,
                "recorded_at": "2026-11-29",
            }
        ],
        "events": [
            ev(
                "event:2025-01-10-openai-joins-pact",
                "joined",
                "2025-01-10",
                "org:openai",
                "party",
                "agreement:test-pact",
            ),
            ev(
                "event:2025-03-01-openai-leaves-pact",
                "withdrew",
                "2025-03-01",
                "org:openai",
                "party",
                "agreement:test-pact",
            ),
            ev(
                "event:2025-05-01-openai-rejoins-pact",
                "joined",
                "2025-05-01",
                "org:openai",
                "party",
                "agreement:test-pact",
            ),
            ev(
                "event:2026-test-lab-pressed",
                "pressed_to_join",
                "2026-07",
                "org:test-lab",
                "subject",
                REVIEW,
            ),
        ],
    }
    path = folder / "extra.yaml"
    path.write_text(yaml.safe_dump(extra, sort_keys=False))
    ingest(db, load_dataset([SEED, path]))


def actors(rows: list[dict]) -> list[str]:  # type: ignore[type-arg]
    return [r["actor_id"] for r in rows]


def test_withdrawal_and_rejoining(clean_db: Database, tmp_data: Path) -> None:
    load(clean_db, tmp_data)
    pact = {"target": "agreement:test-pact"}
    assert actors(queries.run(clean_db, "parties-to", {**pact, "as_of": "2025-02-01"})[2]) == [
        "org:openai"
    ]
    assert actors(queries.run(clean_db, "parties-to", {**pact, "as_of": "2025-04-01"})[2]) == []
    later = queries.run(clean_db, "parties-to", {**pact, "as_of": "2025-06-01"})[2]
    assert actors(later) == ["org:openai"]
    assert later[0]["event_id"] == "event:2025-05-01-openai-rejoins-pact"
    now = queries.run(clean_db, "parties-to", pact)[2]
    assert [r["event_id"] for r in now] == ["event:2025-05-01-openai-rejoins-pact"]


def test_an_actor_only_pressed_is_a_holdout(clean_db: Database, tmp_data: Path) -> None:
    load(clean_db, tmp_data)
    rows = queries.run(clean_db, "holdouts", {"target": REVIEW})[2]
    by_id = {r["actor_id"]: r for r in rows}
    assert set(by_id) == {"org:meta", "org:test-lab"}
    assert by_id["org:test-lab"]["latest_position"] == "pressed_to_join"
    assert by_id["org:meta"]["latest_position"] == "negotiating"


def test_a_joining_that_may_have_happened_is_not_a_holdout(
    clean_db: Database, tmp_data: Path
) -> None:
    load(clean_db, tmp_data)
    extra = yaml.safe_load((tmp_data / "extra.yaml").read_text())
    extra["events"].append(
        ev(
            "event:2026-test-lab-joins",
            "joined",
            "2026-08/2026-10",
            "org:test-lab",
            "party",
            REVIEW,
        )
    )
    (tmp_data / "extra.yaml").write_text(yaml.safe_dump(extra, sort_keys=False))
    ingest(clean_db, load_dataset([SEED, tmp_data / "extra.yaml"]))
    before = queries.run(clean_db, "holdouts", {"target": REVIEW, "as_of": "2026-07-31"})[2]
    assert "org:test-lab" in actors(before)
    during = queries.run(clean_db, "holdouts", {"target": REVIEW, "as_of": "2026-09-15"})[2]
    assert "org:test-lab" not in actors(during)
    parties = queries.run(clean_db, "parties-to", {"target": REVIEW, "as_of": "2026-09-15"})[2]
    assert {r["actor_id"]: r["party_as_of"] for r in parties}["org:test-lab"] == "uncertain"


def test_declining_and_withdrawing_are_standings_of_their_own(
    clean_db: Database, tmp_data: Path, settings: Settings
) -> None:
    load(clean_db, tmp_data)
    extra = yaml.safe_load((tmp_data / "extra.yaml").read_text())
    extra["events"] += [
        ev(
            "event:2025-02-01-test-lab-pressed-pact",
            "pressed_to_join",
            "2025-02-01",
            "org:test-lab",
            "subject",
            "agreement:test-pact",
        ),
        ev(
            "event:2025-02-20-test-lab-declines-pact",
            "declined",
            "2025-02-20",
            "org:test-lab",
            "party",
            "agreement:test-pact",
        ),
    ]
    (tmp_data / "extra.yaml").write_text(yaml.safe_dump(extra, sort_keys=False))
    ingest(clean_db, load_dataset([SEED, tmp_data / "extra.yaml"]))
    pact = {"target": "agreement:test-pact", "kind": "any"}

    def standings(as_of: str | None, standing: str = "any") -> dict[str, str]:
        raw = {**pact, "standing": standing, **({"as_of": as_of} if as_of else {})}
        return {r["actor_id"]: r["standing"] for r in queries.run(clean_db, "holdouts", raw)[2]}

    assert standings("2025-02-10") == {"org:test-lab": "holdout"}  # pressed; OpenAI had joined
    assert standings("2025-04-01") == {"org:test-lab": "declined", "org:openai": "withdrew"}
    assert standings("2025-04-01", "holdout") == {}
    assert standings("2025-04-01", "withdrew") == {"org:openai": "withdrew"}
    assert standings("2025-06-01") == {"org:test-lab": "declined"}  # OpenAI rejoined
    assert standings(None) == {"org:test-lab": "declined"}
    with TestClient(create_app(settings)) as client:
        view = client.get(
            "/graph/parties/agreement:test-pact", params={"as_of": "2025-04-01", "format": "json"}
        ).json()
    drawn = {n["id"]: n.get("standing") for n in view["nodes"]}
    assert drawn == {
        "agreement:test-pact": None,
        "org:test-lab": "declined",
        "org:openai": "withdrew",
    }

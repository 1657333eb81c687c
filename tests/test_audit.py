"""`govgraph audit`: figures on the shipped data, each problem class planted and found, limits."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import app_client
from ingest_helpers import cli, ingest_folder

from govgraph.core.errors import BadParameter
from govgraph.core.settings import Settings
from govgraph.graph.db import Database
from govgraph.queries import audit

SRC_OK = "src:plant-primary"
EVENT_B = "event:2025-01-10-plant-b"
SRC_NEWS = "src:plant-news"
DAY = "2026-11-30"


def event(eid: str, type_: str, date: str, actor: str, role: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": eid,
        "type": type_,
        "date": date,
        "summary": f"Planted test event {eid}.",
        "status": "reported",
        "participants": [{"actor": actor, "role": role}],
        "sources": [SRC_OK],
        "recorded_at": DAY,
        **extra,
    }


def entity(rid: str, kind: str, name: str, **extra: Any) -> dict[str, Any]:
    return {"id": rid, "kind": kind, "name": name, "sources": [SRC_OK], "recorded_at": DAY, **extra}


SUBJECT = [{"id": "policy:plant-issued", "role": "subject"}]
PLANTED = {
    "sources": [
        {
            "id": SRC_OK,
            "kind": "primary",
            "publisher": "Test publisher",
            "title": "Test page",
            "url": "https://example.org/test",
            "published": "2025-01-10",
            "recorded_at": DAY,
        },
        {
            "id": SRC_NEWS,
            "kind": "news",
            "publisher": "Test wire",
            "title": "Test report",
            "published": "2025-02-01",
            "recorded_at": DAY,
        },
    ],
    "actors": [
        entity("org:plant-lab", "lab", "Plant Lab", former_ids=["org:plant-old-lab"]),
        entity("org:plant-lab-copy", "lab", "PLANT-lab"),  # a duplicate name; in no event
        entity("org:plant-idle", "lab", "Idle Lab"),  # in no event
        entity("agency:plant-agency", "agency", "Plant Agency"),
    ],
    "instruments": [
        entity("policy:plant-issued", "policy", "Issued Policy", status="active"),
        entity("policy:plant-orphan", "policy", "Orphan Policy", status="active"),  # no issuer
    ],
    "events": [
        # the same announcement recorded twice: one likely duplicate pair
        event(
            "event:2025-01-10-plant-a",
            "announced",
            "2025-01-10",
            "org:plant-lab",
            "actor",
            concerns=SUBJECT,
        ),
        event(
            "event:2025-01-10-plant-b",
            "announced",
            "2025-01-10",
            "org:plant-lab",
            "actor",
            concerns=SUBJECT,
        ),
        # backed by a news report only
        event(
            "event:2025-02-01-plant-issued",
            "issued",
            "2025-02-01",
            "agency:plant-agency",
            "issuer",
            concerns=SUBJECT,
            sources=[SRC_NEWS],
        ),
        # a range of three years without a note, and one with a note
        event("event:2023-plant-wide", "announced", "2023/2025", "agency:plant-agency", "actor"),
        event(
            "event:2023-plant-noted",
            "proposed",
            "2023/2025",
            "agency:plant-agency",
            "actor",
            concerns=[{"id": "policy:plant-orphan", "role": "subject"}],
            note="Only the span of years is known.",
        ),
        # its participant is taken away below
        event("event:2025-03-01-plant-lonely", "announced", "2025-03-01", "org:plant-lab", "actor"),
    ],
}
# Each class exactly: (count, total, the ids its items name).
EXPECTED = {
    "without-url": (1, 2, {SRC_NEWS}),
    "without-primary": (1, 6, {"event:2025-02-01-plant-issued"}),
    "duplicates": (
        2,
        12,
        {
            "event:2025-01-10-plant-a",
            "event:2025-01-10-plant-b",
            "org:plant-lab",
            "org:plant-lab-copy",
        },
    ),
    "actors-without-events": (2, 4, {"org:plant-lab-copy", "org:plant-idle"}),
    "events-without-participants": (1, 6, {"event:2025-03-01-plant-lonely"}),
    "wide-dates": (1, 8, {"event:2023-plant-wide"}),
    "without-issuer": (1, 2, {"policy:plant-orphan"}),
    "merged-ids": (2, 12, {"org:plant-lab", "policy:plant-orphan"}),
    "id-conflicts": (1, 12, {"org:plant-idle"}),
}


def item_ids(item: dict[str, Any]) -> set[str]:
    return set(item.get("ids") or [item["id"]])


@pytest.fixture
def planted(clean_db: Database, tmp_data: Path) -> Database:
    """A tiny graph holding one of each problem class the audit looks for."""
    (tmp_data / "planted.yaml").write_text(yaml.safe_dump(PLANTED, sort_keys=False))
    ingest_folder(clean_db, tmp_data)
    # Validation refuses an event without participants and (may) a former id that is still
    # live, so those two are planted behind its back.
    clean_db.write(
        lambda tx: tx.run(
            "MATCH (:Actor)-[r:PARTICIPATED_IN]->(:Event {id: 'event:2025-03-01-plant-lonely'}) "
            "DELETE r"
        ).consume()
    )
    clean_db.write(
        lambda tx: tx.run(
            "MATCH (n:Record {id: 'policy:plant-orphan'}) SET n.former_ids = ['org:plant-idle']"
        ).consume()
    )
    return clean_db


def test_each_planted_problem_is_reported_exactly(planted: Database) -> None:
    report = audit.run_audit(planted)
    assert [c.key for c in report.checks] == list(audit.KEYS)
    for key, (count, total, ids) in EXPECTED.items():
        check = report.check(key)
        assert (check.count, check.total) == (count, total), key
        assert set().union(*(item_ids(i) for i in check.items)) == ids, key
        assert check.share == pytest.approx(count / total)
    assert report.ok and report.breaches == []  # no thresholds set: nothing is breached
    reasons = {frozenset(i["ids"]): i["reason"] for i in report.check("duplicates").items}
    assert "same participants" in reasons[frozenset({"event:2025-01-10-plant-a", EVENT_B})]
    assert "names" in reasons[frozenset({"org:plant-lab", "org:plant-lab-copy"})]


def test_thresholds_breach_by_count_and_by_share(planted: Database) -> None:
    limits = audit.parse_thresholds({"duplicates": "1", "without-url": "40%", "wide-dates": "1"})
    report = audit.run_audit(planted, limits)
    assert not report.ok
    assert [c.key for c in report.checks if c.breached] == ["without-url", "duplicates"]
    assert report.check("wide-dates").threshold == "1" and not report.check("wide-dates").breached
    assert "Sources without a URL: 50.0% (1 of 2)" in report.breaches[0]
    assert "--max-duplicates" in report.breaches[1]
    within = audit.run_audit(planted, audit.parse_thresholds({"without-url": "50%"}))
    assert within.ok


@pytest.mark.parametrize("bad", ["lots", "-1", "101%", "5 %", "1e3"])
def test_a_malformed_threshold_names_its_option(bad: str) -> None:
    with pytest.raises(BadParameter, match="--max-duplicates"):
        audit.parse_thresholds({"duplicates": bad})
    with pytest.raises(BadParameter, match="is not a check"):
        audit.parse_thresholds({"typos": "1"})


def test_the_cli_exits_1_naming_each_breach(planted: Database) -> None:
    done = cli("audit", "--max-duplicates", "1", "--max-without-url", "40%")
    assert done.returncode == 1, done.stderr
    assert "Likely duplicates" in done.stdout and "org:plant-lab-copy" in done.stdout
    assert "--max-duplicates" in done.stderr and "--max-without-url" in done.stderr
    ok = cli("audit", "--json", "--max-duplicates", "2", "--max-without-url", "50%")
    assert ok.returncode == 0, ok.stderr
    body = json.loads(ok.stdout)
    assert body["ok"] is True
    counts = {c["key"]: (c["count"], c["total"]) for c in body["checks"]}
    assert counts == {k: v[:2] for k, v in EXPECTED.items()}
    bad = cli("audit", "--max-duplicates", "lots")
    assert bad.returncode == 1 and "--max-duplicates" in bad.stderr


def test_the_api_and_the_page_report_the_same(planted: Database, settings: Settings) -> None:
    with app_client(settings) as client:
        body = client.get("/api/audit", params={"max_duplicates": "1"}).json()
        assert body["ok"] is False and len(body["breaches"]) == 1
        checks = {c["key"]: c for c in body["checks"]}
        assert {k: (c["count"], c["total"]) for k, c in checks.items()} == {
            k: v[:2] for k, v in EXPECTED.items()
        }
        assert checks["duplicates"]["breached"] and checks["duplicates"]["threshold"] == "1"
        bad = client.get("/api/audit", params={"max_duplicates": "lots"})
        assert bad.status_code == 422 and bad.json()["error"]["param"] == "max_duplicates"
        page = client.get("/audit", params={"max_duplicates": "1"})
        assert page.status_code == 200 and "text/html" in page.headers["content-type"]
        for ids in (v[2] for v in EXPECTED.values()):
            for rid in ids:
                assert rid in page.text
        assert "Above the limits set" in page.text
        assert "/api/audit?max_duplicates=1" in page.text


def scalar(db: Database, cypher: str) -> int:
    return int(db.rows(cypher)[0]["n"])


def test_the_audit_of_the_shipped_data_adds_up(curated: Database) -> None:
    report = audit.run_audit(curated, limit=audit.MAX_LIMIT)
    sources = scalar(curated, "MATCH (s:Source) RETURN count(s) AS n")
    events = scalar(curated, "MATCH (e:Event) RETURN count(e) AS n")
    actors = scalar(curated, "MATCH (a:Actor) RETURN count(a) AS n")
    instruments = scalar(curated, "MATCH (i:Instrument) RETURN count(i) AS n")
    assert sources and events and actors and instruments
    totals = {
        "without-url": sources,
        "without-primary": events,
        "duplicates": events + actors + instruments,
        "actors-without-events": actors,
        "events-without-participants": events,
        "wide-dates": events + sources,
        "without-issuer": instruments,
        "merged-ids": events + actors + instruments,
        "id-conflicts": events + actors + instruments,
    }
    counted = {
        "without-url": "MATCH (s:Source) WHERE s.url IS NULL RETURN count(s) AS n",
        "events-without-participants": "MATCH (e:Event) WHERE NOT (e)<-[:PARTICIPATED_IN]-() "
        "RETURN count(e) AS n",
        "merged-ids": "MATCH (n) WHERE size(coalesce(n.former_ids, [])) > 0 RETURN count(n) AS n",
        "without-primary": "MATCH (e:Event) WHERE NOT (e)-[:SOURCED_FROM]->(:Source "
        "{kind: 'primary'}) RETURN count(e) AS n",
    }
    for check in report.checks:
        assert check.total == totals[check.key], check.key
        assert 0 <= check.count <= check.total or check.key == "duplicates"
        assert check.share == pytest.approx(check.count / check.total)
        assert len(check.items) == min(check.count, audit.MAX_LIMIT), check.key
        if check.key in counted:
            assert check.count == scalar(curated, counted[check.key]), check.key
    listed = {i["id"] for i in report.check("without-url").items}
    missing = {
        r["id"] for r in curated.rows("MATCH (s:Source) WHERE s.url IS NULL RETURN s.id AS id")
    }
    assert listed == missing
    shown = audit.run_audit(curated, limit=3)
    assert all(len(c.items) == min(c.count, 3) for c in shown.checks)
    assert [c.count for c in shown.checks] == [c.count for c in report.checks]


def test_the_shipped_data_holds_the_line(curated: Database) -> None:
    """No likely duplicate, no event without participants, nine sources in ten with a link."""
    report = audit.run_audit(curated, limit=20)
    assert report.check("duplicates").count == 0, report.check("duplicates").items
    assert report.check("events-without-participants").count == 0
    assert report.check("id-conflicts").count == 0
    assert report.check("without-url").share <= 0.10
    assert report.check("merged-ids").count >= 1  # the network launch, recorded twice, merged
    assert cli("audit", "--max-duplicates", "0", "--max-without-url", "10%").returncode == 0

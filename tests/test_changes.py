"""Small changes against the real server: revisions for every write, corrections with conflict
checks, new records, retraction, and a re-ingest that reports rather than overwrites."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import DATA_DIR
from ingest_helpers import edit_yaml, ingest_folder, record, seed_copy

from govgraph.core.errors import Conflict, NotFound, ValidationFailed
from govgraph.graph.db import Database
from govgraph.graph.history import changes, history, latest_seq
from govgraph.graph.revision import graph_fingerprint, read_revision
from govgraph.ingest.changes import Change, apply_changes, check_changes, current_record, retract
from govgraph.ingest.validate import load_dataset
from govgraph.ingest.writer import ingest

SEED = DATA_DIR / "caisi-review-2026.yaml"
ACTOR = "org:openai"


@pytest.fixture
def seeded(clean_db: Database) -> Database:
    ingest(clean_db, load_dataset([SEED]))
    return clean_db


def _correct(db: Database, rid: str, base: int | None = None, **fields: Any) -> Any:
    now = current_record(db, rid)
    assert now is not None
    start = now.record if base is None else next(r.after for r in history(db, rid) if r.rev == base)
    record = {**start, **fields}
    change = Change(now.type, record, now.rev if base is None else base)
    return apply_changes(db, [change], by="alice", why="a test", source=now.record["sources"][0])


def test_ingest_writes_one_create_revision_per_record(seeded: Database) -> None:
    count = load_dataset([SEED]).count()
    assert latest_seq(seeded) == count
    revs = history(seeded, ACTOR)
    assert [r.op for r in revs] == ["create"]
    assert revs[0].after is not None and revs[0].after["id"] == ACTOR
    assert revs[0].before is None and revs[0].by == "ingest"
    ingest(seeded, load_dataset([SEED]))  # unchanged: no new revisions
    assert latest_seq(seeded) == count


def test_a_correction_is_written_with_its_revision(seeded: Database) -> None:
    before_cache = read_revision(seeded)
    (rev,) = _correct(seeded, ACTOR, summary="A corrected summary.")
    now = current_record(seeded, ACTOR)
    assert now is not None and now.record["summary"] == "A corrected summary."
    assert now.rev == 2 and rev.rev == 2 and rev.op == "update"
    assert rev.fields == ["summary"] and rev.by == "alice"
    assert rev.before is not None and rev.before.get("summary") != "A corrected summary."
    assert read_revision(seeded) != before_cache  # caches see a new graph revision
    rows = seeded.rows("MATCH (n:Record {id: $id}) RETURN n.summary AS s", {"id": ACTOR})
    assert rows == [{"s": "A corrected summary."}]
    assert [r.seq for r in changes(seeded, since_seq=rev.seq - 1)] == [rev.seq]


def test_conflicting_corrections_from_one_base(seeded: Database) -> None:
    _correct(seeded, ACTOR, base=1, summary="First editor.")
    with pytest.raises(Conflict) as caught:
        _correct(seeded, ACTOR, base=1, summary="Second editor.")
    assert caught.value.current_revision == 2 and caught.value.http_status == 409
    now = current_record(seeded, ACTOR)
    assert now is not None and now.record["summary"] == "First editor."


def test_corrections_of_different_fields_both_apply(seeded: Database) -> None:
    _correct(seeded, ACTOR, base=1, summary="New summary.")
    _correct(seeded, ACTOR, base=1, aliases=["OpenAI Inc."])
    now = current_record(seeded, ACTOR)
    assert now is not None and now.rev == 3
    assert now.record["summary"] == "New summary." and now.record["aliases"] == ["OpenAI Inc."]


def test_a_new_record_with_a_new_source_in_one_transaction(seeded: Database) -> None:
    source = {
        "id": "src:test-new-source",
        "kind": "news",
        "publisher": "Example Wire",
        "title": "A report",
        "published": "2026-11-01",
        "recorded_at": "2026-11-30",
    }
    event = {
        "id": "event:2026-11-01-test-announced",
        "type": "announced",
        "date": "2026-11-01",
        "summary": "OpenAI announced something.",
        "status": "reported",
        "participants": [{"actor": ACTOR, "role": "party"}],
        "sources": ["src:test-new-source"],
        "recorded_at": "2026-11-30",
    }
    revs = apply_changes(
        seeded,
        [Change("Source", source), Change("Event", event)],
        by="alice",
        why="new",
        source="src:test-new-source",
    )
    assert [r.op for r in revs] == ["create", "create"]
    rows = seeded.rows(
        "MATCH (:Actor {id: $a})-[:PARTICIPATED_IN]->(e:Event {id: $e})-[:SOURCED_FROM]->(s) "
        "RETURN s.id AS s",
        {"a": ACTOR, "e": event["id"]},
    )
    assert rows == [{"s": "src:test-new-source"}]
    with pytest.raises(Conflict):
        apply_changes(seeded, [Change("Source", source)], by="alice", why="again", source=None)


def test_bad_changes_write_nothing(seeded: Database) -> None:
    before = graph_fingerprint(seeded)
    now = current_record(seeded, ACTOR)
    assert now is not None
    bad = [
        [Change("Nope", {"id": "x:1"})],
        [Change("Actor", {**now.record, "country": "country:atlantis"}, now.rev)],
        [Change("Actor", {**now.record, "recorded_at": "2026-02-30"}, now.rev)],
        [Change("Actor", {**now.record, "surprise": 1}, now.rev)],
        [Change("Actor", {"id": "org:new", "kind": "lab"})],
        [],
    ]
    for change in bad:
        with pytest.raises(ValidationFailed) as caught:
            check_changes(seeded, change)
        assert "Fix:" in str(caught.value)
        with pytest.raises(ValidationFailed):
            apply_changes(seeded, change, by="alice", why="bad", source=None)
    with pytest.raises(NotFound):
        apply_changes(
            seeded, [Change("Actor", {**now.record, "id": "org:ghost"}, 1)], by="a", why="b",
            source=None,
        )  # fmt: skip
    assert graph_fingerprint(seeded) == before


def test_retraction_keeps_history_and_refuses_dangling_references(seeded: Database) -> None:
    with pytest.raises(Conflict) as caught:
        retract(seeded, ACTOR, by="ed", why="wrong")  # events still name it
    assert "referred to by" in caught.value.message
    event = seeded.rows(
        "MATCH (:Actor {id: $a})-[:PARTICIPATED_IN]->(e:Event) RETURN e.id AS id LIMIT 1",
        {"a": ACTOR},
    )[0]["id"]
    rev = retract(seeded, event, by="ed", why="not what the source says")
    assert rev.op == "retract" and rev.after is None and rev.before is not None
    assert seeded.rows("MATCH (n:Record {id: $id}) RETURN n", {"id": event}) == []
    gone = seeded.rows("MATCH (n:Retracted {id: $id}) RETURN n.retracted_why AS w", {"id": event})
    assert gone == [{"w": "not what the source says"}]
    assert seeded.rows("MATCH ()-[r]->() WHERE r.event_id = $id RETURN r", {"id": event}) == []
    assert [r.op for r in history(seeded, event)] == ["retract", "create"]
    now = current_record(seeded, event)
    assert now is not None and now.retracted and now.type == "Event"
    from govgraph.graph.lookup import resolve_id

    with pytest.raises(NotFound) as missing:
        resolve_id(seeded, event)
    assert (
        "retracted" in missing.value.message and "not what the source says" in missing.value.message
    )
    with pytest.raises(Conflict):
        retract(seeded, event, by="ed", why="again")


def test_reingest_reports_app_changes_instead_of_overwriting(
    clean_db: Database, tmp_data: Path
) -> None:
    seed = seed_copy(tmp_data)
    ingest_folder(clean_db, tmp_data)
    _correct(clean_db, ACTOR, summary="Changed in the app.")
    with edit_yaml(seed) as data:
        record(data, "actors", ACTOR)["summary"] = "Changed in the file."
    report = ingest_folder(clean_db, tmp_data)
    assert any(ACTOR in c and "export --changes" in c for c in report.conflicts)
    now = current_record(clean_db, ACTOR)
    assert now is not None and now.record["summary"] == "Changed in the app."
    with edit_yaml(seed) as data:  # the file catches up: the marker clears, later edits apply
        record(data, "actors", ACTOR)["summary"] = "Changed in the app."
    assert ingest_folder(clean_db, tmp_data).conflicts == []
    with edit_yaml(seed) as data:
        record(data, "actors", ACTOR)["summary"] = "A later file edit."
    assert ingest_folder(clean_db, tmp_data).conflicts == []
    now = current_record(clean_db, ACTOR)
    assert now is not None and now.record["summary"] == "A later file edit."


def _backdate(db: Database, when: str) -> None:
    db.write(lambda tx: tx.run("MATCH (r:Revision) SET r.at = datetime($w)", w=when).consume())


def test_as_recorded_views_undo_later_changes_and_leave_the_graph(seeded: Database) -> None:
    from govgraph.ingest.recorded import parse_moment, view
    from govgraph.queries import run

    _backdate(seeded, "2026-01-01T00:00:00Z")
    event = seeded.rows(
        "MATCH (:Actor {id: $a})-[:PARTICIPATED_IN]->(e:Event) RETURN e.id AS id LIMIT 1",
        {"a": ACTOR},
    )[0]["id"]
    old = current_record(seeded, ACTOR)
    assert old is not None
    _correct(seeded, ACTOR, summary="Corrected later.")
    retract(seeded, event, by="ed", why="wrong")
    live = graph_fingerprint(seeded)
    q = "MATCH (n:Actor {id: $id}) RETURN n.summary AS s"
    with view(seeded, parse_moment("2026-06-01")) as then:
        assert then.rows(q, {"id": ACTOR}) == [{"s": old.record.get("summary")}]
        back = then.rows("MATCH (e:Event {id: $id})<-[:PARTICIPATED_IN]-(a) RETURN a.id AS a",
                         {"id": event})  # fmt: skip
        assert {"a": ACTOR} in back
        _, _, rows = run(then, "actor-profile", {"id": ACTOR})
        assert rows
    with view(seeded, parse_moment("2025-12-31")) as before_all:
        assert before_all.rows(q, {"id": ACTOR}) == []
        assert before_all.rows("MATCH (n:Record) RETURN count(n) AS n") == [{"n": 0}]
    assert graph_fingerprint(seeded) == live  # the views wrote nothing
    assert seeded.rows(q, {"id": ACTOR}) == [{"s": "Corrected later."}]


@pytest.mark.parametrize(
    "raw", ["2026-02-30", "yesterday", "\uff12\uff10\uff12\uff16-01-01", "1200-01-01", "9" * 50]
)
def test_as_recorded_refuses_garbage(raw: str) -> None:
    from govgraph.core.errors import BadParameter
    from govgraph.ingest.recorded import parse_moment

    with pytest.raises(BadParameter) as caught:
        parse_moment(raw)
    assert caught.value.param == "as_recorded"


def test_as_recorded_bounds_the_changes_it_undoes(seeded: Database) -> None:
    from govgraph.core.errors import BadParameter
    from govgraph.ingest.recorded import parse_moment, view

    with (
        pytest.raises(BadParameter) as caught,
        view(seeded, parse_moment("2000-01-01"), max_changes=5),
    ):
        pass
    assert "GOVGRAPH_AS_RECORDED_MAX_CHANGES" in caught.value.message


def test_export_changes_writes_app_changes_back_into_the_files(
    clean_db: Database, tmp_data: Path
) -> None:
    from govgraph.ingest.writeback import NEW_FILE, write_back

    seed = seed_copy(tmp_data)
    ingest_folder(clean_db, tmp_data)
    event = clean_db.rows(
        "MATCH (:Actor {id: $a})-[:PARTICIPATED_IN]->(e:Event) RETURN e.id AS id LIMIT 1",
        {"a": ACTOR},
    )[0]["id"]
    _correct(clean_db, ACTOR, summary="Written back from the app.")
    source = {
        "id": "src:test-written-back",
        "kind": "news",
        "publisher": "Example Wire",
        "title": "A report",
        "published": "2026-11-01",
        "recorded_at": "2026-11-30",
    }
    apply_changes(clean_db, [Change("Source", source)], by="alice", why="new", source=None)
    retract(clean_db, event, by="ed", why="wrong")
    done = write_back(clean_db, tmp_data)
    assert done.updated == [(ACTOR, str(seed))]
    assert done.added == [("src:test-written-back", str(tmp_data / NEW_FILE))]
    assert done.removed == [(event, str(seed))]
    body = seed.read_text()
    assert body.startswith("# The CAISI")  # comments survive the round trip
    assert "Written back from the app." in body and f"id: {event}\n" not in body
    live = graph_fingerprint(clean_db, history=False)
    report = ingest_folder(clean_db, tmp_data)
    assert report.conflicts == [] and report.changed == 0
    assert graph_fingerprint(clean_db, history=False) == live
    assert clean_db.rows("MATCH (n:Record) WHERE n.edited IS NOT NULL RETURN n.id AS id") == []
    assert write_back(clean_db, tmp_data).count == 0  # nothing left to write back


def test_export_changes_refuses_an_unreadable_data_folder(
    clean_db: Database, tmp_data: Path
) -> None:
    from govgraph.ingest.writeback import write_back

    seed = seed_copy(tmp_data)
    ingest_folder(clean_db, tmp_data)
    _correct(clean_db, ACTOR, summary="Not written back anywhere.")
    broken = tmp_data / "broken.yaml"
    broken.write_text("actors:\n  - id: org:x\n    name: [unclosed\n")
    before = seed.read_text()
    with pytest.raises(ValidationFailed) as caught:
        write_back(clean_db, tmp_data)
    assert "broken.yaml" in str(caught.value) and "Fix:" in str(caught.value)
    assert seed.read_text() == before  # nothing written


def test_cli_query_as_recorded_refuses_garbage_and_answers_as_recorded(seeded: Database) -> None:
    from ingest_helpers import cli

    bad = cli("query", "actor-profile", "-p", f"id={ACTOR}", "--as-recorded", "tuesday")
    assert bad.returncode != 0 and "--as-recorded" in bad.stderr
    _backdate(seeded, "2026-01-01T00:00:00Z")
    _correct(seeded, ACTOR, summary="Only known later.")
    args = ("query", "actor-profile", "-p", f"id={ACTOR}", "--format", "json")
    assert "Only known later." in cli(*args).stdout
    then = cli(*args, "--as-recorded", "2026-06-01")
    assert then.returncode == 0, then.stderr
    assert "Only known later." not in then.stdout and ACTOR in then.stdout

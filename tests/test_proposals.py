"""Proposals on the real server: propose, accept, reject, conflicts, new records, retraction."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from conftest import DATA_DIR, wipe

from govgraph import queries
from govgraph.core.errors import BadParameter, Conflict, Forbidden, NotFound, ValidationFailed
from govgraph.graph.db import Database
from govgraph.graph.history import history
from govgraph.graph.revision import graph_fingerprint
from govgraph.ingest import proposal_decisions as decisions
from govgraph.ingest import proposal_forms as forms
from govgraph.ingest import proposals as store
from govgraph.ingest.changes import current_record, retract
from govgraph.ingest.validate import load_dataset
from govgraph.ingest.writer import ingest

SEED = DATA_DIR / "caisi-review-2026.yaml"
META = "org:meta"
CITED = "src:reuters-2026-nyt-early-access"  # a source in the seed, not yet among Meta's


@pytest.fixture
def seeded(clean_db: Database) -> Iterator[Database]:
    """The seed article's records in an otherwise empty graph; wiped afterwards."""
    ingest(clean_db, load_dataset([SEED]))
    yield clean_db
    wipe(clean_db)


def without_proposals(db: Database) -> dict[str, Any]:
    """The graph's fingerprint, leaving out Proposal nodes (a rejection changes only those)."""
    fp = graph_fingerprint(db)
    fp["labels"].pop("Proposal", None)
    nodes = db.rows("MATCH (n) WHERE NOT n:Proposal RETURN n.id AS id, properties(n) AS p")
    fp["hash"] = sorted((r["id"] or "", sorted(r["p"].items())) for r in nodes)
    return fp


def summary_change(db: Database, text: str, by: str = "rita", **kw: Any) -> store.Proposal:
    return store.propose(
        db,
        by=by,
        record_type="Actor",
        record_id=META,
        changes={"summary": text},
        source=kw.pop("source", CITED),
        note=kw.pop("note", "the summary was vague"),
        **kw,
    )


def test_accepting_a_correction_writes_it_with_a_revision_by_the_editor(seeded: Database) -> None:
    before = current_record(seeded, META)
    assert before is not None
    p = summary_change(seeded, "Meta Platforms, which publishes open-weight Llama models.")
    assert (p.status, p.kind, p.base_rev) == ("pending", "correction", before.rev)
    assert p.fields == ["summary", "sources"]
    assert current_record(seeded, META) == before  # nothing written by proposing
    rows = {r.field: r for r in store.diff(seeded, p)}
    assert rows["summary"].changed and rows["summary"].current == before.record["summary"]
    assert not rows["name"].changed

    accepted, revisions = decisions.accept(seeded, p.id, by="eddie", reason="checked")
    after = current_record(seeded, META)
    assert after is not None
    assert after.record["summary"].startswith("Meta Platforms, which publishes")
    assert after.record["sources"] == [*before.record["sources"], CITED]
    assert after.rev == before.rev + 1
    newest = history(seeded, META)[0]
    assert (newest.by, newest.source, newest.op) == ("eddie", CITED, "update")
    assert newest.proposal == p.id
    assert "summary" in newest.fields and "checked" in newest.why
    assert accepted.status == "accepted" and accepted.decided_by == "eddie"
    assert accepted.revision == revisions[-1].seq == newest.seq


def test_a_rejection_changes_nothing_but_the_proposal(seeded: Database) -> None:
    p = summary_change(seeded, "A wrong summary.")
    before = without_proposals(seeded)
    rejected = decisions.reject(seeded, p.id, by="eddie", reason="not what the source says")
    assert without_proposals(seeded) == before
    assert (rejected.status, rejected.reason) == ("rejected", "not what the source says")
    with pytest.raises(Conflict):
        decisions.accept(seeded, p.id, by="eddie")
    with pytest.raises(BadParameter, match="reason"):
        decisions.reject(seeded, summary_change(seeded, "Another.").id, by="eddie", reason=" ")


def test_the_same_field_from_the_same_base_the_second_accept_conflicts(seeded: Database) -> None:
    first = summary_change(seeded, "First summary.")
    second = summary_change(seeded, "Second summary.", by="sam")
    decisions.accept(seeded, first.id, by="eddie")
    now = current_record(seeded, META)
    assert now is not None
    with pytest.raises(Conflict) as caught:
        decisions.accept(seeded, second.id, by="eddie")
    assert caught.value.current_revision == now.rev and caught.value.record_id == META
    assert store.get(seeded, second.id).status == "pending"
    assert current_record(seeded, META) == now


def test_different_fields_from_the_same_base_both_apply(seeded: Database) -> None:
    first = summary_change(seeded, "A better summary.")
    second = store.propose(
        seeded,
        by="sam",
        record_type="Actor",
        record_id=META,
        changes={"aliases": ["Meta Platforms", "Facebook", "Meta Platforms, Inc."]},
        new_source={"publisher": "Meta", "title": "Annual report 2025", "published": "2026-02"},
        note="the legal name",
    )
    decisions.accept(seeded, first.id, by="eddie")
    decisions.accept(seeded, second.id, by="eddie")
    now = current_record(seeded, META)
    assert now is not None
    assert now.record["summary"] == "A better summary."
    assert "Meta Platforms, Inc." in now.record["aliases"]
    assert {CITED, second.source} <= set(now.record["sources"])


def test_the_same_proposal_accepted_twice_conflicts(seeded: Database) -> None:
    p = summary_change(seeded, "Once.")
    decisions.accept(seeded, p.id, by="eddie")
    with pytest.raises(Conflict):
        decisions.accept(seeded, p.id, by="ed2")
    assert len([r for r in history(seeded, META) if r.proposal == p.id]) == 1


def test_racing_editors_never_overwrite_each_other(seeded: Database) -> None:
    same = summary_change(seeded, "Raced.")

    def attempt(proposal_id: str) -> str:
        try:
            decisions.accept(seeded, proposal_id, by="eddie")
        except Conflict:
            return "conflict"
        return "accepted"

    with ThreadPoolExecutor(2) as pool:
        assert sorted(pool.map(attempt, [same.id, same.id])) == ["accepted", "conflict"]
    assert len([r for r in history(seeded, META) if r.proposal == same.id]) == 1
    rivals = [summary_change(seeded, f"Rival {n}.", by=f"r{n}") for n in range(2)]
    with ThreadPoolExecutor(2) as pool:  # both made from the same revision, same field
        outcomes = sorted(pool.map(attempt, [p.id for p in rivals]))
    assert outcomes == ["accepted", "conflict"]
    summary = current_record(seeded, META).record["summary"]  # type: ignore[union-attr]
    winner = next(p for p in rivals if store.get(seeded, p.id).status == "accepted")
    assert summary == winner.record["summary"]


def test_a_new_event_with_a_new_source_is_created_in_one_transaction(seeded: Database) -> None:
    event = {
        "id": "event:2026-07-meta-joins-caisi-review",
        "type": "joined",
        "date": "2026-07",
        "summary": "Meta agreed to the pre-release review.",
        "status": "reported",
        "participants": [{"actor": META, "role": "party"}],
        "concerns": [{"id": "program:caisi-frontier-review", "role": "subject"}],
        "sources": [],
    }
    new_source = {"publisher": "Example Wire", "title": "Meta joins", "published": "2026-07-02"}
    p = store.propose(seeded, by="rita", record_type="Event", record=event, new_source=new_source)
    assert p.kind == "new" and p.new_source and p.record["sources"] == [p.source]
    assert current_record(seeded, p.source) is None  # the source waits for acceptance too
    _, revisions = decisions.accept(seeded, p.id, by="eddie")
    assert {r.record_id for r in revisions} == {p.source, event["id"]}
    assert {r.op for r in revisions} == {"create"}
    _, _, rows = queries.run(seeded, "parties-to", {"target": "program:caisi-frontier-review"})
    assert META in {r["actor_id"] for r in rows}


def test_invalid_proposals_name_the_field_and_store_nothing(seeded: Database) -> None:
    before = graph_fingerprint(seeded)
    with pytest.raises(ValidationFailed) as caught:
        store.propose(seeded, by="rita", record_type="Actor", record_id=META,
                      changes={"kind": "spaceship"}, source=CITED)  # fmt: skip
    assert "kind" in forms.problems_by_field(caught.value)
    with pytest.raises(ValidationFailed, match="country"):
        store.propose(seeded, by="rita", record_type="Actor", record_id=META,
                      changes={"country": "country:atlantis"}, source=CITED)  # fmt: skip
    with pytest.raises(ValidationFailed, match="source"):
        summary_change(seeded, "New.", source="src:no-such-source")
    with pytest.raises(BadParameter, match="source"):
        summary_change(seeded, "New.", source=None)
    with pytest.raises(NotFound):
        store.propose(seeded, by="rita", record_type="Actor", record_id="org:nobody",
                      changes={"summary": "x"}, source=CITED)  # fmt: skip
    with pytest.raises(Conflict):  # a new record whose id is taken
        store.propose(seeded, by="rita", record_type="Actor",
                      record={"id": META, "kind": "lab", "name": "Meta", "sources": [CITED]},
                      source=CITED)  # fmt: skip
    with pytest.raises(BadParameter, match="type"):
        store.propose(seeded, by="rita", record_type="Spaceship", record={}, source=CITED)
    meta = current_record(seeded, META)
    assert meta is not None
    with pytest.raises(BadParameter, match="nothing"):  # citing a source it already has
        summary_change(seeded, meta.record["summary"], source=meta.record["sources"][0])
    assert graph_fingerprint(seeded) == before
    assert store.proposals(seeded) == []


def new_actor(db: Database, rid: str = "org:example-lab") -> str:
    """An actor nothing refers to, created through an accepted proposal."""
    record = {"id": rid, "kind": "lab", "name": "Example Lab", "sources": [CITED]}
    p = store.propose(db, by="rita", record_type="Actor", record=record, source=CITED)
    decisions.accept(db, p.id, by="eddie")
    return rid


def test_retraction_hides_the_record_but_keeps_its_history(seeded: Database) -> None:
    with pytest.raises(Conflict) as caught:  # live events still name Meta
        retract(seeded, META, by="eddie", why="duplicate")
    assert caught.value.record_id == META
    rid = new_actor(seeded)
    _, _, rows = queries.run(seeded, "actor-profile", {"id": rid, "events": "0"})
    assert rows
    revision = retract(seeded, rid, by="eddie", why="no such lab")
    found = current_record(seeded, rid)
    assert found is not None and found.retracted
    with pytest.raises(NotFound):
        queries.run(seeded, "actor-profile", {"id": rid, "events": "0"})
    assert history(seeded, rid)[0] == revision
    assert revision.op == "retract" and revision.before and revision.before["name"] == "Example Lab"
    with pytest.raises(NotFound):  # nothing left to correct
        store.propose(seeded, by="rita", record_type="Actor", record_id=rid,
                      changes={"summary": "x"}, source=CITED)  # fmt: skip


def test_a_retracted_event_leaves_the_named_queries(seeded: Database) -> None:
    event = "event:2026-meta-negotiating-caisi-review"
    _, _, rows = queries.run(seeded, "timeline", {"actor": META, "limit": "500"})
    assert event in {r["event_id"] for r in rows}
    retract(seeded, event, by="eddie", why="the report was withdrawn")
    _, _, rows = queries.run(seeded, "timeline", {"actor": META, "limit": "500"})
    assert event not in {r["event_id"] for r in rows}
    assert history(seeded, event)[0].op == "retract"


def test_the_form_round_trips_a_record() -> None:
    record = {
        "id": "event:2026-x",
        "type": "joined",
        "date": "2026-07",
        "summary": "S.",
        "status": "reported",
        "participants": [{"actor": META, "role": "party"}],
        "concerns": [{"id": "program:p", "role": "subject"}],
        "sources": [CITED],
        "recorded_at": "2026-11-29",
    }
    values = forms.form_values("Event", record)
    assert values["f_participants"] == "org:meta party"
    back, problems = forms.record_from_form("Event", values, base=record)
    assert back == record and problems == {}
    values["f_participants"] = "org:meta"
    _, problems = forms.record_from_form("Event", values, base=record)
    assert "participants" in problems
    kinds = {f.name: f.input for f in forms.form_fields("Event")}
    assert kinds["type"] == "select" and kinds["participants"] == "textarea"
    assert "recorded_at" not in kinds


# ------------------------------------------------------- the hostile review's findings (F2)

SAME = {"publisher": "Same Pub", "title": "Same story", "published": "2026-11-01"}
SAME_ID = "src:same-pub-2026-11-01-same-story"


def sources_now(db: Database) -> set[str]:
    return {r["id"] for r in db.rows("MATCH (s:Source) RETURN s.id AS id")}


def new_lab(db: Database, rid: str, by: str = "rita", **cite: Any) -> store.Proposal:
    record = {"id": rid, "kind": "lab", "name": rid.split(":")[1].title(), "sources": []}
    return store.propose(db, by=by, record_type="Actor", record=record, **cite)


def test_two_pending_proposals_citing_the_same_new_source_both_accept(seeded: Database) -> None:
    first = summary_change(seeded, "Meta, per Same Pub.", source=None, new_source=SAME)
    second = new_lab(seeded, "org:same-lab", by="sam", new_source=dict(SAME))
    assert first.new_source and second.new_source
    assert first.source == second.source == SAME_ID
    decisions.accept(seeded, first.id, by="eddie")
    before = sources_now(seeded)
    _, revisions = decisions.accept(seeded, second.id, by="eddie")  # no 409: the same source
    assert [r.record_id for r in revisions] == ["org:same-lab"]
    assert revisions[0].source == SAME_ID and sources_now(seeded) == before
    found = current_record(seeded, "org:same-lab")
    assert found is not None and found.record["sources"] == [SAME_ID]


def test_a_new_source_already_in_the_graph_is_cited_not_duplicated(seeded: Database) -> None:
    decisions.accept(seeded, summary_change(seeded, "Per Same Pub.", new_source=SAME,
                                            source=None).id, by="eddie")  # fmt: skip
    spaced = {**SAME, "title": "  same  STORY "}  # the same citation, typed differently
    later = new_lab(seeded, "org:later-lab", new_source=spaced)
    assert later.new_source is None and later.source == SAME_ID
    assert later.record["sources"] == [SAME_ID]
    before = sources_now(seeded)
    decisions.accept(seeded, later.id, by="eddie")
    assert sources_now(seeded) == before and f"{SAME_ID}-2" not in before
    other = new_lab(seeded, "org:other-lab", new_source={**SAME, "url": "https://x.example/2"})
    assert other.new_source and other.source == f"{SAME_ID}-2"  # a url that differs: another


def test_a_different_source_on_a_colliding_id_gets_a_new_id_at_accept(seeded: Database) -> None:
    first = new_lab(seeded, "org:lab-one", new_source=SAME)
    clash = {**SAME, "url": "https://other.example/story"}
    second = new_lab(seeded, "org:lab-two", by="sam", new_source=clash)
    assert first.source == second.source == SAME_ID  # both free when proposed
    decisions.accept(seeded, first.id, by="eddie")
    _, revisions = decisions.accept(seeded, second.id, by="eddie")
    assert {r.record_id for r in revisions} == {f"{SAME_ID}-2", "org:lab-two"}
    lab = current_record(seeded, "org:lab-two")
    created = current_record(seeded, f"{SAME_ID}-2")
    assert lab is not None and lab.record["sources"] == [f"{SAME_ID}-2"]
    assert created is not None and created.record["url"] == "https://other.example/story"


def test_recorded_at_of_an_existing_record_is_not_proposable(seeded: Database) -> None:
    with pytest.raises(BadParameter, match=r"recorded_at.*entered the dataset"):
        store.propose(seeded, by="rita", record_type="Actor", record_id=META,
                      changes={"recorded_at": "1999-01-01"}, source=CITED)  # fmt: skip
    meta = current_record(seeded, META)
    assert meta is not None
    with pytest.raises(BadParameter, match=r"record\.recorded_at"):
        backdated = {**meta.record, "recorded_at": "1999-01-01", "summary": "S."}
        store.propose(seeded, by="rita", record_type="Actor", record_id=META, source=CITED,
                      record=backdated)  # fmt: skip
    with pytest.raises(BadParameter, match="recorded_at"):
        store.propose(seeded, by="rita", record_type="Actor", record_id=META,
                      changes={"recorded_at": None, "summary": "S."}, source=CITED)  # fmt: skip
    assert store.proposals(seeded) == []
    p = store.propose(seeded, by="rita", record_type="Actor", source=CITED,
                      record={"id": "org:new-lab", "kind": "lab", "name": "New",
                              "recorded_at": "1999-01-01"})  # fmt: skip
    assert p.record["recorded_at"] == store.now_utc().date().isoformat()


def test_an_editor_does_not_accept_their_own_proposal_an_admin_may(seeded: Database) -> None:
    own = summary_change(seeded, "Mine.", by="eddie")
    with pytest.raises(Forbidden, match="another editor"):
        decisions.accept(seeded, own.id, by="eddie")
    assert store.get(seeded, own.id).status == "pending"
    assert current_record(seeded, META).record["summary"] != "Mine."  # type: ignore[union-attr]
    accepted, _ = decisions.accept(seeded, own.id, by="eddie", may_accept_own=True)
    assert accepted.status == "accepted" and accepted.decided_by == "eddie"


def test_a_required_list_is_never_emptied_removals_list_what_remains(seeded: Database) -> None:
    holdout = "src:article-2026-caisi-meta-holdout"
    for empty in (None, []):
        with pytest.raises(BadParameter, match=r"changes\.sources.*list the ones that remain"):
            store.propose(seeded, by="rita", record_type="Actor", record_id=META,
                          changes={"sources": empty}, source=CITED)  # fmt: skip
    event = "event:2026-meta-negotiating-caisi-review"
    with pytest.raises(BadParameter, match="participants"):
        store.propose(seeded, by="rita", record_type="Event", record_id=event,
                      changes={"participants": []}, source=CITED)  # fmt: skip
    assert store.proposals(seeded) == []
    nyt = "src:nyt-2026-early-access"
    p = store.propose(seeded, by="rita", record_type="Actor", record_id=META,
                      changes={"sources": [CITED]}, source=nyt)  # fmt: skip
    rows = {r.field: r for r in store.diff(seeded, p)}
    assert rows["sources"].current == [holdout] and rows["sources"].proposed == [CITED, nyt]
    decisions.accept(seeded, p.id, by="eddie")
    assert current_record(seeded, META).record["sources"] == [CITED, nyt]  # type: ignore[union-attr]


def test_control_characters_in_note_and_reasons_are_refused(seeded: Database) -> None:
    with pytest.raises(BadParameter, match=r"'note'.*control"):
        summary_change(seeded, "S.", note="see \x00\x1b[31m")
    p = summary_change(seeded, "S.")
    with pytest.raises(BadParameter, match=r"'reason'.*control"):
        decisions.accept(seeded, p.id, by="eddie", reason="ok \x00")
    with pytest.raises(BadParameter, match=r"'reason'.*control"):
        decisions.reject(seeded, p.id, by="eddie", reason="no \x1b[2J")
    assert store.get(seeded, p.id).status == "pending" and len(store.proposals(seeded)) == 1


def test_a_retracted_records_id_is_not_proposed_again(seeded: Database) -> None:
    rid = new_actor(seeded)
    retract(seeded, rid, by="eddie", why="no such lab")
    with pytest.raises(Conflict, match="retracted record") as caught:
        new_lab(seeded, rid, source=CITED)
    assert "correction" not in str(caught.value) and "another id" in (caught.value.fix or "")
    with pytest.raises(Conflict, match="already a record"):
        new_lab(seeded, META, source=CITED)

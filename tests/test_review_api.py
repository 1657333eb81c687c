"""Proposals and review over HTTP: the JSON API, the forms with their CSRF tokens, the queue."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from conftest import DATA_DIR, app_client, wipe
from fastapi.testclient import TestClient

from govgraph.core.settings import Settings
from govgraph.graph.accounts import add_user
from govgraph.graph.api_tokens import issue_token
from govgraph.graph.db import Database
from govgraph.graph.revision import graph_fingerprint
from govgraph.ingest.changes import current_record
from govgraph.ingest.validate import load_dataset
from govgraph.ingest.writer import ingest

SEED = DATA_DIR / "caisi-review-2026.yaml"
META = "org:meta"
CITED = "src:reuters-2026-nyt-early-access"
PASSWORD = "correct horse battery staple"
TOKEN_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def site(clean_db: Database, settings: Settings) -> Iterator[dict[str, Any]]:
    """The seed graph, a contributor, a second contributor and an editor, each with a token."""
    ingest(clean_db, load_dataset([SEED]))
    tokens = {}
    for name, role in (("rita", "contributor"), ("sam", "contributor"), ("eddie", "editor")):
        add_user(clean_db, name, role, PASSWORD)
        plain, _ = issue_token(clean_db, name, label="tests", days=1)
        tokens[name] = {"Authorization": f"Bearer {plain}"}
    with app_client(settings, cache_seconds=0) as client:
        yield {"db": clean_db, "client": client, **tokens}
    wipe(clean_db)


def proposal_count(db: Database) -> int:
    return int(db.rows("MATCH (p:Proposal) RETURN count(p) AS n")[0]["n"])


def propose_summary(site: dict[str, Any], text: str, who: str = "rita") -> dict[str, Any]:
    body = {"type": "Actor", "record_id": META, "changes": {"summary": text}, "source": CITED,
            "note": "sharper"}  # fmt: skip
    r = site["client"].post("/api/proposals", json=body, headers=site[who])
    assert r.status_code == 201, r.text
    return dict(r.json())


def test_propose_and_accept_over_the_api(site: dict[str, Any]) -> None:
    client, db = site["client"], site["db"]
    p = propose_summary(site, "Meta Platforms, maker of the Llama models.")
    assert p["status"] == "pending" and p["by"] == "rita" and p["source"] == CITED
    changed = {row["field"]: row for row in p["diff"] if row["changed"]}
    assert set(changed) == {"summary", "sources"}
    assert changed["summary"]["proposed"] == "Meta Platforms, maker of the Llama models."

    assert client.get("/api/proposals", headers=site["rita"]).json()["count"] == 1
    assert client.get("/api/proposals", headers=site["sam"]).json()["count"] == 0
    assert client.get("/api/proposals?status=pending", headers=site["eddie"]).json()["count"] == 1
    assert client.get(f"/api/proposals/{p['id']}", headers=site["sam"]).status_code == 403
    assert client.get(f"/api/proposals/{p['id']}", headers=site["rita"]).status_code == 200

    assert client.post(f"/api/proposals/{p['id']}/accept", headers=site["rita"]).status_code == 403
    r = client.post(f"/api/proposals/{p['id']}/accept", json={"reason": "ok"},
                    headers=site["eddie"])  # fmt: skip
    assert r.status_code == 200, r.text
    done = r.json()
    assert done["status"] == "accepted" and done["decided_by"] == "eddie"
    assert done["revisions"][-1]["by"] == "eddie" and done["revisions"][-1]["source"] == CITED
    written = {row["field"]: row for row in done["diff"] if row["changed"]}
    assert written["summary"]["current"] == changed["summary"]["current"]  # before the revision
    assert written["summary"]["proposed"] == "Meta Platforms, maker of the Llama models."
    entity = client.get(f"/api/entities/{META}").json()
    assert entity["summary"] == "Meta Platforms, maker of the Llama models."
    again = client.post(f"/api/proposals/{p['id']}/accept", headers=site["eddie"])
    assert again.status_code == 409 and again.json()["error"]["record_id"] == META
    assert proposal_count(db) == 1


def test_a_conflicting_accept_is_409_with_the_current_revision(site: dict[str, Any]) -> None:
    client = site["client"]
    first = propose_summary(site, "First.")
    second = propose_summary(site, "Second.", who="sam")
    assert client.post(f"/api/proposals/{first['id']}/accept", headers=site["eddie"]).is_success
    now = current_record(site["db"], META)
    assert now is not None
    r = client.post(f"/api/proposals/{second['id']}/accept", headers=site["eddie"])
    assert r.status_code == 409
    assert r.json()["error"]["current_revision"] == now.rev
    assert (
        client.get(f"/api/proposals/{second['id']}", headers=site["eddie"]).json()["status"]
        == "pending"
    )


def test_reject_needs_a_reason_and_changes_nothing_else(site: dict[str, Any]) -> None:
    client, db = site["client"], site["db"]
    p = propose_summary(site, "Wrong.")
    before = graph_fingerprint(db)
    url = f"/api/proposals/{p['id']}/reject"
    assert client.post(url, json={}, headers=site["eddie"]).status_code == 422
    assert client.post(url, json={"reason": "no"}, headers=site["rita"]).status_code == 403
    r = client.post(url, json={"reason": "the source says otherwise"}, headers=site["eddie"])
    assert r.status_code == 200 and r.json()["status"] == "rejected"
    after = graph_fingerprint(db)
    assert after["relationships"] == before["relationships"]
    assert {k: v for k, v in after["labels"].items()} == before["labels"]
    assert current_record(db, META).record["summary"] != "Wrong."  # type: ignore[union-attr]


GARBAGE = [
    {"type": "Actor", "record_id": META, "changes": {"summary": 42}, "source": CITED},
    {"type": "Actor", "record_id": META, "changes": {"colour": "blue"}, "source": CITED},
    {"type": "Spaceship", "record": {"id": "org:x"}, "source": CITED},
    {"type": "Actor", "record_id": META, "changes": {"summary": "x"}, "source": CITED, "extra": 1},
    {"type": "Event", "record_id": "event:2026-meta-negotiating-caisi-review",
     "changes": {"date": "2026-02-30"}, "source": CITED},
    {"type": "Actor", "record_id": META, "changes": {"summary": "x"}},
    {"type": "Actor", "record_id": META, "changes": {"summary": "x"}, "source": "src:nope"},
    {"type": "Actor", "record_id": "org:nobody", "changes": {"summary": "x"}, "source": CITED},
    {"type": "Actor", "record_id": "<script>", "changes": {"summary": "x"}, "source": CITED},
    {"type": "Actor", "record_id": META, "changes": {"summary": "x" * 6000}, "source": CITED},
    {"type": "Actor", "record_id": META, "changes": {"name": "\u0000"}, "source": CITED},
    {"type": "Actor", "record_id": META, "changes": {"country": {"$ne": 1}}, "source": CITED},
    {"type": "Actor", "record": [1, 2], "source": CITED},
    {"type": "Actor", "record_id": META, "changes": {"summary": "x"},
     "new_source": {"publisher": "P", "title": "T", "published": "someday"}},
    {"type": "Actor", "record_id": META, "changes": {"summary": "x"}, "source": CITED,
     "new_source": {"publisher": "P", "title": "T", "published": "2026"}},
    "not an object",
]  # fmt: skip


def test_garbage_is_a_clear_4xx_and_stores_nothing(site: dict[str, Any]) -> None:
    for n, body in enumerate(GARBAGE):
        r = site["client"].post("/api/proposals", json=body, headers=site["rita"])
        assert 400 <= r.status_code < 500, f"body {n}: {r.text}"
        assert r.json()["error"]["message"], f"body {n}"
    assert proposal_count(site["db"]) == 0


def test_big_bodies_unknown_ids_and_anonymous_callers(site: dict[str, Any]) -> None:
    client = site["client"]
    huge = {"type": "Actor", "record_id": META, "changes": {"summary": "x" * 1_000_000},
            "source": CITED}  # fmt: skip
    assert client.post("/api/proposals", json=huge, headers=site["rita"]).status_code == 413
    body = {"type": "Actor", "record_id": META, "changes": {"summary": "x"}, "source": CITED}
    anonymous = client.post("/api/proposals", json=body)
    assert anonymous.status_code == 401 and "Bearer" in anonymous.headers["www-authenticate"]
    assert client.get("/api/proposals").status_code == 401
    for path in ("/api/proposals/proposal:000000000000", "/api/proposals/nonsense"):
        assert client.get(path, headers=site["eddie"]).status_code == 404
    assert client.post("/api/proposals/proposal:000000000000/accept",
                       headers=site["eddie"]).status_code == 404  # fmt: skip
    assert client.get("/api/proposals?status=maybe", headers=site["eddie"]).status_code == 422
    assert proposal_count(site["db"]) == 0


def test_retract_over_the_api(site: dict[str, Any]) -> None:
    client = site["client"]
    record = {"id": "org:example-lab", "kind": "lab", "name": "Example Lab"}
    r = client.post("/api/proposals", json={"type": "Actor", "record": record, "source": CITED},
                    headers=site["rita"])  # fmt: skip
    assert r.status_code == 201, r.text
    assert r.json()["record"]["sources"] == [CITED]
    assert client.post(f"/api/proposals/{r.json()['id']}/accept",
                       headers=site["eddie"]).is_success  # fmt: skip
    assert client.get("/api/entities/org:example-lab").status_code == 200
    url = "/api/records/org:example-lab/retract"
    assert client.post(url, json={"reason": "x"}, headers=site["rita"]).status_code == 403
    assert client.post(url, json={"reason": "x"}).status_code == 401
    assert client.post(url, json={}, headers=site["eddie"]).status_code == 422
    r = client.post(url, json={"reason": "no such lab"}, headers=site["eddie"])
    assert r.status_code == 200, r.text
    assert r.json()["revision"]["op"] == "retract"
    assert client.get("/api/entities/org:example-lab").status_code == 404
    assert client.post(url, json={"reason": "again"}, headers=site["eddie"]).status_code == 409
    busy = client.post(f"/api/records/{META}/retract", json={"reason": "x"}, headers=site["eddie"])
    assert busy.status_code == 409 and busy.json()["error"]["record_id"] == META
    missing = client.post("/api/records/org:nobody/retract", json={"reason": "x"},
                          headers=site["eddie"])  # fmt: skip
    assert missing.status_code == 404


# ------------------------------------------------------------------------------------ pages


def log_in(client: TestClient, name: str) -> None:
    page = client.get("/login")
    token = TOKEN_FIELD.search(page.text)
    assert token, page.text[:500]
    r = client.post("/login", data={"name": name, "password": PASSWORD, "csrf_token": token[1],
                                    "next": "/"}, follow_redirects=False)  # fmt: skip
    assert r.status_code == 303, r.text[:500]


def form_token(html: str) -> str:
    found = TOKEN_FIELD.search(html)
    assert found, html[:500]
    return found[1]


def test_pages_propose_review_and_accept_with_csrf(
    site: dict[str, Any], settings: Settings
) -> None:
    db = site["db"]
    with app_client(settings, cache_seconds=0) as rita, app_client(settings) as eddie:
        entity = rita.get(f"/entity/{META}")
        assert f'href="/entity/{META}/suggest"' in entity.text
        assert f'href="/entity/{META}/history"' in entity.text
        assert f'href="/feeds/entity/{META}.atom"' in entity.text
        anonymous = rita.get(f"/entity/{META}/suggest", follow_redirects=False)
        assert anonymous.status_code == 303
        assert anonymous.headers["location"].startswith("/login?next=")

        log_in(rita, "rita")
        form = rita.get(f"/entity/{META}/suggest")
        assert form.status_code == 200 and "open-weight models" in form.text
        fields = {"type": "Actor", "record_id": META, "f_kind": "lab", "f_name": "Meta",
                  "f_summary": "Meta Platforms, maker of Llama.", "f_country": "country:us",
                  "f_sources": "src:article-2026-caisi-meta-holdout", "source": CITED,
                  "note": "sharper"}  # fmt: skip
        refused = rita.post("/propose", data=fields)
        assert refused.status_code == 403 and proposal_count(db) == 0
        wrong = rita.post("/propose", data={**fields, "csrf_token": "forged"})
        assert wrong.status_code == 403 and proposal_count(db) == 0
        bad = rita.post("/propose", data={**fields, "f_kind": "spaceship",
                                          "csrf_token": form_token(form.text)})  # fmt: skip
        assert bad.status_code == 422 and "kind" in bad.text and proposal_count(db) == 0
        sent = rita.post("/propose", data={**fields, "csrf_token": form_token(form.text)})
        assert sent.status_code == 201 and "Proposal sent" in sent.text
        assert rita.get("/review").status_code == 403  # contributors do not review

        log_in(eddie, "eddie")
        queue = eddie.get("/review")
        assert queue.status_code == 200 and META in queue.text and "rita" in queue.text
        pid = re.search(r'href="/review/(proposal:[0-9a-f]{12})"', queue.text)
        assert pid
        item = eddie.get(f"/review/{pid[1]}")
        assert (
            "<mark>summary</mark>" in item.text and "Meta Platforms, maker of Llama." in item.text
        )
        url = f"/review/{pid[1]}/accept"
        assert eddie.post(url, data={}).status_code == 403
        assert current_record(db, META).record["summary"] != "Meta Platforms, maker of Llama."  # type: ignore[union-attr]
        done = eddie.post(url, data={"csrf_token": form_token(item.text)}, follow_redirects=False)
        assert done.status_code == 303 and done.headers["location"] == f"/entity/{META}"
        assert "Meta Platforms, maker of Llama." in eddie.get(f"/entity/{META}").text


def test_a_conflicting_accept_on_the_page_shows_409(
    site: dict[str, Any], settings: Settings
) -> None:
    first = propose_summary(site, "First.")
    second = propose_summary(site, "Second.", who="sam")
    assert site["client"].post(f"/api/proposals/{first['id']}/accept",
                               headers=site["eddie"]).is_success  # fmt: skip
    with app_client(settings) as eddie:
        log_in(eddie, "eddie")
        item = eddie.get(f"/review/{second['id']}")
        r = eddie.post(f"/review/{second['id']}/accept", data={"csrf_token": form_token(item.text)})
        assert r.status_code == 409
        assert 'id="current-revision"' in r.text and f"/entity/{META}/history" in r.text
        reject = eddie.post(f"/review/{second['id']}/reject",
                            data={"csrf_token": form_token(item.text), "reason": "superseded"},
                            follow_redirects=False)  # fmt: skip
        assert reject.status_code == 303 and reject.headers["location"].startswith("/review")


def test_event_form_new_record_with_a_new_source_and_retract_page(
    site: dict[str, Any], settings: Settings
) -> None:
    db = site["db"]
    event = "event:2026-meta-negotiating-caisi-review"
    with app_client(settings, cache_seconds=0) as anonymous:
        r = anonymous.post("/propose", data={"type": "Actor"}, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/login")
        assert proposal_count(db) == 0
    with app_client(settings, cache_seconds=0) as rita, app_client(settings) as eddie:
        log_in(rita, "rita")
        form = rita.get(f"/event/{event}/suggest")
        assert form.status_code == 200 and "org:meta party" in form.text
        assert 'name="f_type"' in form.text and "Accepted: 2023-07-21, 2023-07" in form.text
        for kind in ("Event", "Instrument", "Source"):
            assert rita.get(f"/propose?type={kind}").status_code == 200
        assert rita.get("/propose?type=Spaceship").status_code == 422
        blank = rita.get("/propose?type=Actor")
        assert blank.status_code == 200 and 'name="new_source_publisher"' in blank.text
        fields = {"type": "Actor", "f_id": "org:example-lab", "f_kind": "lab",
                  "f_name": "Example <b>Lab</b>", "new_source_publisher": "Example Wire",
                  "new_source_title": "A lab opens", "new_source_published": "2026-07",
                  "csrf_token": form_token(blank.text)}  # fmt: skip
        sent = rita.post("/propose", data=fields)
        assert sent.status_code == 201, sent.text[:800]
        assert "Example &lt;b&gt;Lab&lt;/b&gt;" in sent.text and "<b>Lab</b>" not in sent.text
        both = rita.post("/propose", data={**fields, "source": CITED})
        assert both.status_code == 422 and 'id="source-error"' in both.text

        log_in(eddie, "eddie")
        queue = eddie.get("/review")
        pid = re.search(r'href="/review/(proposal:[0-9a-f]{12})"', queue.text)
        assert pid
        item = eddie.get(f"/review/{pid[1]}")
        assert "Example Wire" in item.text and "created on acceptance" in item.text
        done = eddie.post(f"/review/{pid[1]}/accept", data={"csrf_token": form_token(item.text)},
                          follow_redirects=False)  # fmt: skip
        assert done.headers["location"] == "/entity/org:example-lab"
        page = eddie.get("/entity/org:example-lab")
        assert 'action="/review/retract/org:example-lab"' in page.text
        assert "Retract this record" not in rita.get("/entity/org:example-lab").text
        refused = eddie.post("/review/retract/org:example-lab", data={"reason": "x"})
        assert refused.status_code == 403
        gone = eddie.post("/review/retract/org:example-lab",
                          data={"reason": "no such lab", "csrf_token": form_token(page.text)},
                          follow_redirects=False)  # fmt: skip
        assert gone.status_code == 303 and "retracted=" in gone.headers["location"]
        assert eddie.get("/api/entities/org:example-lab").status_code == 404
        busy = eddie.post(f"/review/retract/{META}",
                          data={"reason": "x", "csrf_token": form_token(page.text)})  # fmt: skip
        assert busy.status_code == 409


# ------------------------------------------------------- the hostile review's findings (F2)


def error_of(r: Any, status: int) -> dict[str, Any]:
    assert r.status_code == status, r.text
    return dict(r.json()["error"])


def test_own_proposals_need_another_editor_over_the_api(site: dict[str, Any]) -> None:
    client, db = site["client"], site["db"]
    mine = propose_summary(site, "Eddie's own.", who="eddie")
    url = f"/api/proposals/{mine['id']}/accept"
    error = error_of(client.post(url, json={}, headers=site["eddie"]), 403)
    assert "another editor" in error["message"]
    assert current_record(db, META).record["summary"] != "Eddie's own."  # type: ignore[union-attr]
    add_user(db, "ada", "admin", PASSWORD)
    plain, _ = issue_token(db, "ada", label="tests", days=1)
    admin = {"Authorization": f"Bearer {plain}"}
    ours = client.post("/api/proposals", headers=admin, json={
        "type": "Actor", "record_id": META, "changes": {"name": "Meta Platforms"},
        "source": CITED})  # fmt: skip
    assert ours.status_code == 201, ours.text
    done = client.post(f"/api/proposals/{ours.json()['id']}/accept", json={}, headers=admin)
    assert done.status_code == 200 and done.json()["decided_by"] == "ada"  # a one-editor newsroom
    assert client.post(url, json={}, headers=site["eddie"]).status_code == 403  # still pending


def test_recorded_at_control_characters_and_emptied_sources_are_422(site: dict[str, Any]) -> None:
    client, db = site["client"], site["db"]
    body = {"type": "Actor", "record_id": META, "source": CITED}
    cases = [
        ({"changes": {"recorded_at": "1999-01-01"}}, "changes.recorded_at"),
        ({"changes": {"sources": None}}, "changes.sources"),
        ({"changes": {"sources": []}}, "changes.sources"),
        ({"changes": {"summary": "S."}, "note": "look \x1b[31m"}, "note"),
    ]
    for extra, param in cases:
        error = error_of(client.post("/api/proposals", json={**body, **extra},
                                     headers=site["rita"]), 422)  # fmt: skip
        assert error.get("param") == param and param in error["message"], error
    assert proposal_count(db) == 0
    p = propose_summary(site, "Fine.")
    for verdict in ("accept", "reject"):
        r = client.post(f"/api/proposals/{p['id']}/{verdict}", json={"reason": "ok \x00"},
                        headers=site["eddie"])  # fmt: skip
        assert error_of(r, 422).get("param") == "reason"
    retract = client.post("/api/records/org:meta/retract", json={"reason": "x\x1b"},
                          headers=site["eddie"])  # fmt: skip
    assert error_of(retract, 422).get("param") == "reason"
    assert client.get(f"/api/proposals/{p['id']}", headers=site["eddie"]).json()["status"] == (
        "pending"
    )


def test_the_same_new_source_twice_over_the_api(site: dict[str, Any]) -> None:
    client = site["client"]
    new_source = {"publisher": "Same Pub", "title": "Same story", "published": "2026-11-01"}
    body = {"type": "Actor", "record_id": META, "new_source": new_source}
    first = client.post("/api/proposals", headers=site["rita"],
                        json={**body, "changes": {"summary": "One."}}).json()  # fmt: skip
    second = client.post("/api/proposals", headers=site["sam"],
                         json={**body, "changes": {"name": "Meta Platforms"}}).json()  # fmt: skip
    assert first["source"] == second["source"] == "src:same-pub-2026-11-01-same-story"
    for p in (first, second):
        r = client.post(f"/api/proposals/{p['id']}/accept", json={}, headers=site["eddie"])
        assert r.status_code == 200, r.text
    third = client.post("/api/proposals", headers=site["rita"],
                        json={**body, "changes": {"summary": "Three."}}).json()  # fmt: skip
    assert third["source"] == first["source"] and third["new_source"] is None
    assert client.get(f"/api/entities/{first['source']}-2").status_code == 404


def test_own_proposal_page_and_removed_sources_on_the_diff_page(
    site: dict[str, Any], settings: Settings
) -> None:
    holdout = "src:article-2026-caisi-meta-holdout"
    client = site["client"]
    mine = propose_summary(site, "Eddie's own.", who="eddie")
    trim = client.post("/api/proposals", headers=site["rita"], json={
        "type": "Actor", "record_id": META, "changes": {"sources": []},
        "source": "src:nyt-2026-early-access"})  # fmt: skip
    assert trim.status_code == 422
    trim = client.post("/api/proposals", headers=site["rita"], json={
        "type": "Actor", "record_id": META, "changes": {"sources": [CITED]},
        "source": "src:nyt-2026-early-access"})  # fmt: skip
    assert trim.status_code == 201, trim.text
    with app_client(settings) as eddie:
        log_in(eddie, "eddie")
        own = eddie.get(f"/review/{mine['id']}")
        assert 'id="own-proposal"' in own.text and 'id="accept"' not in own.text
        assert 'id="reject"' in own.text
        r = eddie.post(f"/review/{mine['id']}/accept", data={"csrf_token": form_token(own.text)})
        assert r.status_code == 403 and "another editor" in r.text
        item = eddie.get(f"/review/{trim.json()['id']}")
        assert f"<del>{holdout}</del> <strong>(removed)</strong>" in item.text
        assert f"<ins>{CITED}</ins>" in item.text and 'id="accept"' in item.text
    assert client.get(f"/api/proposals/{mine['id']}", headers=site["eddie"]).json()["status"] == (
        "pending"
    )

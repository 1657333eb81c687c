"""The issue's story end to end over HTTP, against the real server: a contributor proposes a
correction, an editor accepts it, the record, its history, its Atom feed and a signed webhook
delivery all show it; `as_recorded` the day before answers as before; a rival accept is a 409;
a rejected proposal changes nothing."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import Any

from conftest import DATA_DIR, app_client
from pydantic import SecretStr
from test_webhooks import Receiver, verified, wait_until

from govgraph.core.settings import Settings
from govgraph.graph import accounts
from govgraph.graph.api_tokens import issue_token
from govgraph.graph.db import Database
from govgraph.graph.history import latest_seq
from govgraph.graph.revision import graph_fingerprint
from govgraph.ingest.validate import load_dataset
from govgraph.ingest.writer import ingest

ACTOR = "org:openai"
SOURCE = "src:article-2026-caisi-meta-holdout"
KEY = "bootstrap-admin-key-for-the-flow-test"
SECRET = "a-shared-secret-of-the-receiver"
ATOM = "{http://www.w3.org/2005/Atom}"


def _bearer(db: Database, name: str, role: str) -> dict[str, str]:
    accounts.add_user(db, name, role, f"{name}-password-long-enough")
    plain, _ = issue_token(db, name, label="flow test", days=1)
    return {"Authorization": f"Bearer {plain}"}


def _propose(client: Any, who: dict[str, str], summary: str) -> str:
    body = {
        "type": "Actor",
        "record_id": ACTOR,
        "changes": {"summary": summary},
        "source": SOURCE,
        "note": "the article says so",
    }
    response = client.post("/api/proposals", json=body, headers=who)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def test_a_correction_travels_from_proposal_to_every_follower(
    clean_db: Database, settings: Settings
) -> None:
    db = clean_db
    ingest(db, load_dataset([DATA_DIR / "caisi-review-2026.yaml"]))
    # The seed was recorded in January; the correction below is made today.
    db.write(
        lambda tx: tx.run("MATCH (r:Revision) SET r.at = datetime('2026-01-01T00:00Z')").consume()
    )
    carla = _bearer(db, "carla", "contributor")
    eddie = _bearer(db, "eddie", "editor")
    admin = {"Authorization": f"Bearer {KEY}"}
    overrides = {
        "api_key": SecretStr(KEY),
        "webhook_allow_private": True,
        "webhook_poll_seconds": 0.1,
        "webhook_retry_seconds": 0.05,
        "cache_seconds": 0,
    }
    with Receiver() as receiver, app_client(settings, **overrides) as client:
        hook = client.post(
            "/api/webhooks", json={"url": receiver.url, "secret": SECRET}, headers=admin
        )
        assert hook.status_code == 201, hook.text
        old = client.get(f"/api/entities/{ACTOR}").json().get("summary")

        first = _propose(client, carla, "Corrected by the newsroom.")
        rival = _propose(client, carla, "A rival correction of the same field.")
        unwanted = _propose(client, carla, "A correction the editor turns down.")
        assert (
            client.post(f"/api/proposals/{first}/accept", json={}, headers=carla).status_code == 403
        )

        accepted = client.post(f"/api/proposals/{first}/accept", json={}, headers=eddie)
        assert accepted.status_code == 200, accepted.text
        assert (
            client.get(f"/api/entities/{ACTOR}").json()["summary"] == "Corrected by the newsroom."
        )
        page = client.get(f"/entity/{ACTOR}")
        assert "Corrected by the newsroom." in page.text and "Suggest a correction" in page.text

        history = client.get(f"/api/history/{ACTOR}").json()["data"]
        assert history[0]["by"] == "eddie" and history[0]["fields"] == ["summary"]
        assert history[0]["source"] == SOURCE and history[0]["proposal"] == first
        assert "Corrected by the newsroom." in client.get(f"/entity/{ACTOR}/history").text

        feed = ET.fromstring(client.get(f"/feeds/entity/{ACTOR}.atom").content)
        entries = feed.findall(f"{ATOM}entry")
        assert "Corrected by the newsroom." in ET.tostring(entries[0], encoding="unicode")

        seq = latest_seq(db)
        wait_until(lambda: any(seq in [c["seq"] for c in json.loads(b)["changes"]]
                               for _, b in receiver.received))  # fmt: skip
        headers, body = next(
            (h, b) for h, b in receiver.received
            if seq in [c["seq"] for c in json.loads(b)["changes"]]
        )  # fmt: skip
        assert verified(SECRET, headers, body)

        then = client.get(f"/api/entities/{ACTOR}", params={"as_recorded": "2026-06-01"})
        assert then.json().get("summary") == old

        clash = client.post(f"/api/proposals/{rival}/accept", json={}, headers=eddie)
        assert clash.status_code == 409
        assert clash.json()["error"]["current_revision"] == history[0]["rev"]

        before = graph_fingerprint(db, history=True)
        rejected = client.post(
            f"/api/proposals/{unwanted}/reject", json={"reason": "not supported"}, headers=eddie
        )
        assert rejected.status_code == 200, rejected.text
        after = graph_fingerprint(db, history=True)
        # Only the proposal node's own state changed; no record, revision or relationship did.
        assert after["relationships"] == before["relationships"]
        assert after["labels"] == before["labels"]
        assert latest_seq(db) == seq
        assert (
            client.get(f"/api/entities/{ACTOR}").json()["summary"] == "Corrected by the newsroom."
        )

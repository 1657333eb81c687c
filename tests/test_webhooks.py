"""Webhooks: URL safety, admin-only registration, signed deliveries, retries, disabling."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from ipaddress import ip_address
from typing import Any

import httpx
import pytest
import schemathesis
from conftest import DATA_DIR, app_client
from hypothesis import HealthCheck
from hypothesis import settings as hsettings
from pydantic import SecretStr

from govgraph.api.delivery import pinned
from govgraph.api.main import create_app
from govgraph.core.errors import BadParameter
from govgraph.core.settings import Settings, get_settings
from govgraph.graph import webhooks
from govgraph.graph.db import Database
from govgraph.graph.history import latest_seq
from govgraph.graph.targets import check_target, checked_addresses
from govgraph.ingest.changes import Change, apply_changes, current_record
from govgraph.ingest.validate import load_dataset
from govgraph.ingest.writer import ingest

SEED = DATA_DIR / "caisi-review-2026.yaml"
KEY = "follow-admin-key-0123456789abcdef"
ADMIN = {"Authorization": f"Bearer {KEY}"}
SECRET = "a-shared-secret-of-some-length"
# The admin endpoints, as an admin calls them (generated requests; the app opens Neo4j lazily).
admin_app = create_app(get_settings().model_copy(update={"api_key": SecretStr(KEY)}))
admin_schema = schemathesis.openapi.from_asgi("/openapi.json", admin_app).include(
    path_regex="^/api/webhooks"
)
REFUSED = [
    "http://127.0.0.1/hook",
    "http://10.0.0.1/hook",
    "http://[::1]/hook",
    "http://169.254.169.254/latest/meta-data",
    "http://0x7f000001/hook",
    "http://2130706433/hook",
    "http://[::ffff:127.0.0.1]/hook",
    "http://localhost:8080/hook",
    "http://192.168.1.20/hook",
    "http://[fe80::1]/hook",
    "http://224.0.0.1/hook",
    "http://0.0.0.0/hook",
    "ftp://example.com/hook",
    "file:///etc/passwd",
    "http:///no-host",
    "http://user:pw@example.com/hook",
    "http://exa mple.com/hook",
    "http://[2002:7f00:1::]/hook",  # 6to4 around 127.0.0.1
    "http://[2002:a9fe:a9fe::]/hook",  # 6to4 around 169.254.169.254
    "http://[2002:c0a8:114::1]/hook",  # 6to4 around 192.168.1.20
    "http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/hook",  # Teredo, client 192.0.2.45
    "http://[2001:0:7f00:1::1]/hook",  # Teredo, server 127.0.0.1
    "http://example.com:0/hook",
    "https://93.184.215.14:0/hook",
]


class Receiver:
    """A webhook receiver on 127.0.0.1 that answers the given statuses in turn, then 200."""

    def __init__(self, statuses: list[int] | None = None, port: int = 0) -> None:
        self.statuses = list(statuses or [])
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.answered: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                receiver.answered.append(status)
                if 200 <= status < 300:
                    receiver.received.append(
                        ({k.lower(): v for k, v in self.headers.items()}, body)
                    )
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def verified(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """The receiver's check: the signature header matches the HMAC-SHA256 of the body."""
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, headers.get("x-govgraph-signature", ""))


def wait_until(check: Callable[[], Any], limit: float = 20.0) -> Any:
    """The first truthy value of check(), polled until the limit."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"not within {limit} s")


def rename(db: Database, record_id: str, name: str) -> int:
    """Change a record's name through the one write path; the new revision's seq."""
    current = current_record(db, record_id)
    assert current is not None
    record = {**current.record, "name": name}
    revisions = apply_changes(
        db,
        [Change(current.type, record, base_rev=current.rev)],
        by="test-editor",
        why="a corrected name",
        source="src:article-2026-caisi-meta-holdout",
    )
    return revisions[-1].seq


@pytest.fixture
def seeded(clean_db: Database) -> Database:
    ingest(clean_db, load_dataset([SEED]))
    return clean_db


def fast(settings: Settings, **more: object) -> dict[str, object]:
    """Settings for a quick worker that may deliver to this machine."""
    return {
        "api_key": SecretStr(KEY),
        "webhook_allow_private": True,
        "webhook_poll_seconds": 0.1,
        "webhook_retry_seconds": 0.05,
        "webhook_timeout": 2.0,
        **more,
    }


# ----------------------------------------------------------------------- URL safety, no server


@pytest.mark.parametrize("url", REFUSED)
def test_unsafe_targets_are_refused_naming_url_and_the_fix(url: str) -> None:
    with pytest.raises(BadParameter) as caught:
        check_target(url, allow_private=False)
    assert caught.value.param == "url"
    assert "GOVGRAPH_WEBHOOK_ALLOW_PRIVATE" in caught.value.message


@pytest.mark.parametrize("url", ["http://127.0.0.1:9/hook", "http://[::1]/x", "http://10.0.0.1/"])
def test_private_targets_pass_when_allowed(url: str) -> None:
    assert check_target(url, allow_private=True) == url


def test_schemes_are_checked_even_when_private_targets_are_allowed() -> None:
    with pytest.raises(BadParameter, match="http or https"):
        check_target("ftp://127.0.0.1/x", allow_private=True)
    with pytest.raises(BadParameter, match="port 0"):
        check_target("http://127.0.0.1:0/x", allow_private=True)


@pytest.mark.parametrize(
    "url",
    ["https://93.184.215.14/hook", "http://[2002:5db8:d70e::1]/hook"],  # 6to4: public
)
def test_a_public_address_passes(url: str) -> None:
    assert check_target(url, allow_private=False) == url
    assert checked_addresses(url, allow_private=False)


def test_the_request_goes_to_the_checked_address_with_the_original_host() -> None:
    url, host, extensions = pinned("https://hooks.example.org:8443/x?a=1", ip_address("::1"))
    assert str(url) == "https://[::1]:8443/x?a=1"
    assert host == {"Host": "hooks.example.org:8443"}
    assert extensions == {"sni_hostname": "hooks.example.org"}  # TLS names and checks the host
    # Over the wire: a name that resolves nowhere still reaches the address that was checked.
    with Receiver() as receiver:
        port = receiver.server.server_address[1]
        url, host, extensions = pinned(
            f"http://rebind.invalid:{port}/hook", ip_address("127.0.0.1")
        )
        assert extensions == {}
        answer = httpx.post(url, content=b"{}", headers=host, trust_env=False)
        assert answer.status_code == 200
        assert receiver.received[0][0]["host"] == f"rebind.invalid:{port}"


# ------------------------------------------------------------------------- the admin API


def test_registration_refuses_private_targets_and_never_lists_secrets(
    seeded: Database, settings: Settings
) -> None:
    with app_client(settings, api_key=SecretStr(KEY)) as client:
        for url in ("http://127.0.0.1/x", "http://0x7f000001/", "http://[::ffff:127.0.0.1]/"):
            resp = client.post("/api/webhooks", json={"url": url}, headers=ADMIN)
            assert resp.status_code == 422, resp.text
            error = resp.json()["error"]
            assert error["param"] == "url" and "ALLOW_PRIVATE" in error["message"]
        assert client.get("/api/webhooks", headers=ADMIN).json()["count"] == 0
        assert client.post("/api/webhooks", json={"url": "http://127.0.0.1/x"}).status_code == 401
        short = {"url": "https://93.184.215.14/x", "secret": "too-short"}
        resp = client.post("/api/webhooks", json=short, headers=ADMIN)
        assert resp.status_code == 422 and resp.json()["error"]["param"] == "secret"
    with app_client(settings, **fast(settings)) as client:
        made = client.post(
            "/api/webhooks", json={"url": "http://127.0.0.1:9/x", "description": "d"}, headers=ADMIN
        )
        assert made.status_code == 201, made.text
        secret = made.json()["secret"]
        assert len(secret) >= 16
        given = client.post(
            "/api/webhooks", json={"url": "http://10.0.0.1/y", "secret": SECRET}, headers=ADMIN
        )
        assert given.status_code == 201 and given.json()["secret"] is None
        listed = client.get("/api/webhooks", headers=ADMIN)
        assert listed.json()["count"] == 2
        assert secret not in listed.text and SECRET not in listed.text
        assert all(h["delivered_seq"] == latest_seq(seeded) for h in listed.json()["data"])
        hook_id = made.json()["id"]
        off = client.delete(f"/api/webhooks/{hook_id}", headers=ADMIN)
        assert off.status_code == 200 and off.json()["enabled"] is False
        assert "disabled by" in off.json()["disabled_reason"]
        on = client.post(f"/api/webhooks/{hook_id}/enable", headers=ADMIN)
        assert on.status_code == 200 and on.json()["enabled"] is True
        assert client.delete("/api/webhooks/webhook:000000000000", headers=ADMIN).status_code == 404
        assert client.get(f"/api/webhooks/{hook_id}/deliveries").status_code == 401
        for hook in listed.json()["data"]:
            client.delete(f"/api/webhooks/{hook['id']}", headers=ADMIN)


def test_a_new_secret_is_not_cached_and_control_characters_are_refused(
    seeded: Database, settings: Settings
) -> None:
    with app_client(settings, **fast(settings)) as client:
        for secret in ("a-secret-with-a-nul\x00-inside", "a-secret-with\nline-breaks-in"):
            body = {"url": "http://127.0.0.1:9/x", "secret": secret}
            refused = client.post("/api/webhooks", json=body, headers=ADMIN)
            assert refused.status_code == 422, refused.text
            assert refused.json()["error"]["param"] == "secret"
            assert "control characters" in refused.json()["error"]["message"]
        assert client.get("/api/webhooks", headers=ADMIN).json()["count"] == 0
        made = client.post("/api/webhooks", json={"url": "http://127.0.0.1:9/x"}, headers=ADMIN)
        assert made.status_code == 201 and made.json()["secret"]
        assert made.headers["cache-control"] == "no-store"
        client.delete(f"/api/webhooks/{made.json()['id']}", headers=ADMIN)


# ------------------------------------------------------------------------------- delivery


def test_a_receiver_on_loopback_gets_a_correctly_signed_delivery(
    seeded: Database, settings: Settings
) -> None:
    with Receiver() as receiver, app_client(settings, **fast(settings)) as client:
        hook = webhooks.register(
            seeded,
            url=receiver.url,
            secret=SECRET,
            description="newsroom",
            by="test",
            delivered_seq=latest_seq(seeded),
        )
        seq = rename(seeded, "org:openai", "OpenAI (renamed)")
        wait_until(lambda: receiver.received)
        headers, body = receiver.received[0]
        assert verified(SECRET, headers, body)
        assert not verified("another-secret-entirely", headers, body)
        assert headers["content-type"] == "application/json"
        assert headers["x-govgraph-delivery"] and headers["x-govgraph-timestamp"].isdigit()
        payload = json.loads(body)
        assert payload["webhook"] == hook.id
        assert payload["delivery"] == headers["x-govgraph-delivery"]
        assert [c["seq"] for c in payload["changes"]] == [seq]
        change = payload["changes"][0]
        assert change["record_id"] == "org:openai" and change["after"]["name"] == "OpenAI (renamed)"
        assert change["op"] == "update" and "name" in change["fields"]
        assert SECRET.encode() not in body
        wait_until(lambda: webhooks.get(seeded, hook.id).delivered_seq == seq)
        logged = client.get(f"/api/webhooks/{hook.id}/deliveries", headers=ADMIN)
        assert logged.status_code == 200, logged.text
        assert logged.json()["data"][0]["ok"] is True and SECRET not in logged.text
        time.sleep(0.5)  # more polls: nothing is sent twice
        assert len(receiver.received) == 1


def test_failed_deliveries_are_logged_and_retried_until_one_succeeds(
    seeded: Database, settings: Settings
) -> None:
    with Receiver([500, 500, 500]) as receiver, app_client(settings, **fast(settings)) as client:
        hook = webhooks.register(
            seeded, url=receiver.url, secret=SECRET, description="", by="test",
            delivered_seq=latest_seq(seeded),
        )  # fmt: skip
        seq = rename(seeded, "org:meta", "Meta Platforms (renamed)")
        wait_until(lambda: receiver.received)
        time.sleep(0.5)
        assert receiver.answered == [500, 500, 500, 200]
        assert len(receiver.received) == 1
        headers, body = receiver.received[0]
        assert verified(SECRET, headers, body)
        assert [c["seq"] for c in json.loads(body)["changes"]] == [seq]
        wait_until(lambda: webhooks.get(seeded, hook.id).delivered_seq == seq)
        log = client.get(f"/api/webhooks/{hook.id}/deliveries", headers=ADMIN).json()["data"]
        assert [d["ok"] for d in log] == [True, False, False, False]
        assert [d["status"] for d in log] == [200, 500, 500, 500]
        assert [d["attempt"] for d in reversed(log)] == [1, 2, 3, 4]
        assert len({d["delivery"] for d in log}) == 1  # one batch, retried under one id
        assert webhooks.get(seeded, hook.id).failures == 0


def test_failures_past_the_limit_disable_the_webhook(seeded: Database, settings: Settings) -> None:
    more = fast(settings, webhook_max_failures=3)
    with Receiver([503] * 20) as receiver, app_client(settings, **more) as client:
        hook = webhooks.register(
            seeded, url=receiver.url, secret=SECRET, description="", by="test",
            delivered_seq=latest_seq(seeded),
        )  # fmt: skip
        rename(seeded, "org:meta", "Meta (again)")
        wait_until(lambda: not webhooks.get(seeded, hook.id).enabled)
        time.sleep(0.4)
        assert receiver.answered == [503, 503, 503]
        listed = client.get("/api/webhooks", headers=ADMIN).json()["data"]
        assert listed[0]["enabled"] is False
        assert "3 failed deliveries" in listed[0]["disabled_reason"]
        assert listed[0]["delivered_seq"] < latest_seq(seeded)


def test_a_refused_connection_is_logged_by_its_error_class(
    seeded: Database, settings: Settings
) -> None:
    with Receiver() as closed:
        url = closed.url  # the port is free again once the receiver is gone
    with app_client(settings, **fast(settings, webhook_max_failures=2)) as client:
        hook = webhooks.register(
            seeded, url=url, secret=SECRET, description="", by="test",
            delivered_seq=latest_seq(seeded),
        )  # fmt: skip
        rename(seeded, "org:meta", "Meta (refused)")
        wait_until(lambda: not webhooks.get(seeded, hook.id).enabled)
        log = client.get(f"/api/webhooks/{hook.id}/deliveries", headers=ADMIN).json()["data"]
        assert [d["error"] for d in log] == ["ConnectError", "ConnectError"]
        assert all(d["status"] is None and d["ok"] is False for d in log)


def test_a_private_target_is_refused_again_at_delivery(
    seeded: Database, settings: Settings
) -> None:
    # Registered while private targets were allowed; the worker serving now does not allow them.
    more = fast(settings, webhook_allow_private=False, webhook_max_failures=1)
    with Receiver() as receiver, app_client(settings, **more):
        hook = webhooks.register(
            seeded, url=receiver.url, secret=SECRET, description="", by="test",
            delivered_seq=latest_seq(seeded),
        )  # fmt: skip
        rename(seeded, "org:meta", "Meta (private)")
        wait_until(lambda: not webhooks.get(seeded, hook.id).enabled)
    assert receiver.answered == []
    assert [d.error for d in webhooks.deliveries(seeded, hook.id)] == ["RefusedTarget"]


# (Some generated cases leave the credentials out on purpose: those get a 401, not a 5xx.)
@admin_schema.parametrize()
@hsettings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_admin_endpoints_never_answer_5xx(case: schemathesis.Case, seeded: Database) -> None:
    response = case.call(headers=ADMIN)
    assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.text[:500]}"
    if response.status_code >= 400:
        assert set(response.json()) == {"error"}

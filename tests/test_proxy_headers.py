"""X-Forwarded-For is believed only from GOVGRAPH_FORWARDED_ALLOW_IPS: the sign-in throttle.

`govgraph serve` runs as a real subprocess (started by its full path, stopped by its process id).
Without the setting, a client that makes up a new X-Forwarded-For for every try is still counted
as its own address and throttled; with the setting naming the proxy (here 127.0.0.1), the header
is believed and the throttle counts per forwarded address.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest
from live_server import free_port, process_server

from govgraph import PROJECT_ROOT
from govgraph.core.settings import Settings
from govgraph.graph.db import Database

GOVGRAPH = PROJECT_ROOT / ".venv" / "bin" / "govgraph"
ATTEMPTS = 3
TOKEN_FORM = re.compile(r'name="csrf_token" value="([^"]*)"')


@contextmanager
def serve(settings: Settings, **extra: str) -> Iterator[str]:
    """`govgraph serve` on a free loopback port, answering /healthz; its base URL."""
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k != "GOVGRAPH_FORWARDED_ALLOW_IPS"},
        "GOVGRAPH_INSTANCE": settings.instance,
        "GOVGRAPH_STATE_DIR": str(settings.state_dir),
        "GOVGRAPH_LOGIN_ATTEMPTS": str(ATTEMPTS),
        "GOVGRAPH_LOGIN_WINDOW": "600",
        **extra,
    }
    command = [str(GOVGRAPH), "serve", "--host", "127.0.0.1", "--port", str(port)]
    with process_server(command, env, port):
        yield f"http://127.0.0.1:{port}"


def failed_login(client: httpx.Client, forwarded_for: str) -> int:
    """A wrong password for one name, claiming to come from `forwarded_for`; the status."""
    form = client.get("/login")
    token = TOKEN_FORM.search(form.text)
    assert form.status_code == 200 and token, form.text[:300]
    data = {"name": "nobody-here", "password": "a wrong password", "csrf_token": token.group(1)}
    headers = {"X-Forwarded-For": forwarded_for}
    return client.post("/login", data=data, headers=headers, follow_redirects=False).status_code


@pytest.fixture
def graph_up(db: Database) -> Database:
    """The session's Neo4j, up (sign-in looks names up in it; nothing is written)."""
    return db


def test_made_up_forwarded_addresses_do_not_escape_the_throttle(
    settings: Settings, graph_up: Database
) -> None:
    with serve(settings) as base, httpx.Client(base_url=base, trust_env=False) as client:
        statuses = [failed_login(client, f"203.0.113.{i}") for i in range(ATTEMPTS + 2)]
    assert statuses == [401] * ATTEMPTS + [429, 429]


def test_a_trusted_proxy_s_forwarded_address_is_counted(
    settings: Settings, graph_up: Database
) -> None:
    trusted = {"GOVGRAPH_FORWARDED_ALLOW_IPS": "127.0.0.1"}
    with serve(settings, **trusted) as base, httpx.Client(base_url=base, trust_env=False) as client:
        spread = [failed_login(client, f"203.0.113.{i}") for i in range(ATTEMPTS + 2)]
        one = [failed_login(client, "198.51.100.7") for _ in range(ATTEMPTS + 1)]
    assert spread == [401] * (ATTEMPTS + 2)  # each forwarded address has its own count
    assert one == [401] * ATTEMPTS + [429]  # and one address is still throttled

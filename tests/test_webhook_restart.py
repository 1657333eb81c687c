"""A server killed before a webhook delivery succeeds loses neither the change nor the delivery.

The API runs as a real subprocess (uvicorn, started by this test's own interpreter by its full
path, and killed by the process id it got); the receiver is down while the first server tries,
and comes up before the second server starts.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from conftest import DATA_DIR
from live_server import free_port, process_server
from test_webhooks import SECRET, Receiver, rename, verified, wait_until

from govgraph.core.settings import Settings
from govgraph.graph import webhooks
from govgraph.graph.db import Database
from govgraph.graph.history import latest_seq
from govgraph.ingest.changes import current_record
from govgraph.ingest.validate import load_dataset
from govgraph.ingest.writer import ingest

SEED = DATA_DIR / "caisi-review-2026.yaml"
NEW_NAME = "OpenAI (renamed before a crash)"


def server_env(settings: Settings) -> dict[str, str]:
    """This session's instance, and a worker that retries quickly and may post to loopback."""
    return {
        **os.environ,
        "GOVGRAPH_INSTANCE": settings.instance,
        "GOVGRAPH_STATE_DIR": str(settings.state_dir),
        "GOVGRAPH_WEBHOOK_ALLOW_PRIVATE": "true",
        "GOVGRAPH_WEBHOOK_POLL_SECONDS": "0.1",
        "GOVGRAPH_WEBHOOK_RETRY_SECONDS": "0.3",
        "GOVGRAPH_WEBHOOK_TIMEOUT": "1",
        "GOVGRAPH_WEBHOOK_MAX_FAILURES": "1000",
    }


@contextmanager
def api_process(settings: Settings) -> Iterator[subprocess.Popen[bytes]]:
    """`uvicorn govgraph.api.main:app` in its own process, up and answering /healthz."""
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", "govgraph.api.main:app"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    with process_server(command, server_env(settings), port) as proc:
        yield proc


def test_a_killed_server_delivers_the_change_once_after_restart(
    clean_db: Database, settings: Settings
) -> None:
    if sys.platform == "win32":
        pytest.skip("kill -9 is POSIX")
    db = clean_db
    ingest(db, load_dataset([SEED]))
    port = free_port()  # nothing listens here yet: the receiver is down
    hook = webhooks.register(
        db,
        url=f"http://127.0.0.1:{port}/hook",
        secret=SECRET,
        description="restart",
        by="test",
        delivered_seq=latest_seq(db),
    )
    with api_process(settings) as first:
        seq = rename(db, "org:openai", NEW_NAME)
        wait_until(lambda: webhooks.deliveries(db, hook.id), limit=30)  # it tried, and failed
        first.kill()  # kill -9: no shutdown, no cleanup
        first.wait()
    assert all(not d.ok for d in webhooks.deliveries(db, hook.id))
    assert webhooks.get(db, hook.id).delivered_seq < seq
    current = current_record(db, "org:openai")
    assert current is not None and current.record["name"] == NEW_NAME  # the change survived

    with Receiver(port=port) as receiver, api_process(settings):
        wait_until(lambda: receiver.received, limit=30)
        wait_until(lambda: webhooks.get(db, hook.id).delivered_seq == seq, limit=10)
        time.sleep(1.0)  # further polls send nothing more
        assert len(receiver.received) == 1
    headers, body = receiver.received[0]
    assert verified(SECRET, headers, body)
    payload = json.loads(body)
    assert [c["seq"] for c in payload["changes"]] == [seq]
    assert payload["changes"][0]["after"]["name"] == NEW_NAME
    log = webhooks.deliveries(db, hook.id)
    assert log[0].ok and log[0].status == 200 and not any(d.ok for d in log[1:])

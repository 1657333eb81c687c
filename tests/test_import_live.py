"""Live fetching through a real loopback server that serves the recorded Federal Register pages."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import httpx
import pytest
from import_helpers import dataset_dir
from payload_server import Fault, Paged, PayloadServer, federal_register_results, payload_server

from govgraph.core.errors import FetchFailed
from govgraph.graph.db import Database
from govgraph.ingest.cursor import Cursor, CursorStore, now
from govgraph.ingest.fetch import Fetcher, fetch_pages, retry_after, user_agent

PATH = "/api/v1/documents.json"
PER_PAGE = 100  # 968 recorded orders -> 10 pages


@pytest.fixture(scope="module")
def datasets() -> Path:
    return dataset_dir("federal-register").parent


@pytest.fixture(scope="module")
def recorded(datasets: Path) -> tuple[dict[str, object], ...]:
    return federal_register_results(datasets)


@pytest.fixture
def server(datasets: Path, recorded: tuple[dict[str, object], ...]) -> Iterator[PayloadServer]:
    with payload_server(datasets, {PATH: Paged(recorded, PER_PAGE)}) as s:
        yield s


def first_url(server: PayloadServer) -> str:
    # Search parameters as a live import sends them; the server keeps them on every next page.
    return f"{server.url}{PATH}?conditions%5Bterm%5D=artificial&per_page={PER_PAGE}&page=1"


def fetcher(**overrides: object) -> Fetcher:
    options: dict[str, object] = {"timeout": 5.0, "retries": 3, "interval": 0.0, "backoff": 0.01}
    return Fetcher(**{**options, **overrides})  # type: ignore[arg-type]


def results(pages: list[tuple[str, bytes]]) -> list[object]:
    return [r for _, body in pages for r in json.loads(body)["results"]]


def test_the_pager_walks_every_page_and_keeps_each(
    server: PayloadServer, recorded: tuple[dict[str, object], ...], tmp_path: Path
) -> None:
    seen: list[tuple[int, int | None]] = []
    with fetcher(contact="newsroom@example.org") as f:
        pages = fetch_pages(
            f,
            first_url(server),
            source="fr",
            cache_dir=tmp_path,
            progress=lambda *a: seen.append(a),
        )
    assert len(recorded) == 968
    assert len(pages) == 10 and seen == [(n, 10) for n in range(1, 11)]
    assert results(pages) == list(recorded)
    kept = sorted(tmp_path.glob("page-*.json"))
    assert [p.name for p in kept] == [f"page-{n:04d}.json" for n in range(1, 11)]
    assert [(str(p), p.read_bytes()) for p in kept] == pages
    # every next page kept the search parameters and came from the loopback server
    assert all("conditions%5Bterm%5D=artificial" in t for t in server.targets())
    agent = server.log[0].user_agent
    assert agent.startswith("govgraph/") and "govgraph knowledge graph" in agent
    assert "newsroom@example.org" in agent and agent == user_agent("newsroom@example.org")
    assert all(entry.accept_encoding == "gzip" for entry in server.log)


def test_a_429_is_retried_after_retry_after_and_the_run_completes(
    server: PayloadServer, recorded: tuple[dict[str, object], ...], tmp_path: Path
) -> None:
    server.faults.append(Fault("429", on=3, retry_after="1"))
    with fetcher() as f:
        pages = fetch_pages(f, first_url(server), source="fr", cache_dir=tmp_path)
    assert results(pages) == list(recorded)
    answers = [(e.target.rsplit("page=", 1)[1], e.answer) for e in server.log]
    assert answers[2:4] == [("3", "429"), ("3", "200")]
    assert server.log[3].at - server.log[2].at >= 1.0  # waited as Retry-After asked


@pytest.mark.parametrize("kind", ["drop", "truncate", "503"])
def test_a_dropped_connection_a_truncated_page_or_a_503_mid_paging_is_retried(
    kind: str, server: PayloadServer, recorded: tuple[dict[str, object], ...], tmp_path: Path
) -> None:
    server.faults.append(Fault(kind, on=5))
    with fetcher() as f:
        pages = fetch_pages(f, first_url(server), source="fr", cache_dir=tmp_path)
    assert results(pages) == list(recorded)
    assert [e.answer for e in server.log].count(kind) == 1
    assert server.log[4].target == server.log[5].target  # page 5 asked again
    assert len(server.log) == 11


def test_a_client_error_fails_at_once_naming_the_url(server: PayloadServer, tmp_path: Path) -> None:
    url = f"{server.url}/api/v1/nothing-here.json"
    with fetcher() as f, pytest.raises(FetchFailed) as failed:
        fetch_pages(f, url, source="fr", cache_dir=tmp_path)
    assert failed.value.url == url and failed.value.status == 404
    assert url in str(failed.value) and "404" in str(failed.value)
    assert len(server.log) == 1  # not retried


def test_the_rate_limit_spaces_requests_to_one_host(server: PayloadServer, tmp_path: Path) -> None:
    interval = 0.25
    with fetcher(interval=interval) as f:
        fetch_pages(f, first_url(server), source="fr", cache_dir=tmp_path)
    gaps = [b.at - a.at for a, b in zip(server.log, server.log[1:], strict=False)]
    assert len(gaps) == 9
    assert min(gaps) >= interval - 0.05, gaps  # arrival times jitter by a few milliseconds


def test_the_max_pages_guard_stops_a_run(server: PayloadServer, tmp_path: Path) -> None:
    with fetcher() as f, pytest.raises(FetchFailed, match="more than 3 pages") as failed:
        fetch_pages(f, first_url(server), source="fr", cache_dir=tmp_path, max_pages=3)
    assert failed.value.url.endswith("page=4")
    assert len(list(tmp_path.glob("page-*.json"))) == 3


@pytest.fixture
def cursors(db: Database) -> CursorStore:
    store = CursorStore(db)
    store.ensure()
    return store


def test_a_failing_page_is_reported_kept_and_resumed(
    server: PayloadServer,
    recorded: tuple[dict[str, object], ...],
    cursors: CursorStore,
    tmp_path: Path,
) -> None:
    source = f"test-live-{uuid.uuid4().hex[:8]}"
    server.faults.append(Fault("503", match="page=4", times=None))
    with fetcher(retries=2) as f, pytest.raises(FetchFailed) as failed:
        fetch_pages(f, first_url(server), source=source, cache_dir=tmp_path, cursor=cursors)
    message = str(failed.value)
    assert failed.value.url.endswith("page=4") and failed.value.status == 503
    assert failed.value.url in message and "HTTP 503" in message and "3 attempt(s)" in message
    assert f"3 page(s) kept in {tmp_path}" in message and "starts at page 4" in message
    assert sorted(p.name for p in tmp_path.glob("page-*.json")) == [
        "page-0001.json",
        "page-0002.json",
        "page-0003.json",
    ]
    stopped = cursors.get(source)
    assert stopped is not None and not stopped.finished
    assert stopped.pages == 3 and stopped.next_url == failed.value.url

    server.faults.clear()
    before = len(server.log)
    with fetcher() as f:
        pages = fetch_pages(f, first_url(server), source=source, cache_dir=tmp_path, cursor=cursors)
    again = [e.target.rsplit("page=", 1)[1] for e in server.log[before:]]
    assert again == [str(n) for n in range(4, 11)]  # pages 1-3 were not fetched again
    assert results(pages) == list(recorded)
    done = cursors.get(source)
    assert done is not None and done.finished and done.next_url is None
    assert done.pages == 10 and done.started == stopped.started


def test_a_finished_cursor_or_another_query_starts_afresh(
    server: PayloadServer, cursors: CursorStore, tmp_path: Path
) -> None:
    source = f"test-live-{uuid.uuid4().hex[:8]}"
    with fetcher() as f:
        fetch_pages(f, first_url(server), source=source, cache_dir=tmp_path, cursor=cursors)
        before = len(server.log)
        fetch_pages(f, first_url(server), source=source, cache_dir=tmp_path, cursor=cursors)
    assert len(server.log) - before == 10  # a finished run is not resumed

    started = now()
    other = Cursor(source, f"{server.url}{PATH}?page=9", 8, started, started, False, "elsewhere")
    cursors.save(other)
    before = len(server.log)
    with fetcher() as f:
        pages = fetch_pages(f, first_url(server), source=source, cache_dir=tmp_path, cursor=cursors)
    assert len(pages) == 10 and len(server.log) - before == 10


def test_cursor_writes_are_idempotent(cursors: CursorStore, db: Database) -> None:
    source = f"test-cursor-{uuid.uuid4().hex[:8]}"
    assert cursors.get(source) is None
    started = now()
    cursor = Cursor(source, "https://example.org/p2", 1, started, started, False, "https://e/p1")
    cursors.save(cursor)
    cursors.save(cursor)
    assert cursors.get(source) == cursor
    count = db.rows("MATCH (c:ImportCursor {id: $s}) RETURN count(c) AS n", {"s": source})
    assert count == [{"n": 1}]
    cursors.finish(source)
    finished = cursors.get(source)
    assert finished is not None and finished.finished and finished.next_url is None
    assert finished.pages == 1 and finished.updated >= started


def test_retry_after_is_read_in_seconds_or_as_a_date_and_capped() -> None:
    def answer(value: str) -> httpx.Response:
        return httpx.Response(429, headers={"Retry-After": value})

    assert retry_after(answer("7")) == 7.0
    in_a_minute = format_datetime(datetime.now(UTC) + timedelta(seconds=90), usegmt=True)
    assert 80 < (retry_after(answer(in_a_minute)) or 0) <= 90
    assert retry_after(answer("soon")) is None and retry_after(httpx.Response(503)) is None
    with fetcher(max_wait=10.0, backoff=1.0) as f:
        assert f._pause(0, 3600.0) == 10.0  # a Retry-After past the cap waits the cap
        waits = [f._pause(attempt, None) for attempt in range(6)]
    assert all(2**a / 2 <= w <= min(2**a, 10.0) for a, w in enumerate(waits[:4]))
    assert max(waits) <= 10.0


def test_a_url_that_cannot_be_fetched_fails_without_retrying(tmp_path: Path) -> None:
    with fetcher() as f, pytest.raises(FetchFailed, match=r"ftp://example\.org/x") as failed:
        fetch_pages(f, "ftp://example.org/x", source="fr", cache_dir=tmp_path)
    assert "http" in (failed.value.fix or "")

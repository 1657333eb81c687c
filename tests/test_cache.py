"""Answers are cached per graph revision; a new ingest changes the revision and the answer."""

from __future__ import annotations

import time
from pathlib import Path

import yaml
from conftest import DATA_DIR
from fastapi.testclient import TestClient

from govgraph.api.main import create_app
from govgraph.core.settings import Settings
from govgraph.graph.db import Database
from govgraph.graph.revision import read_revision
from govgraph.ingest.validate import load_dataset
from govgraph.ingest.writer import ingest

SEED = DATA_DIR / "caisi-review-2026.yaml"
URL = "/api/queries/parties-to?target=program:caisi-frontier-review"


def meta_joins(folder: Path) -> Path:
    data = yaml.safe_load(SEED.read_text())
    data["events"].append({
        "id": "event:2026-meta-joins-caisi-review-test",
        "type": "joined",
        "date": "2026-11",
        "summary": "Test record: Meta joins.",
        "status": "reported",
        "participants": [{"actor": "org:meta", "role": "party"}],
        "concerns": [{"id": "program:caisi-frontier-review", "role": "subject"}],
        "sources": ["src:article-2026-caisi-meta-holdout"],
        "recorded_at": "2026-11-29",
    })  # fmt: skip
    path = folder / "seed-plus.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def test_revision_is_deterministic_and_changes_with_content(
    clean_db: Database, tmp_data: Path
) -> None:
    ingest(clean_db, load_dataset([SEED]))
    first = read_revision(clean_db)
    assert first
    ingest(clean_db, load_dataset([SEED]))
    assert read_revision(clean_db) == first
    ingest(clean_db, load_dataset([meta_joins(tmp_data)]))
    assert read_revision(clean_db) not in {None, first}


def test_cached_answer_follows_a_new_ingest(
    clean_db: Database, tmp_data: Path, settings: Settings
) -> None:
    ingest(clean_db, load_dataset([SEED]))
    app = create_app(settings.model_copy(update={"cache_seconds": 0.2}))
    with TestClient(app) as client:
        before = client.get(URL)
        assert before.json()["count"] == 5
        rev = before.headers["X-GovGraph-Revision"]
        assert client.get(URL).headers["X-GovGraph-Revision"] == rev
        ingest(clean_db, load_dataset([meta_joins(tmp_data)]))
        time.sleep(0.3)
        after = client.get(URL)
        assert after.json()["count"] == 6
        assert after.headers["X-GovGraph-Revision"] not in {rev, ""}
        assert "org:meta" in {r["actor_id"] for r in after.json()["data"]}


def test_nothing_is_cached_while_an_ingest_is_writing(clean_db: Database) -> None:
    from govgraph.api.cache import RevisionCache
    from govgraph.graph.revision import mark_writing

    ingest(clean_db, load_dataset([SEED]))
    cache = RevisionCache(check_seconds=0.001)
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    assert cache.get_or_compute(clean_db, ("k",), compute)[0] == 1
    time.sleep(0.01)
    assert cache.get_or_compute(clean_db, ("k",), compute)[0] == 1  # cached: same revision
    marker = mark_writing(clean_db)  # as a killed or running ingest leaves it
    time.sleep(0.01)
    assert cache.get_or_compute(clean_db, ("k",), compute) == (2, marker)
    time.sleep(0.01)
    assert cache.get_or_compute(clean_db, ("k",), compute)[0] == 3  # still not kept
    ingest(clean_db, load_dataset([SEED]))  # the next run restores a real revision
    time.sleep(0.01)
    value, revision = cache.get_or_compute(clean_db, ("k",), compute)
    assert value == 4 and revision == read_revision(clean_db)
    assert not str(revision).startswith("writing:")


def test_cache_is_bounded_in_bytes_and_evicts_the_least_recently_used(curated: Database) -> None:
    from govgraph.api.cache import RevisionCache, entry_bytes

    cache = RevisionCache(check_seconds=60, max_bytes=64 * 1024)
    answer = {"v": "x" * 1000}
    keys = [("k", f"{i:04d}") for i in range(100)]  # one width: every entry the same size
    size = entry_bytes(keys[0], answer)
    fits = cache.max_bytes // size
    for key in keys[:fits]:
        cache.get_or_compute(curated, key, lambda: answer)
    assert len(cache) == fits and cache.bytes == fits * size
    assert cache.peek(keys[0]) is not None  # used again: now the most recent
    cache.get_or_compute(curated, keys[fits], lambda: answer)
    assert cache.bytes <= cache.max_bytes and len(cache) == fits
    assert cache.peek(keys[0]) is not None and cache.peek(keys[1]) is None
    big = {"v": "x" * 20_000}  # over an eighth of the budget: served, not kept
    assert cache.get_or_compute(curated, ("big",), lambda: big)[0] is big
    assert cache.peek(("big",)) is None and cache.bytes <= cache.max_bytes


def test_cache_size_estimate_counts_raw_bytes_once() -> None:
    from govgraph.api.cache import PY_OVERHEAD, entry_bytes

    raw = entry_bytes(("q",), {"json": b"x" * 10_000, "rows": []})
    decoded = entry_bytes(("q",), {"json": b"", "rows": ["x" * 10_000]})
    assert 10_000 < raw < 12_000
    assert decoded > PY_OVERHEAD * 10_000

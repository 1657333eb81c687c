"""Backup and restore with Neo4j's dump and load, against real servers: round trips and garbage."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from conftest import wipe
from ingest_helpers import cli

from govgraph.core.errors import BackupFailed, ConfigError
from govgraph.core.settings import Settings
from govgraph.graph import backup, server
from govgraph.graph.db import Database
from govgraph.graph.revision import graph_fingerprint
from govgraph.ingest.validate import Dataset
from govgraph.ingest.writer import ingest

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("NEO4J_URI")), reason="backups manage the local server only"
)
BK_ENV = {
    "GOVGRAPH_INSTANCE": "backup",
    "GOVGRAPH_BOLT_PORT": "0",
    "GOVGRAPH_HEAP": "512m",
    "GOVGRAPH_PAGECACHE": "64m",
}


def bk_settings(instance: str = "backup") -> Settings:
    """Settings for a throwaway instance beside the test one (same cached install)."""
    return Settings(instance=instance, bolt_port=0, heap_size="512m", pagecache_size="64m")  # type: ignore[call-arg]


@contextmanager
def bk_env(**extra: str) -> Iterator[None]:
    """The environment `cli` passes on, pointed at the backup instance."""
    with pytest.MonkeyPatch.context() as mp:
        for key, value in {**BK_ENV, **extra}.items():
            mp.setenv(key, value)
        yield


def fingerprint(s: Settings) -> dict[str, Any]:
    with Database.connect(s) as db:
        return graph_fingerprint(db)


def pid(s: Settings) -> int:
    live = server.running_pid(s)
    assert live, "the server should be running"
    return live[0]


@pytest.fixture(scope="module")
def bk(settings: Settings) -> Iterator[Settings]:
    """A third real server, holding the curated data, stopped at the end."""
    s = bk_settings()
    server.reset(s)
    server.start(s)
    yield s
    server.stop(s)


@pytest.fixture(scope="module")
def original(bk: Settings, dataset: Dataset) -> dict[str, Any]:
    """The curated data's fingerprint on the backup instance."""
    with Database.connect(bk) as db:
        ingest(db, dataset)
        return graph_fingerprint(db)


@pytest.fixture(scope="module")
def dump(bk: Settings, original: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A dump of the curated data, written by `govgraph db backup` into a folder."""
    folder = tmp_path_factory.mktemp("dumps")
    before = server.running_pid(bk)
    with bk_env():
        done = cli("db", "backup", str(folder))
    assert done.returncode == 0, done.stderr
    path = folder / "neo4j.dump"  # a folder gets <database>.dump inside
    assert f"Backed up to {path}" in done.stdout
    assert "stopped for the dump" in done.stdout and "started again" in done.stdout
    after = server.running_pid(bk)
    assert before and after and after[0] != before[0] and after[1] == before[1]  # same port
    assert fingerprint(bk) == original
    return path


def test_round_trip_through_the_cli_gives_the_same_fingerprint(
    bk: Settings, original: dict[str, Any], dump: Path
) -> None:
    with Database.connect(bk) as db:
        wipe(db)
    assert fingerprint(bk) != original
    with bk_env():
        done = cli("db", "restore", str(dump))  # the wiped graph holds nothing: no --yes needed
    assert done.returncode == 0, done.stderr
    assert f"Restored {dump}" in done.stdout and "started again" in done.stdout
    assert fingerprint(bk) == original


def test_backup_never_replaces_a_file_unasked(bk: Settings, tmp_path: Path) -> None:
    before = pid(bk)
    old = tmp_path / "old.dump"
    old.write_bytes(b"old")
    with pytest.raises(BackupFailed, match="already exists") as exc:
        backup.backup(bk, old)
    assert str(old) in exc.value.message and "--yes" in str(exc.value.fix)
    assert old.read_bytes() == b"old" and pid(bk) == before


def test_restore_into_a_fresh_instance(bk: Settings, original: dict[str, Any], dump: Path) -> None:
    fresh = bk_settings("backup-fresh")
    server.reset(fresh)
    try:
        report = backup.restore(fresh, dump.parent)  # a folder holding the one dump
        assert report.path == dump and not report.restarted
        assert server.status(fresh).running is False  # left as it was found
        server.start(fresh)
        assert fingerprint(fresh) == original
    finally:
        server.stop(fresh)
        server.reset(fresh)


def test_restore_refuses_to_replace_data_without_yes(
    bk: Settings, original: dict[str, Any], dump: Path
) -> None:
    before = pid(bk)
    with pytest.raises(BackupFailed, match=r"holds \d+ nodes") as exc:
        backup.restore(bk, dump)
    assert "--yes" in str(exc.value.fix)
    with bk_env():
        done = cli("db", "restore", str(dump))
    assert done.returncode == 1 and "--yes" in done.stderr
    assert pid(bk) == before and fingerprint(bk) == original


def garbage(kind: str, folder: Path, dump: Path) -> tuple[Path, str]:
    """A bad restore source of the given kind and the words its error must say."""
    if kind == "missing":
        return folder / "nowhere.dump", "There is no dump at"
    if kind == "not-a-dump":
        path = folder / "data.dump"
        path.write_text("actors:\n  - id: org:x\n")
        return path, "is not a Neo4j dump"
    if kind == "empty":
        path = folder / "empty.dump"
        path.write_bytes(b"")
        return path, "is not a Neo4j dump"
    if kind == "folder-without-dump":
        (folder / "notes.txt").write_text("no dump here")
        return folder, "holds no .dump file"
    if kind == "folder-with-two-dumps":
        for name in ("a.dump", "b.dump"):
            (folder / name).write_bytes(dump.read_bytes())
        return folder, "unclear which"
    path = folder / "half.dump"  # a real dump cut short: its header reads fine
    data = dump.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path, "could not load"


@pytest.mark.parametrize(
    "kind",
    ["missing", "not-a-dump", "empty", "folder-without-dump", "folder-with-two-dumps", "truncated"],
)
def test_garbage_restore_is_refused_and_the_data_stays(
    kind: str, bk: Settings, original: dict[str, Any], dump: Path, tmp_path: Path
) -> None:
    before = pid(bk)
    source, words = garbage(kind, tmp_path, dump)
    with pytest.raises(BackupFailed) as exc:
        backup.restore(bk, source, overwrite=True)
    assert words in exc.value.message
    assert str(source) in exc.value.message and exc.value.fix
    if kind != "truncated":  # refused before anything stopped
        assert pid(bk) == before
    assert server.status(bk).running
    assert fingerprint(bk) == original


def test_cli_garbage_restore_names_the_path_and_the_fix(bk: Settings, tmp_path: Path) -> None:
    bad = tmp_path / "bad.dump"
    bad.write_bytes(os.urandom(4096))
    with bk_env():
        done = cli("db", "restore", str(bad), "--yes")
    assert done.returncode == 1
    assert f"{bad} is not a Neo4j dump" in done.stderr and "fix:" in done.stderr


def test_backup_into_a_missing_folder_is_refused(bk: Settings, tmp_path: Path) -> None:
    before = pid(bk)
    missing = tmp_path / "no-such-folder" / "x.dump"
    with pytest.raises(BackupFailed, match="does not exist") as exc:
        backup.backup(bk, missing)
    assert str(missing.parent) in exc.value.message and exc.value.fix
    assert pid(bk) == before


def test_backup_and_restore_refuse_an_external_server(tmp_path: Path) -> None:
    external = Settings(NEO4J_URI="bolt://127.0.0.1:1", NEO4J_PASSWORD="x")  # type: ignore[arg-type]
    for call in (backup.backup, backup.restore):
        with pytest.raises(ConfigError, match="NEO4J_URI is set") as exc:
            call(external, tmp_path / "x.dump")
        assert "own tooling" in str(exc.value.fix)
    with bk_env(NEO4J_URI="bolt://127.0.0.1:1", NEO4J_PASSWORD="x"):
        done = cli("db", "backup", str(tmp_path / "x.dump"))
    assert done.returncode == 1 and "NEO4J_URI" in done.stderr
    assert not (tmp_path / "x.dump").exists()

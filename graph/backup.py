"""Back up and restore the local server's database with Neo4j's own `database dump` and `load`.

Community edition dumps and loads only a stopped database, so both stop the local server when
it runs and start it again afterwards, on the same port. A restore checks the dump before it
stops anything, and keeps the old store aside until the load succeeded.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from govgraph.core.cypher import text
from govgraph.core.errors import BackupFailed, ConfigError
from govgraph.core.settings import Settings
from govgraph.graph import server
from govgraph.graph.db import Database
from govgraph.graph.install import ServerPaths, admin_output, run_admin

SUFFIX = ".dump"


@dataclass(frozen=True)
class BackupReport:
    """What a backup or restore did: the dump, its size, the time taken, whether it restarted."""

    path: Path
    size: int
    seconds: float
    restarted: bool


def database_name(settings: Settings) -> str:
    """The database dumped and loaded: the configured one, else Neo4j's default."""
    return settings.neo4j_database or "neo4j"


def _refuse_external(settings: Settings, command: str) -> None:
    if settings.external:
        raise ConfigError(
            f"`govgraph db {command}` works on the local server only; "
            f"NEO4J_URI is set ({settings.neo4j_uri}).",
            fix="unset NEO4J_URI, or back up your own server with its own tooling "
            "(`neo4j-admin database dump`/`load`, or your host's snapshots).",
        )


def dump_target(settings: Settings, path: Path) -> Path:
    """PATH itself, or `<database>.dump` inside PATH when PATH is an existing folder."""
    path = path.expanduser().absolute()
    return path / f"{database_name(settings)}{SUFFIX}" if path.is_dir() else path


def dump_source(settings: Settings, path: Path) -> Path:
    """The dump file PATH names: the file itself, or the one `.dump` in a folder."""
    path = path.expanduser().absolute()
    if path.is_dir():
        preferred = path / f"{database_name(settings)}{SUFFIX}"
        dumps = sorted(p for p in path.glob(f"*{SUFFIX}") if p.is_file())
        if preferred.is_file():
            return preferred
        if len(dumps) == 1:
            return dumps[0]
        if not dumps:
            raise BackupFailed(
                f"The folder {path} holds no {SUFFIX} file.",
                fix="give the dump file itself, or a folder holding the one "
                "`govgraph db backup` wrote.",
            )
        raise BackupFailed(
            f"The folder {path} holds {len(dumps)} {SUFFIX} files "
            f"({', '.join(p.name for p in dumps)}); it is unclear which to restore.",
            fix="give the path of the dump file itself.",
        )
    if not path.exists():
        raise BackupFailed(
            f"There is no dump at {path}.",
            fix="check the path; `govgraph db backup PATH` writes one.",
        )
    if not path.is_file():
        raise BackupFailed(f"{path} is not a regular file.", fix="give the dump file's path.")
    return path


def _store_dirs(paths: ServerPaths, name: str) -> list[Path]:
    """The database's store and transaction-log folders."""
    return [paths.data / "databases" / name, paths.data / "transactions" / name]


def backup(settings: Settings, path: Path, *, overwrite: bool = False) -> BackupReport:
    """Dump the local server's database to PATH (stopping and restarting it if it runs)."""
    _refuse_external(settings, "backup")
    target = dump_target(settings, path)
    if target.exists() and not overwrite:
        raise BackupFailed(
            f"{target} already exists.", fix="pass --yes to replace it, or give another path."
        )
    if not target.parent.is_dir():
        raise BackupFailed(
            f"The folder {target.parent} does not exist.",
            fix="create it first, or give a path in an existing folder.",
        )
    java, paths = server.prepare_offline(settings)
    name = database_name(settings)
    if not _store_dirs(paths, name)[0].is_dir():
        raise BackupFailed(
            f"The local server (instance '{settings.instance}') has no database to back up yet.",
            fix="run `govgraph db start` and `govgraph ingest` first.",
        )
    started = time.monotonic()
    try:
        staging = Path(tempfile.mkdtemp(prefix=".govgraph-dump-", dir=target.parent))
    except OSError as exc:
        raise BackupFailed(
            f"Cannot write in {target.parent}: {exc.strerror}.",
            fix="give a path in a folder you can write to.",
        ) from exc
    try:
        with server.stopped(settings) as restarted:
            result = run_admin(java, paths, ["database", "dump", f"--to-path={staging}", name])
        if result.returncode != 0:
            raise BackupFailed(
                f"neo4j-admin could not dump database '{name}':\n{admin_output(result)}",
                fix=f"read the message above and {paths.logs}/neo4j.log, then try again.",
            )
        os.replace(staging / f"{name}{SUFFIX}", target)  # same folder: never a half-written dump
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return BackupReport(target, target.stat().st_size, time.monotonic() - started, restarted)


def check_dump(settings: Settings, java: str, paths: ServerPaths, source: Path) -> None:
    """Raise BackupFailed unless neo4j-admin reads SOURCE as a dump (touches no database)."""
    args = ["database", "load", "--info", "--from-stdin", database_name(settings)]
    result = run_admin(java, paths, args, stdin=source)
    if result.returncode != 0:
        first = (result.stderr or result.stdout).strip().splitlines()[:1]
        reason = first[0].split(": ")[-1] if first else f"exit code {result.returncode}"
        raise BackupFailed(
            f"{source} is not a Neo4j dump ({reason}); nothing was changed.",
            fix="give a file written by `govgraph db backup` or `neo4j-admin database dump`.",
        )


def _data_in_the_way(settings: Settings, paths: ServerPaths) -> str | None:
    """Why a restore would replace data, or None when the database is empty or absent."""
    if server.running_pid(settings):
        with Database.connect(settings) as db:
            nodes = int(db.rows(text("count-nodes"))[0]["n"])
        return f"its database holds {nodes} nodes" if nodes else None
    if _store_dirs(paths, database_name(settings))[0].is_dir():
        return (
            "it has a database, and while the server is stopped govgraph cannot see if it is empty"
        )
    return None


def restore(settings: Settings, path: Path, *, overwrite: bool = False) -> BackupReport:
    """Load the dump at PATH into the local server's database, replacing it."""
    _refuse_external(settings, "restore")
    source = dump_source(settings, path)
    java, paths = server.prepare_offline(settings)
    check_dump(settings, java, paths, source)
    reason = _data_in_the_way(settings, paths)
    if reason and not overwrite:
        raise BackupFailed(
            f"Restoring would replace the data of instance '{settings.instance}': {reason}.",
            fix="pass --yes to replace it (`govgraph db backup PATH` keeps a copy first).",
        )
    name = database_name(settings)
    started = time.monotonic()
    with server.stopped(settings) as restarted:
        _load(java, paths, name, source)
    return BackupReport(source, source.stat().st_size, time.monotonic() - started, restarted)


def _load(java: str, paths: ServerPaths, name: str, source: Path) -> None:
    """Load SOURCE as database NAME; on failure put the old store back as it was."""
    aside = Path(tempfile.mkdtemp(prefix=".restore-old-", dir=paths.data))
    stores = _store_dirs(paths, name)
    kept = [(store, aside / str(i)) for i, store in enumerate(stores) if store.exists()]
    for store, copy in kept:
        store.rename(copy)
    try:
        args = ["database", "load", "--overwrite-destination=true", "--from-stdin", name]
        result = run_admin(java, paths, args, stdin=source)
        if result.returncode != 0:
            raise BackupFailed(
                f"neo4j-admin could not load {source}:\n{admin_output(result)}\n"
                "The database was put back as it was.",
                fix="check the dump (a complete file from `govgraph db backup`) and try again.",
            )
    except BaseException:
        for store in stores:
            shutil.rmtree(store, ignore_errors=True)
        for store, copy in kept:
            copy.rename(store)
        raise
    finally:
        shutil.rmtree(aside, ignore_errors=True)

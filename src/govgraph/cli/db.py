"""`govgraph db ...`: run and inspect the local Neo4j server."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from govgraph.cli.output import out, reports_errors
from govgraph.core.settings import Settings, get_settings
from govgraph.graph import backup, install, server
from govgraph.graph.db import connection_info


@reports_errors
def start_cmd() -> None:
    """Provision Neo4j if needed and start it on loopback."""
    settings = get_settings()
    if not install.is_provisioned(install.ServerPaths.of(settings)) and not settings.external:
        with out.status(f"Fetching Neo4j {install.NEO4J_VERSION} from Maven Central…"):
            secs = install.provision(settings)
        out.print(f"Provisioned Neo4j {install.NEO4J_VERSION} in {secs:.1f} s")
    with out.status("Starting Neo4j…"):
        info = server.start(settings)
    if info.already_running:
        out.print(f"Neo4j is already running at {info.uri} (pid {info.pid})")
    else:
        out.print(
            f"Neo4j {info.version} ready at {info.uri} in {info.seconds:.1f} s (pid {info.pid})"
        )


@reports_errors
def stop_cmd() -> None:
    """Shut the local server down cleanly."""
    pid = server.stop(get_settings())
    out.print(f"Stopped Neo4j (pid {pid})" if pid else "Neo4j was not running")


def _status_info(settings: Settings) -> dict[str, object]:
    """What `db status` shows: the local server's state, or the external one's version."""
    from govgraph.graph.db import Database

    if settings.external:
        with Database.connect(settings) as db:
            return {
                "running": True,
                "uri": settings.neo4j_uri,
                "pid": None,
                "version": db.version(),
                "external": True,
            }
    info: dict[str, object] = {**server.status(settings).to_dict(), "external": False}
    for key in ("already_running", "seconds"):
        info.pop(key, None)
    if info["running"]:
        with Database.connect(settings) as db:
            info["version"] = db.version()
    return info


@reports_errors
def status_cmd(as_json: bool = typer.Option(False, "--json", help="Machine-readable.")) -> None:
    """Say whether the local server runs, its version, URI and PID."""
    info = _status_info(get_settings())
    if as_json:
        print(json.dumps(info))
        return
    state = "[green]running[/]" if info["running"] else "[red]stopped[/]"
    out.print(f"Neo4j {info['version']}: {state}  uri={info['uri']}  pid={info['pid']}")
    if not info["running"]:
        raise typer.Exit(3)


@reports_errors
def env_cmd() -> None:
    """Print NEO4J_* lines to eval in a shell (password included)."""
    for line in connection_info(get_settings()).env_lines():
        print(line)


@reports_errors
def reset_cmd(yes: bool = typer.Option(False, "--yes", help="Do not ask.")) -> None:
    """Wipe the local server's data (keep the install)."""
    if not yes:
        typer.confirm("Delete every node and relationship of the local server?", abort=True)
    restarted = server.reset(get_settings())
    out.print("Data wiped" + (" and server restarted" if restarted else ""))


@reports_errors
def provision_cmd() -> None:
    """Fetch Neo4j's jars from Maven Central into the cache (no-op when cached)."""
    settings = get_settings()
    if settings.external:
        out.print(f"NEO4J_URI is set ({settings.neo4j_uri}): nothing to provision")
        return
    install.java_major(settings.java)
    with out.status(f"Fetching Neo4j {install.NEO4J_VERSION} from Maven Central…"):
        secs = install.provision(settings)
    paths = install.ServerPaths.of(settings)
    out.print(
        f"Neo4j {install.NEO4J_VERSION} "
        + (f"provisioned in {secs:.1f} s" if secs else "already provisioned")
        + f" at {paths.lib}"
    )


STOPPED_FOR = (
    "Neo4j was stopped for the {what} (Community edition {verb} only a stopped database) "
    "and started again"
)


@reports_errors
def backup_cmd(
    path: Path = typer.Argument(
        ..., help="Dump file to write; an existing folder gets <database>.dump inside."
    ),
    yes: bool = typer.Option(False, "--yes", help="Replace an existing dump file."),
) -> None:
    """Dump the local server's database to a file with neo4j-admin (stops and restarts it)."""
    with out.status("Dumping the database…"):
        report = backup.backup(get_settings(), path, overwrite=yes)
    out.print(f"Backed up to {report.path} ({report.size / 1e6:.1f} MB) in {report.seconds:.1f} s")
    if report.restarted:
        out.print(STOPPED_FOR.format(what="dump", verb="dumps"))


@reports_errors
def restore_cmd(
    path: Path = typer.Argument(..., help="Dump file, or a folder holding one .dump file."),
    yes: bool = typer.Option(False, "--yes", help="Replace the data the instance holds."),
) -> None:
    """Replace the local server's database with a dump from `db backup` (stops and restarts it)."""
    with out.status("Loading the dump…"):
        report = backup.restore(get_settings(), path, overwrite=yes)
    out.print(f"Restored {report.path} in {report.seconds:.1f} s")
    if report.restarted:
        out.print(STOPPED_FOR.format(what="load", verb="loads"))

"""The `govgraph` command: thin wrappers, one library call each."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any, TypeVar

import typer
from rich.console import Console

from govgraph.errors import GovGraphError
from govgraph.settings import get_settings
from graph import server
from graph.db import connection_info

F = TypeVar("F", bound=Callable[..., Any])

app = typer.Typer(help="govgraph: a sourced knowledge graph of AI governance.", no_args_is_help=True)
db_app = typer.Typer(help="Run and inspect the local Neo4j server.", no_args_is_help=True)
app.add_typer(db_app, name="db")
out = Console()
err = Console(stderr=True)


def edge(fn: F) -> F:
    """Print govgraph errors as one clear message and exit non-zero."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except GovGraphError as exc:
            err.print(f"[bold red]error:[/] {exc.message}", highlight=False, markup=True)
            if exc.fix:
                err.print(f"[bold]fix:[/] {exc.fix}", highlight=False)
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


@db_app.command("start")
@edge
def db_start() -> None:
    """Provision Neo4j if needed and start it on loopback."""
    settings = get_settings()
    if not server.is_provisioned(server.ServerPaths.of(settings)) and not settings.external:
        with out.status(f"Fetching Neo4j {server.NEO4J_VERSION} from Maven Central…"):
            secs = server.provision(settings)
        out.print(f"Provisioned Neo4j {server.NEO4J_VERSION} in {secs:.1f} s")
    with out.status("Starting Neo4j…"):
        info = server.start(settings)
    if info.already_running:
        out.print(f"Neo4j is already running at {info.uri} (pid {info.pid})")
    else:
        out.print(f"Neo4j {info.version} ready at {info.uri} in {info.seconds:.1f} s (pid {info.pid})")


@db_app.command("stop")
@edge
def db_stop() -> None:
    """Shut the local server down cleanly."""
    pid = server.stop(get_settings())
    out.print(f"Stopped Neo4j (pid {pid})" if pid else "Neo4j was not running")


@db_app.command("status")
@edge
def db_status(as_json: bool = typer.Option(False, "--json", help="Machine-readable.")) -> None:
    """Say whether the local server runs, its version, URI and PID."""
    settings = get_settings()
    if settings.external:
        from graph.db import Database

        with Database.connect(settings) as db:
            info = {"running": True, "uri": settings.neo4j_uri, "pid": None,
                    "version": db.version(), "external": True}  # fmt: skip
    else:
        info = {**server.status(settings).to_dict(), "external": False}
        for key in ("already_running", "seconds"):
            info.pop(key, None)
    if as_json:
        print(json.dumps(info))
        return
    state = "[green]running[/]" if info["running"] else "[red]stopped[/]"
    out.print(f"Neo4j {info['version']}: {state}  uri={info['uri']}  pid={info['pid']}")
    if not info["running"]:
        raise typer.Exit(3)


@db_app.command("env")
@edge
def db_env() -> None:
    """Print NEO4J_* lines to eval in a shell (password included)."""
    for line in connection_info(get_settings()).env_lines():
        print(line)


@db_app.command("reset")
@edge
def db_reset(yes: bool = typer.Option(False, "--yes", help="Do not ask.")) -> None:
    """Wipe the local server's data (keep the install)."""
    if not yes:
        typer.confirm("Delete every node and relationship of the local server?", abort=True)
    restarted = server.reset(get_settings())
    out.print("Data wiped" + (" and server restarted" if restarted else ""))

"""The `govgraph` command: thin wrappers, one library call each."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import typer
from rich.console import Console
from rich.text import Text

from govgraph.core.errors import GovGraphError
from govgraph.core.settings import get_settings
from govgraph.graph import server
from govgraph.graph.db import connection_info

F = TypeVar("F", bound=Callable[..., Any])

app = typer.Typer(
    help="govgraph: a sourced knowledge graph of AI governance.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Run and inspect the local Neo4j server.", no_args_is_help=True)
app.add_typer(db_app, name="db")
out = Console(emoji=False, soft_wrap=True)
err = Console(stderr=True, emoji=False, soft_wrap=True)


def edge(fn: F) -> F:
    """Print govgraph errors as one clear message and exit non-zero."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except GovGraphError as exc:
            err.print("[bold red]error:[/]", Text(exc.message))
            if exc.fix:
                err.print("[bold]fix:[/]", Text(exc.fix))
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
        out.print(
            f"Neo4j {info.version} ready at {info.uri} in {info.seconds:.1f} s (pid {info.pid})"
        )


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
        from govgraph.graph.db import Database

        with Database.connect(settings) as db:
            info: dict[str, object] = {
                "running": True,
                "uri": settings.neo4j_uri,
                "pid": None,
                "version": db.version(),
                "external": True,
            }
    else:
        info = {**server.status(settings).to_dict(), "external": False}
        for key in ("already_running", "seconds"):
            info.pop(key, None)
        if info["running"]:
            from govgraph.graph.db import Database

            with Database.connect(settings) as db:
                info["version"] = db.version()
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


@app.command("validate")
@edge
def validate_cmd(
    paths: list[Path] = typer.Argument(None, help="Files or folders (default: the data folder)."),
) -> None:
    """Check dataset files without writing anything."""
    from govgraph.ingest.validate import load_dataset

    dataset = load_dataset(paths or [get_settings().data_dir])
    counts = ", ".join(f"{len(v)} {k.lower()}s" for k, v in dataset.records.items())
    out.print(f"OK: {len(dataset.files)} file(s), {counts}")


@app.command("ingest")
@edge
def ingest_cmd(
    paths: list[Path] = typer.Argument(None, help="Files or folders (default: the data folder)."),
    prune: bool = typer.Option(False, "--prune", help="Delete records no longer in the input."),
) -> None:
    """Validate the whole input, then write it in batched, idempotent transactions."""
    from rich.progress import Progress
    from rich.table import Table

    from govgraph.graph.db import Database
    from govgraph.ingest.validate import load_dataset
    from govgraph.ingest.writer import ingest

    settings = get_settings()
    dataset = load_dataset(paths or [settings.data_dir])
    with Database.connect(settings) as db, Progress(console=err, transient=True) as bar:
        task = bar.add_task("Writing", total=None)
        report = ingest(
            db,
            dataset,
            prune=prune,
            batch_size=settings.batch_size,
            progress=lambda n: bar.advance(task, n),
            on_total=lambda n: bar.update(task, total=n),
        )
    table = Table("type", "created", "updated", "unchanged", "removed", title="Ingest")
    for name, c in report.types.items():
        removed = f"{c.pruned} pruned" if c.pruned else str(len(c.removed))
        table.add_row(name, str(c.created), str(c.updated), str(c.unchanged), removed)
    out.print(table)
    out.print(f"{report.shortcuts} derived relationships written")
    stale = [i for c in report.types.values() if not c.pruned for i in c.removed]
    if stale:
        out.print(
            f"{len(stale)} record(s) in the graph are no longer in the input "
            f"(first: {', '.join(stale[:5])}); run with --prune to delete them."
        )


@db_app.command("provision")
@edge
def db_provision() -> None:
    """Fetch Neo4j's jars from Maven Central into the cache (no-op when cached)."""
    settings = get_settings()
    if settings.external:
        out.print(f"NEO4J_URI is set ({settings.neo4j_uri}): nothing to provision")
        return
    server.java_major(settings.java)
    with out.status(f"Fetching Neo4j {server.NEO4J_VERSION} from Maven Central…"):
        secs = server.provision(settings)
    paths = server.ServerPaths.of(settings)
    out.print(
        f"Neo4j {server.NEO4J_VERSION} "
        + (f"provisioned in {secs:.1f} s" if secs else "already provisioned")
        + f" at {paths.lib}"
    )


@app.command("queries")
@edge
def queries_cmd(
    docs: bool = typer.Option(False, "--docs", help="Write docs/queries.md instead."),
) -> None:
    """List the named queries and their parameters."""
    from rich.table import Table

    from govgraph import PROJECT_ROOT, queries

    if docs:
        (PROJECT_ROOT / "docs" / "queries.md").write_text(queries.render_markdown())
        out.print("Wrote docs/queries.md")
        return

    table = Table("name", "title", "parameters")
    for q in queries.registry().values():
        params = ", ".join(f"{p.name}:{p.type}" + ("*" if p.required else "") for p in q.params)
        table.add_row(q.name, q.title, params)
    out.print(table)
    out.print("* required")


@app.command("query")
@edge
def query_cmd(
    name: str = typer.Argument(..., help="A named query (see `govgraph queries`)."),
    param: list[str] = typer.Option([], "-p", "--param", help="key=value, repeatable."),
    fmt: str = typer.Option("table", "--format", help="table, json or csv."),
) -> None:
    """Run a named query against the graph."""
    from govgraph import queries
    from govgraph.core.errors import BadParameter
    from govgraph.graph.db import Database

    if fmt not in {"table", "json", "csv"}:
        raise BadParameter("--format", f"'{fmt}' is not one of table, json, csv")
    raw: dict[str, str] = {}
    for item in param:
        key, sep, value = item.partition("=")
        if not sep:
            raise BadParameter(item[:50], "write parameters as key=value")
        raw[key] = value
    with Database.connect(get_settings()) as db:
        _, _, rows = queries.run(db, name, raw, timeout=get_settings().cypher_timeout)
    if fmt == "json":
        print(json.dumps(rows, indent=2, ensure_ascii=False))
    elif fmt == "csv":
        from govgraph.core.csvtext import to_csv

        print(to_csv(rows), end="")
    else:
        from rich.table import Table

        table = Table(*(rows[0].keys() if rows else ["(no rows)"]))
        for row in rows:
            table.add_row(
                *(
                    json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else str(v)
                    for v in row.values()
                )
            )
        out.print(table)
        out.print(f"{len(rows)} row(s)")


@app.command("serve")
@edge
def serve_cmd(
    host: str = typer.Option(None, help="Default: GOVGRAPH_HOST (127.0.0.1)."),
    port: int = typer.Option(None, help="Default: GOVGRAPH_PORT (8000)."),
) -> None:
    """Serve the API and the pages."""
    import uvicorn

    settings = get_settings()
    h, p = host or settings.host, port or settings.port
    out.print(f"govgraph on http://{h}:{p}/  (API docs: http://{h}:{p}/docs)")
    uvicorn.run("govgraph.api.main:app", host=h, port=p, log_level="warning")


@app.command("export")
@edge
def export_cmd(
    out_dir: Path = typer.Option(Path("export"), "--out", help="Folder to write into."),
    fmt: str = typer.Option("yaml", "--format", help="yaml (the dataset format) or csv."),
) -> None:
    """Read the graph back into dataset records and write them as YAML or CSV."""
    from govgraph.graph.db import Database
    from govgraph.ingest.export import export

    with Database.connect(get_settings()) as db:
        result, files = export(db, out_dir, fmt)
    counts = ", ".join(f"{len(v)} {k.lower()}s" for k, v in result.records.items())
    out.print(f"Exported {counts} to {len(files)} file(s) in {out_dir}")
    for name, props in result.ignored.items():
        err.print(
            f"[yellow]warning:[/] {name} nodes carry undeclared properties, not exported: "
            f"{', '.join(sorted(props))}"
        )


@app.command("docs")
@edge
def docs_cmd(
    check: bool = typer.Option(False, "--check", help="Exit 1 when docs/schema.md is stale."),
) -> None:
    """Write docs/schema.md from the declared schema."""
    from govgraph.graph.docs import SCHEMA_DOC, render_schema_markdown, write_schema_doc

    if check:
        current = SCHEMA_DOC.read_text(encoding="utf-8") if SCHEMA_DOC.exists() else ""
        if current != render_schema_markdown():
            err.print(f"[bold red]error:[/] {SCHEMA_DOC} is stale; run `govgraph docs`.")
            raise typer.Exit(1)
        out.print(f"{SCHEMA_DOC} is up to date")
        return
    changed = write_schema_doc()
    out.print(f"{'Wrote' if changed else 'Unchanged:'} {SCHEMA_DOC}")

"""`govgraph queries` and `govgraph query`: list and run the named queries."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import typer

from govgraph.cli.output import err, out, reports_errors
from govgraph.core.settings import get_settings

if TYPE_CHECKING:
    from govgraph.graph.db import Database
    from govgraph.queries import CannedQuery


@reports_errors
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


@reports_errors
def query_cmd(
    name: str = typer.Argument(..., help="A named query (see `govgraph queries`)."),
    param: list[str] = typer.Option(
        [], "-p", "--param", help="key=value, repeatable; an id may be given as a name or alias."
    ),
    fmt: str | None = typer.Option(
        None,
        "--format",
        help="table (the default when it fits the terminal, else blocks), blocks, markdown, "
        "json or csv.",
    ),
    columns: str | None = typer.Option(
        None, "--columns", help="Comma-separated columns to show, in this order."
    ),
    verbose: bool = typer.Option(
        False, "--verbose", "-v", help="Sources in full and every item of a list."
    ),
    as_recorded: str | None = typer.Option(
        None,
        "--as-recorded",
        help="Answer from the graph as it was recorded on this day (YYYY-MM-DD) or at this "
        "ISO time: what govgraph knew then.",
    ),
) -> None:
    """Run a named query against the graph."""
    from govgraph import queries
    from govgraph.cli import layout
    from govgraph.core.errors import BadParameter
    from govgraph.graph.db import Database

    if fmt is not None and fmt not in layout.FORMATS:
        raise BadParameter("--format", f"'{fmt}' is not one of {', '.join(layout.FORMATS)}")
    query = queries.get(name)
    raw = _parse_params(param)
    settings = get_settings()
    with Database.connect(settings) as db:
        if as_recorded is not None:
            from govgraph.ingest.recorded import parse_moment, view

            moment = parse_moment(as_recorded, param="--as-recorded")
            with view(db, moment, max_changes=settings.as_recorded_max_changes) as then:
                then_db = cast(Database, then)
                _resolve_names(then_db, query, raw)
                _, _, rows = queries.run(then_db, name, raw, timeout=settings.cypher_timeout)
        else:
            _resolve_names(db, query, raw)
            _, _, rows = queries.run(db, name, raw, timeout=settings.cypher_timeout)
    declared = [col for col, _ in query.returns]
    cols = layout.pick(layout.columns_of(rows, declared), columns)
    _print_rows(rows, cols, fmt, verbose=verbose)


def _resolve_names(db: Database, query: CannedQuery, raw: dict[str, str]) -> None:
    """Replace names and aliases given for id parameters by the ids, saying so on stderr."""
    from rich.text import Text

    from govgraph.graph.names import resolve

    for p in query.params:
        value = raw.get(p.name)
        if p.type != "id" or not value or not value.strip():
            continue
        found = resolve(db, value, param=p.name)
        if found.matched:
            err.print(Text(f"{p.name}: '{value}' is {found.describe()}"))
        raw[p.name] = found.id


def _parse_params(items: list[str]) -> dict[str, str]:
    """The -p key=value options as a dict; BadParameter for one without '='."""
    from govgraph.core.errors import BadParameter

    raw: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep:
            raise BadParameter(item[:50], "write parameters as key=value")
        raw[key] = value
    return raw


def _print_rows(
    rows: list[dict[str, Any]], cols: list[str], fmt: str | None, *, verbose: bool
) -> None:
    """Print result rows in the chosen layout; the terminal layouts end with a row count."""
    from govgraph.cli import layout

    if fmt == "json":
        print(layout.as_json(rows, cols))
    elif fmt == "csv":
        from govgraph.core.csvtext import to_csv

        print(to_csv(rows, columns=cols) if cols else "", end="")
    elif fmt == "markdown":
        print(layout.markdown(rows, cols) if cols else "_No rows._", end="" if cols else "\n")
        err.print(f"{len(rows)} row(s)")
    else:
        if rows:
            out.print(layout.layout(rows, cols, fmt, out, verbose=verbose), soft_wrap=False)
        out.print(f"{len(rows)} row(s)")

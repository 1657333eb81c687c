"""`govgraph queries` and `govgraph query`: list and run the named queries."""

from __future__ import annotations

import json
from typing import Any

import typer

from govgraph.cli.output import out, reports_errors
from govgraph.core.settings import get_settings


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
    param: list[str] = typer.Option([], "-p", "--param", help="key=value, repeatable."),
    fmt: str = typer.Option("table", "--format", help="table, json or csv."),
) -> None:
    """Run a named query against the graph."""
    from govgraph import queries
    from govgraph.core.errors import BadParameter
    from govgraph.graph.db import Database

    if fmt not in {"table", "json", "csv"}:
        raise BadParameter("--format", f"'{fmt}' is not one of table, json, csv")
    raw = _parse_params(param)
    with Database.connect(get_settings()) as db:
        _, _, rows = queries.run(db, name, raw, timeout=get_settings().cypher_timeout)
    _print_rows(rows, fmt)


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


def _print_rows(rows: list[dict[str, Any]], fmt: str) -> None:
    """Print result rows as JSON, CSV or a table with a row count."""
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

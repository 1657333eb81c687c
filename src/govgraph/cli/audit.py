"""`govgraph audit`: the data-quality report as a table or JSON, exit 1 above a threshold."""

from __future__ import annotations

import json
from typing import Any

import typer

from govgraph.cli.output import out, reports_errors
from govgraph.core.settings import get_settings

LIMIT_HELP = "a count (5) or a share of the records checked (10%)"
SHOWN = 10  # items the table lists per check


def _limit(what: str) -> Any:
    return typer.Option(None, help=f"Most {what} allowed: {LIMIT_HELP}.")


@reports_errors
def audit_cmd(
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
    limit: int = typer.Option(100, "--limit", help="Items listed per check (counts are complete)."),
    max_without_url: str | None = _limit("sources without a URL"),
    max_without_primary: str | None = _limit("events without a primary source"),
    max_duplicates: str | None = _limit("likely duplicate pairs"),
    max_actors_without_events: str | None = _limit("actors with no events"),
    max_events_without_participants: str | None = _limit("events without participants"),
    max_wide_dates: str | None = _limit("date ranges wider than a year without a note"),
    max_without_issuer: str | None = _limit("instruments without an issuer"),
    max_merged_ids: str | None = _limit("records with former ids"),
    max_id_conflicts: str | None = _limit("former ids that cannot resolve"),
) -> None:
    """Audit the graph's data quality; exit 1 when a check is above its --max-... limit."""
    from govgraph.graph.db import Database
    from govgraph.queries.audit import parse_thresholds, run_audit

    given = {
        "without-url": max_without_url,
        "without-primary": max_without_primary,
        "duplicates": max_duplicates,
        "actors-without-events": max_actors_without_events,
        "events-without-participants": max_events_without_participants,
        "wide-dates": max_wide_dates,
        "without-issuer": max_without_issuer,
        "merged-ids": max_merged_ids,
        "id-conflicts": max_id_conflicts,
    }
    thresholds = parse_thresholds(given)
    with Database.connect(get_settings()) as db:
        report = run_audit(db, thresholds, limit)
    if as_json:
        print(json.dumps(report.public(), indent=2, ensure_ascii=False))
    else:
        _print_table(report.public())
    report.raise_if_breached()


def _label(item: dict[str, Any]) -> str:
    """One listed record: its id (or pair of ids) and a name, title or date."""
    ids = item.get("ids") or [item.get("id")]
    extra = item.get("name") or item.get("title") or item.get("date") or item.get("reason") or ""
    return f"{' = '.join(str(i) for i in ids)}  {str(extra)[:70]}".rstrip()


def _print_table(report: dict[str, Any]) -> None:
    """A summary table, then the first records each non-empty check found."""
    from rich.table import Table
    from rich.text import Text

    table = Table("check", "count", "of", "share", "limit", "status")
    for c in report["checks"]:
        status = "[red]above limit[/]" if c["breached"] else ("ok" if c["threshold"] else "")
        table.add_row(
            c["title"], str(c["count"]), str(c["total"]), f"{c['share']:.1%}",
            c["threshold"] or "", status,
        )  # fmt: skip
    out.print(table)
    for c in report["checks"]:
        if not c["items"]:
            continue
        out.print(Text(f"{c['title']} ({c['count']}):", style="bold"))
        shown = c["items"][:SHOWN]
        for item in shown:
            out.print(Text(f"  {_label(item)}"))
        if c["count"] > len(shown):
            out.print(Text(f"  … and {c['count'] - len(shown)} more (--json lists up to --limit)"))

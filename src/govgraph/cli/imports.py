"""`govgraph import` and `govgraph review`: public sources in, and people confirming them."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from govgraph.cli.output import err, out, reports_errors
from govgraph.core.errors import BadParameter
from govgraph.core.settings import get_settings

if TYPE_CHECKING:
    from govgraph.ingest.importing import ImportReport


def _day(value: str | None, name: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BadParameter(name, f"'{value[:40]}' is not a date; write YYYY-MM-DD") from None


def _qids(pairs: list[str]) -> dict[str, str]:
    out_: dict[str, str] = {}
    for pair in pairs:
        qid, sep, actor = pair.partition("=")
        if not sep or not qid.startswith("Q") or not qid[1:].isdigit() or not actor:
            raise BadParameter("qid", f"'{pair[:60]}' is not QID=actor-id, such as Q42=org:example")
        out_[qid] = actor
    return out_


@reports_errors
def import_cmd(
    source: str = typer.Argument(..., help="federal-register, agora or wikidata."),
    path: Path = typer.Argument(None, help="A payload file, page folder or release zip."),
    live: bool = typer.Option(False, "--live", help="Fetch from the source's public API."),
    since: str = typer.Option(None, "--since", help="Only orders signed on or after YYYY-MM-DD."),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Print what would change; write nothing."
    ),
    all_orders: bool = typer.Option(False, "--all", help="Every order, not only AI-related ones."),
    term: list[str] = typer.Option(None, "--term", help="A search term (repeatable)."),
    create: bool = typer.Option(None, "--create/--no-create", help="Add records we lack."),
    qid: list[str] = typer.Option(None, "--qid", help="Wikidata: Q42=org:example (repeatable)."),
) -> None:
    """Import a public source: validate it whole, match it to the graph, write what is new."""
    from rich.progress import Progress

    from govgraph.graph.db import Database
    from govgraph.ingest.sources import ImportRequest, import_source

    settings = get_settings()
    req = ImportRequest(
        source=source,
        path=path,
        live=live,
        since=_day(since, "since"),
        dry_run=dry_run,
        all_orders=all_orders,
        terms=tuple(term or ()),
        create=create,
        qids=_qids(qid or []),
    )
    with Database.connect(settings) as db, Progress(console=err, transient=True) as bar:
        fetching = bar.add_task("Fetching", total=None, visible=live)
        writing = bar.add_task("Writing", total=None, visible=not dry_run)
        report = import_source(
            db,
            settings,
            req,
            progress=lambda n: bar.advance(writing, n),
            on_total=lambda n: bar.update(writing, total=n),
            fetch_progress=lambda done, total: bar.update(fetching, completed=done, total=total),
        )
    print_import_report(report)


def print_import_report(report: ImportReport) -> None:
    """Counts per type, matches, disagreements and notes."""
    from rich.table import Table

    verb = "would be" if report.dry_run else "were"
    table = Table("type", "created", "updated", "unchanged", title=f"Import: {report.source}")
    for name, c in report.ingest.types.items():
        table.add_row(name, str(c.created), str(c.updated), str(c.unchanged))
    out.print(table)
    out.print(
        f"{len(report.matched)} item(s) matched records already in the graph and {verb} "
        f"linked, not overwritten; {report.external_ids} external id(s) and "
        f"{report.claims} claim(s) added."
    )
    if report.dropped:
        out.print(
            f"{len(report.dropped)} item(s) match no record and {verb} skipped "
            f"(first: {report.dropped[0]}); use --create to add them."
        )
    if report.disagreements:
        dis = Table("record", "field", "ours", "theirs", "source", title="Sources disagree")
        for d in report.disagreements:
            dis.add_row(d.record, d.field, d.ours, d.theirs, d.source)
        out.print(dis)
    for note in report.notes[:20]:
        err.print(f"[yellow]note:[/] {note}")
    if len(report.notes) > 20:
        err.print(f"[yellow]note:[/] … and {len(report.notes) - 20} more")
    if not report.dry_run and report.changed == 0:
        out.print("Nothing changed: the graph already holds this payload.")


@reports_errors
def review_list_cmd(
    origin: str = typer.Option(None, "--origin", help="Only one importer (import:agora)."),
    limit: int = typer.Option(100, "--limit", min=1, max=10_000),
) -> None:
    """List records no person has confirmed yet."""
    from rich.table import Table

    from govgraph.graph.db import Database
    from govgraph.ingest.review import unreviewed

    with Database.connect(get_settings()) as db:
        rows = unreviewed(db, origin, limit)
    table = Table("id", "origin", "label", "recorded", title=f"Unreviewed ({len(rows)})")
    for r in rows:
        table.add_row(r["id"], r["origin"] or "", str(r["label"] or "")[:80], str(r["recorded_at"]))
    out.print(table)


@reports_errors
def review_confirm_cmd(
    ids: list[str] = typer.Argument(..., help="Record ids a person has checked."),
    by: str = typer.Option(..., "--by", help="Who checked them."),
) -> None:
    """Mark imported records as reviewed by a person."""
    from govgraph.graph.db import Database
    from govgraph.ingest.review import confirm

    with Database.connect(get_settings()) as db:
        count = confirm(db, ids, by)
    out.print(f"Confirmed {count} record(s) as reviewed by {by}.")

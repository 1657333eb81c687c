"""`govgraph validate`, `ingest`, `export` and `docs`: move the dataset and its documentation."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from govgraph.cli.output import err, out, reports_errors
from govgraph.core.settings import get_settings

if TYPE_CHECKING:
    from govgraph.ingest.writer import IngestReport


@reports_errors
def validate_cmd(
    paths: list[Path] = typer.Argument(None, help="Files or folders (default: the data folder)."),
) -> None:
    """Check dataset files without writing anything."""
    from govgraph.ingest.validate import load_dataset

    dataset = load_dataset(paths or [get_settings().data_dir])
    counts = ", ".join(f"{len(v)} {k.lower()}s" for k, v in dataset.records.items())
    out.print(f"OK: {len(dataset.files)} file(s), {counts}")


@reports_errors
def ingest_cmd(
    paths: list[Path] = typer.Argument(None, help="Files or folders (default: the data folder)."),
    prune: bool = typer.Option(
        False, "--prune", help="Retract records no longer in the input (history keeps them)."
    ),
) -> None:
    """Validate the whole input, then write it in batched, idempotent transactions."""
    from rich.progress import Progress

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
    _print_ingest_report(report)


def _print_ingest_report(report: IngestReport) -> None:
    """The per-type counts table, the shortcut count and a hint about stale records."""
    from rich.table import Table

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
            f"(first: {', '.join(stale[:5])}); run with --prune to retract them."
        )
    if report.conflicts:
        err.print(
            f"[yellow]{len(report.conflicts)} record(s) were changed in the app and not "
            "overwritten:[/]"
        )
        for line in report.conflicts[:20]:
            err.print(f"  - {line}", markup=False, highlight=False)


@reports_errors
def export_cmd(
    out_dir: Path = typer.Option(Path("export"), "--out", help="Folder to write into."),
    fmt: str = typer.Option(
        "yaml",
        "--format",
        help="yaml (the dataset format), csv, graphml or gexf (Gephi, networkx), "
        "ftm (FollowTheMoney entities for Aleph).",
    ),
    reviewed_only: bool = typer.Option(
        False, "--reviewed-only", help="graphml, gexf, ftm: leave out imported, unreviewed facts."
    ),
    changes: bool = typer.Option(
        False,
        "--changes",
        help="Write the changes accepted in the app back into the data folder's files "
        "(GOVGRAPH_DATA_DIR), to review and commit.",
    ),
) -> None:
    """Write the graph out: dataset files (YAML, CSV), GraphML, GEXF or FollowTheMoney."""
    from govgraph.graph.db import Database
    from govgraph.ingest import exchange
    from govgraph.ingest.export import export

    if changes:
        from govgraph.ingest.writeback import write_back

        settings = get_settings()
        with Database.connect(settings) as db:
            back = write_back(db, settings.data_dir)
        for label, items in (("updated", back.updated), ("added", back.added),
                             ("removed", back.removed)):  # fmt: skip
            for rid, where in items:
                out.print(f"{label}: {rid} in {where}", markup=False, highlight=False)
        out.print(f"{back.count} change(s) written back into {settings.data_dir}")
        return

    exchange.check_format(fmt, "--format", reviewed_only=reviewed_only)
    if fmt in exchange.FORMATS:
        with Database.connect(get_settings()) as db:
            done, path = exchange.write(db, out_dir, fmt, reviewed_only)
        out.print(
            f"Exported {done.records} records and {done.relationships} relationships to {path}"
        )
        return
    with Database.connect(get_settings()) as db:
        result, files = export(db, out_dir, fmt)
    counts = ", ".join(f"{len(v)} {k.lower()}s" for k, v in result.records.items())
    out.print(f"Exported {counts} to {len(files)} file(s) in {out_dir}")
    for name, props in result.ignored.items():
        err.print(
            f"[yellow]warning:[/] {name} nodes carry undeclared properties, not exported: "
            f"{', '.join(sorted(props))}"
        )


@reports_errors
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

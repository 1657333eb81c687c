"""Answer rows laid out for a terminal or a story: table, blocks, markdown, JSON or CSV."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from rich.cells import cell_len
from rich.console import Console, Group, RenderableType
from rich.measure import Measurement
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from govgraph.core.errors import BadParameter

FORMATS = ("table", "blocks", "markdown", "json", "csv")
MAX_ITEMS = 5  # items of a nested list shown before "… and N more" (all with --verbose)
# Keys of a nested map that qualify its label: "Meta (signer)", "CAISI (party to, 2026-06-01)".
QUALIFIERS = ("role", "relation", "type", "scheme", "date")
LABELS = ("name", "summary", "title", "id")
UNBOUNDED = 100_000
MIN_VALUE_WIDTH = 20  # narrower than this beside the keys, values go under them
MD_SPECIAL = re.compile(r"([\\|`*_\[\]<>])")
URL_UNSAFE = {" ": "%20", "<": "%3C", ">": "%3E", "|": "%7C", "\n": "", "\r": "", "\t": ""}


def columns_of(rows: Sequence[dict[str, Any]], declared: Sequence[str] = ()) -> list[str]:
    """The columns an answer has: the first row's keys, else those the query declares."""
    return list(rows[0].keys()) if rows else list(declared)


def pick(available: list[str], wanted: str | None) -> list[str]:
    """The columns `--columns a,b,c` asks for, in its order; BadParameter naming the others."""
    if wanted is None:
        return available
    names = [c.strip() for c in wanted.split(",") if c.strip()]
    if not names:
        raise BadParameter("--columns", "name at least one column, e.g. --columns actor,date")
    unknown = [c for c in names if c not in available]
    if unknown and available:
        raise BadParameter(
            "--columns",
            f"no column {', '.join(repr(c) for c in unknown)}; "
            f"the columns are {', '.join(available)}",
        )
    return names


def is_source(value: Any) -> bool:
    """True for a nested source map (it has a publisher or a URL)."""
    return isinstance(value, dict) and ("publisher" in value or "url" in value)


def _sources(key: str, value: Any) -> bool:
    return isinstance(value, list) and (
        key.endswith("sources") or (bool(value) and all(is_source(v) for v in value))
    )


def citation(source: dict[str, Any]) -> str:
    """'Publisher, Title (date) <url>' for one source, leaving out what it lacks."""
    head = ", ".join(str(source[k]) for k in ("publisher", "title") if source.get(k))
    head = head or str(source.get("id") or "source")
    if source.get("published"):
        head += f" ({source['published']})"
    return head + (f" <{source['url']}>" if source.get("url") else "")


def _words(value: Any) -> str:
    """A relation or type as words: PARTY_TO → party to."""
    text = str(value)
    return text.replace("_", " ").lower() if text.isupper() or "_" in text else text


def item(value: Any) -> str:
    """One nested value in words: a map by its name and qualifiers, a list joined."""
    if isinstance(value, dict):
        label = next((str(value[k]) for k in LABELS if value.get(k)), "")
        if not label:
            return "; ".join(f"{k}: {item(v)}" for k, v in value.items() if v not in (None, ""))
        quals = [_words(value[k]) for k in QUALIFIERS if value.get(k) and str(value[k]) != label]
        return label + (f" ({', '.join(quals)})" if quals else "")
    if isinstance(value, list):
        return " → ".join(item(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "" if value is None else str(value)


def cell(key: str, value: Any, *, verbose: bool) -> str:
    """A value as terminal text: sources counted (listed with verbose), nested lists by name."""
    if _sources(key, value):
        if verbose:
            return "\n".join(citation(s) if is_source(s) else item(s) for s in value)
        if not value:
            return "no sources"
        first = next((str(s.get("publisher") or "") for s in value if is_source(s)), "")
        more = "…" if len(value) > 1 else ""
        noun = "source" if len(value) == 1 else "sources"
        return f"{len(value)} {noun}" + (f" ({first}{more})" if first else "")
    if isinstance(value, list):
        parts = [item(v) for v in value]
        if not verbose and len(parts) > MAX_ITEMS:
            parts = [*parts[:MAX_ITEMS], f"… and {len(parts) - MAX_ITEMS} more"]
        sep = "; " if any(isinstance(v, (dict, list)) for v in value) else ", "
        return sep.join(parts)
    return item(value)


def table(rows: Sequence[dict[str, Any]], cols: list[str], *, verbose: bool) -> Table:
    """Rows as a Rich table; long words fold rather than being cut off."""
    grid = Table(show_lines=verbose)
    for col in cols:
        grid.add_column(Text(col), overflow="fold")
    for row in rows:
        grid.add_row(*(Text(cell(c, row.get(c), verbose=verbose)) for c in cols))
    return grid


def fits(renderable: Table, console: Console) -> bool:
    """True when every column can be as wide as its longest word (header included)."""
    # Measured unconstrained: within the console's width Rich reports widths already squeezed.
    measured = Measurement.get(console, console.options.update_width(UNBOUNDED), renderable)
    return measured.minimum <= console.width


def blocks(
    rows: Sequence[dict[str, Any]], cols: list[str], console: Console, *, verbose: bool
) -> Group:
    """One block per row: a numbered rule, then 'column: value' lines wrapped to the width."""
    key_width = max((cell_len(c) for c in cols), default=0) + 2
    indent = key_width if console.width - key_width >= MIN_VALUE_WIDTH else 2
    lines: list[RenderableType] = []
    for n, row in enumerate(rows, 1):
        lines.append(Rule(Text(f"{n} of {len(rows)}"), align="left"))
        for col in cols:
            value = Text(cell(col, row.get(col), verbose=verbose) or "—")
            wrapped = value.wrap(console, console.width - indent, overflow="fold")
            key = Text(f"{col}:".ljust(indent), style="bold")
            if indent < key_width:  # too narrow for side by side: the value goes under its key
                lines.append(key)
                key = Text(" " * indent)
            for line in wrapped:
                line.rstrip()
                lines.append(Text.assemble(key, line))
                key = Text(" " * indent)
    return Group(*lines)


def layout(
    rows: Sequence[dict[str, Any]],
    cols: list[str],
    fmt: str | None,
    console: Console,
    *,
    verbose: bool,
) -> RenderableType:
    """The table when asked for or when it fits the console, else blocks."""
    if fmt == "blocks":
        return blocks(rows, cols, console, verbose=verbose)
    grid = table(rows, cols, verbose=verbose)
    if fmt == "table" or fits(grid, console):
        return grid
    return blocks(rows, cols, console, verbose=verbose)


def _md(text: str) -> str:
    """Text safe in a GitHub-flavoured table cell: markup escaped, on one line."""
    return MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _md_url(url: str) -> str:
    return "".join(URL_UNSAFE.get(c, c) for c in url)


def _md_cell(key: str, value: Any) -> str:
    if _sources(key, value):
        cites = []
        for s in value:
            if not is_source(s):
                cites.append(_md(item(s)))
                continue
            text = _md(citation({**s, "url": None}))
            cites.append(text + (f" <{_md_url(str(s['url']))}>" if s.get("url") else ""))
        return "; ".join(cites)
    return _md(cell(key, value, verbose=True))


def markdown(rows: Sequence[dict[str, Any]], cols: list[str]) -> str:
    """A GitHub-flavoured Markdown table: pipes escaped, sources cited in full."""
    lines = [
        "| " + " | ".join(_md(c) for c in cols) + " |",
        "|" + "|".join(" --- " for _ in cols) + "|",
    ]
    lines += ["| " + " | ".join(_md_cell(c, row.get(c)) for c in cols) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def as_json(rows: Sequence[dict[str, Any]], cols: list[str]) -> str:
    """The rows, only the chosen columns, as indented JSON."""
    return json.dumps([{c: r.get(c) for c in cols} for r in rows], indent=2, ensure_ascii=False)

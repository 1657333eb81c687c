"""`govgraph query` answers readable in a terminal: table or blocks, markdown, chosen columns."""

from __future__ import annotations

import json
import re
import subprocess
from typing import Any

import pytest
from ingest_helpers import cli

from govgraph.cli import layout
from govgraph.core.errors import BadParameter
from govgraph.graph.db import Database

WIDTH = 80
HOLDOUTS = ("holdouts", "-p", "target=program:caisi-frontier-review", "-p", "standing=any")
SOURCE = {
    "id": "src:x",
    "publisher": "Reuters",
    "title": "Labs | pledges [draft]",
    "url": "https://example.org/a|b c",
    "published": "2026-06-23",
}
UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")


@pytest.fixture
def at_80(monkeypatch: pytest.MonkeyPatch) -> None:
    """The `govgraph` command sees an 80-column terminal."""
    monkeypatch.setenv("COLUMNS", str(WIDTH))


def run(*args: str) -> subprocess.CompletedProcess[str]:
    done = cli("query", *args)
    assert done.returncode == 0, done.stderr
    return done


def json_rows(*args: str) -> list[dict[str, Any]]:
    rows = json.loads(run(*args, "--format", "json").stdout)
    assert isinstance(rows, list)
    return rows


def table_widths(text: str) -> list[int] | None:
    """The inner width of each column of the first Rich table in text, or None without one."""
    top = next((line for line in text.splitlines() if line.startswith("┏")), None)
    if top is None:
        return None
    return [len(segment) - 2 for segment in top.strip("┏┓").split("┳")]  # minus cell padding


def assert_readable(text: str, headers: list[str]) -> str:
    """No line wider than the terminal; a table's columns at least as wide as their headers,
    else one block per row with every column labelled. Returns which layout was used."""
    too_wide = [line for line in text.splitlines() if len(line) > WIDTH]
    assert not too_wide, too_wide
    widths = table_widths(text)
    if widths is not None:
        assert len(widths) == len(headers)
        narrow = [(h, w) for h, w in zip(headers, widths, strict=True) if w < len(h)]
        assert not narrow, f"columns narrower than their headers: {narrow}\n{text}"
        return "table"
    assert re.search(r"^1 of \d+ ─", text, re.MULTILINE), text
    for header in headers:
        assert re.search(rf"^{re.escape(header)}:", text, re.MULTILINE), header
    return "blocks"


def markdown_table(text: str) -> list[list[str]]:
    """The cells of each line of a Markdown table (header, separator, rows)."""
    lines = [line for line in text.splitlines() if line.strip()]
    assert lines and all(line.startswith("| ") and line.endswith(" |") for line in lines), text
    return [[c.strip() for c in UNESCAPED_PIPE.split(line[1:-1])] for line in lines]


def test_holdouts_at_80_columns_is_readable(curated: Database, at_80: None) -> None:
    rows = json_rows(*HOLDOUTS)
    assert rows, "the curated data has holdouts for the CAISI review"
    shown = run(*HOLDOUTS).stdout
    assert assert_readable(shown, list(rows[0])) == "blocks"  # fourteen columns cannot fit 80
    assert shown.count(" of ") >= len(rows) and f"{len(rows)} row(s)" in shown
    assert "{" not in shown and '"publisher"' not in shown  # no JSON blobs
    n = len(rows[0]["sources"])
    assert re.search(rf"^sources: +{n} sources? \(", shown, re.MULTILINE), shown


def test_a_table_that_fits_keeps_every_header_whole(curated: Database, at_80: None) -> None:
    picked = ("--columns", "actor,standing,date")
    shown = run(*HOLDOUTS, *picked).stdout
    assert assert_readable(shown, ["actor", "standing", "date"]) == "table"
    forced = run(*HOLDOUTS, *picked, "--format", "blocks").stdout
    assert assert_readable(forced, ["actor", "standing", "date"]) == "blocks"


def test_verbose_lists_every_source_in_full(curated: Database, at_80: None) -> None:
    rows = json_rows(*HOLDOUTS)
    shown = run(*HOLDOUTS, "--verbose").stdout
    assert_readable(shown, list(rows[0]))
    joined = " ".join(shown.split())
    for source in rows[0]["sources"]:
        assert source["publisher"] in joined
        assert source["url"][:40] in shown.replace("\n", "").replace(" ", "")


def test_markdown_is_a_table_with_one_line_per_row(curated: Database) -> None:
    rows = json_rows(*HOLDOUTS)
    done = run(*HOLDOUTS, "--format", "markdown")
    table = markdown_table(done.stdout)
    header, separator, body = table[0], table[1], table[2:]
    assert [h.replace("\\_", "_") for h in header] == list(rows[0])
    assert set(separator) == {"---"} and len(separator) == len(header)
    assert len(body) == len(rows) and all(len(cells) == len(header) for cells in body)
    sources = body[0][header.index("sources")]
    first = rows[0]["sources"][0]
    assert f"<{first['url']}>" in sources and "; " in sources
    assert f"{len(rows)} row(s)" in done.stderr


def test_columns_pick_and_order(curated: Database) -> None:
    rows = json_rows(*HOLDOUTS, "--columns", "standing,actor")
    assert rows and all(list(r) == ["standing", "actor"] for r in rows)
    csv = run(*HOLDOUTS, "--columns", "actor,standing", "--format", "csv").stdout
    assert csv.splitlines()[0] == '"actor","standing"'


def test_unknown_columns_are_refused_naming_the_columns(curated: Database) -> None:
    done = cli("query", *HOLDOUTS, "--columns", "actor,nope")
    assert done.returncode == 1 and done.stdout == ""
    assert "'nope'" in done.stderr and "actor_id" in done.stderr and "standing" in done.stderr


def test_an_unknown_format_is_refused(curated: Database) -> None:
    done = cli("query", *HOLDOUTS, "--format", "yaml")
    assert done.returncode == 1 and "blocks, markdown" in done.stderr


def test_sources_are_counted_and_nested_lists_named() -> None:
    two = [SOURCE, {**SOURCE, "publisher": "NYT"}]
    assert layout.cell("sources", two, verbose=False) == "2 sources (Reuters…)"
    assert layout.cell("sources", [SOURCE], verbose=False) == "1 source (Reuters)"
    assert layout.cell("sources", [], verbose=False) == "no sources"
    assert layout.cell("sources", [SOURCE], verbose=True) == (
        "Reuters, Labs | pledges [draft] (2026-06-23) <https://example.org/a|b c>"
    )
    people = [{"id": "org:meta", "name": "Meta", "role": "signer"}, {"id": "org:x", "name": "X"}]
    assert layout.cell("participants", people, verbose=False) == "Meta (signer); X"
    acts = [{"relation": "PARTY_TO", "id": "p:1", "name": "Review", "date": "2026-06"}]
    assert layout.cell("acts_on", acts, verbose=False) == "Review (party to, 2026-06)"
    many = list(range(8))
    assert layout.cell("ids", many, verbose=False).endswith("… and 3 more")
    assert layout.cell("ids", many, verbose=True) == "0, 1, 2, 3, 4, 5, 6, 7"
    assert layout.cell("reviewed", False, verbose=False) == "no"


def test_markdown_escapes_what_would_break_the_table() -> None:
    rows = [{"name": "a | b *c*\nd", "sources": [SOURCE]}]
    table = markdown_table(layout.markdown(rows, ["name", "sources"]))
    assert len(table) == 3 and len(table[2]) == 2
    assert table[2][0] == r"a \| b \*c\* d"
    assert table[2][1] == (
        r"Reuters, Labs \| pledges \[draft\] (2026-06-23) <https://example.org/a%7Cb%20c>"
    )


def test_pick_refuses_unknown_and_empty_column_lists() -> None:
    assert layout.pick(["a", "b", "c"], "c, a") == ["c", "a"]
    with pytest.raises(BadParameter, match="the columns are a, b, c"):
        layout.pick(["a", "b", "c"], "a,z")
    with pytest.raises(BadParameter, match="at least one column"):
        layout.pick(["a", "b"], " , ")

"""Rows as CSV text for spreadsheets: nested values become compact JSON, formulas are defused.

A text cell a spreadsheet would read as a formula (OWASP's rule: one starting with =, +, -, @,
a tab or a carriage return) gets a leading single quote, so it shows as text. So that
`restore` can undo exactly that, a cell of quotes followed by one of those characters gets one
more quote too; any other cell, one starting with a quote included, is written as it is. Only
text is defused: a number from a numeric value (-3) stays a number. Every text cell is quoted,
so a spreadsheet splitting on ';' cannot start a new cell inside one.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from typing import Any

FORMULA = re.compile(r"'*[=+\-@\t\r]")


def neutralise(cell: str) -> str:
    """The text a spreadsheet shows as text: a formula-like cell gets a leading quote."""
    return f"'{cell}" if FORMULA.match(cell) else cell


def restore(cell: str) -> str:
    """The text `neutralise` was given (it removes only the quote it added)."""
    return cell[1:] if cell.startswith("'") and FORMULA.match(cell, 1) else cell


def _cell(value: Any) -> Any:
    if isinstance(value, (list, dict)):
        value = json.dumps(value, ensure_ascii=False)
    return neutralise(value) if isinstance(value, str) else value


def to_csv(rows: Sequence[dict[str, Any]], columns: Sequence[str] | None = None) -> str:
    """A header line, then one line per row; lists and maps as JSON text."""
    cols = list(columns or (rows[0].keys() if rows else []))
    buf = io.StringIO()
    writer = csv.writer(buf, quoting=csv.QUOTE_NONNUMERIC)
    writer.writerow([neutralise(str(c)) for c in cols])
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in cols])
    return buf.getvalue()

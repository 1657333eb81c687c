"""Reading an AGORA release's CSV files: encoding, required columns, rows with their lines."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date

DOC_ID = "AGORA ID"
OFFICIAL = "Official name"
CASUAL = "Casual name"
LINK = "Link to document"
AUTHORITY = "Authority"
COLLECTIONS = "Collections"
ACTIVITY = "Most recent activity"
ACTIVITY_DATE = "Most recent activity date"
PROPOSED_DATE = "Proposed date"
SUMMARY = "Short summary"
TAGS = "Tags"
MACHINE = "Summaries and tags may include unreviewed machine output"
REQUIRED = {
    "documents": (
        *(DOC_ID, OFFICIAL, CASUAL, LINK, AUTHORITY, COLLECTIONS, ACTIVITY),
        *(ACTIVITY_DATE, PROPOSED_DATE, SUMMARY, TAGS, MACHINE),
    ),
    "authorities": ("Name", "Jurisdiction", "Parent authority"),
    "collections": ("Name", "Description"),
}
RELEASE_FIX = "use the files of an AGORA release as published (its README lists them)"
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Row:
    """One CSV record and the line it starts on."""

    line: int
    values: dict[str, str]


def read_table(key: str, name: str, data: bytes, problems: list[str]) -> list[Row] | None:
    """The rows of one release file, or None (with problems) when it cannot be read."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.append(
            f"{name}:{line}: byte {exc.start} is not UTF-8 ({exc.reason}). "
            "Fix: save the file as UTF-8, as AGORA publishes it, or download the release again."
        )
        return None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if not header:
            problems.append(f"{name}:1: empty file, no header row. Fix: {RELEASE_FIX}.")
            return None
        header = [h.strip() for h in header]
        missing = [c for c in REQUIRED[key] if c not in header]
        for column in missing:
            problems.append(
                f"{name}:1: missing column '{column}'. Fix: {RELEASE_FIX}; the header needs "
                f"{', '.join(REQUIRED[key])}."
            )
        if missing:
            return None
        rows, start = [], reader.line_num + 1
        for cells in reader:
            if not any(c.strip() for c in cells):
                pass
            elif len(cells) != len(header):
                problems.append(
                    f"{name}:{start}: {len(cells)} fields where the header has {len(header)}. "
                    "Fix: the file is cut short or a quote is unbalanced; download it again."
                )
            else:
                rows.append(Row(start, dict(zip(header, cells, strict=True))))
            start = reader.line_num + 1
    except csv.Error as exc:
        problems.append(f"{name}:{reader.line_num}: not valid CSV ({exc}). Fix: {RELEASE_FIX}.")
        return None
    return rows


def clean(text: str) -> str:
    """Text with its runs of white space (line breaks included) made single spaces."""
    return " ".join(text.split())


def slug(text: str) -> str:
    """Lower-case letters and digits joined by dashes, for an id."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


def day(value: str, column: str, where: str, today: date, problems: list[str]) -> str | None:
    """A column's date as ISO text ('' when empty); None after adding a problem."""
    value = value.strip()
    if not value:
        return ""
    try:
        if not DAY.match(value):
            raise ValueError(value)
        parsed = date.fromisoformat(value)
    except ValueError:
        problems.append(
            f"{where}: column '{column}' has '{value[:40]}', not a real date. "
            "Fix: write it as YYYY-MM-DD (a day that exists), or leave it empty when unknown."
        )
        return None
    if parsed > today:
        problems.append(
            f"{where}: column '{column}' has {value}, after the import day {today}. "
            "Fix: correct the date; AGORA records activity that has happened."
        )
        return None
    return value

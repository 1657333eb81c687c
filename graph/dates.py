"""Fuzzy dates: exact, month, year, bounded range or unknown, with sortable bounds."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

_POINT = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
UNKNOWN = "unknown"
OPEN = ".."


@dataclass(frozen=True)
class FuzzyDate:
    """A date as written plus its earliest and latest possible days (None when open)."""

    text: str
    precision: str  # day | month | year | range | unknown
    earliest: date | None
    latest: date | None

    def answer_as_of(self, as_of: date) -> str:
        """'yes' when wholly on or before as_of, 'no' when wholly after, else 'uncertain'."""
        if self.latest is not None and self.latest <= as_of:
            return "yes"
        if self.earliest is not None and self.earliest > as_of:
            return "no"
        return "uncertain"


def _point(text: str) -> tuple[str, date, date]:
    match = _POINT.match(text)
    if not match:
        raise ValueError(
            f"'{text}' is not a date; write YYYY-MM-DD, YYYY-MM, YYYY, a range A/B, or 'unknown'"
        )
    year, month, day = match.group(1), match.group(2), match.group(3)
    y = int(year)
    if y < 1900 or y > 2100:
        raise ValueError(f"year {y} in '{text}' is out of range (1900-2100)")
    if month is None:
        return "year", date(y, 1, 1), date(y, 12, 31)
    m = int(month)
    if not 1 <= m <= 12:
        raise ValueError(f"month {m:02d} in '{text}' does not exist")
    last = calendar.monthrange(y, m)[1]
    if day is None:
        return "month", date(y, m, 1), date(y, m, last)
    d = int(day)
    if not 1 <= d <= last:
        raise ValueError(f"day {d:02d} in '{text}' does not exist ({y}-{m:02d} has {last} days)")
    exact = date(y, m, d)
    return "day", exact, exact


def parse_fuzzy(text: object) -> FuzzyDate:
    """Parse a fuzzy date string; ValueError says what is wrong and how to write it."""
    if isinstance(text, date):
        text = text.isoformat()
    if not isinstance(text, str):
        raise ValueError(f"expected a date string, got {type(text).__name__}; quote it in YAML")
    text = text.strip()
    if text == UNKNOWN:
        return FuzzyDate(text, "unknown", None, None)
    if "/" not in text:
        precision, day_lo, day_hi = _point(text)
        return FuzzyDate(text, precision, day_lo, day_hi)
    start, _, end = text.partition("/")
    if start == OPEN and end == OPEN:
        raise ValueError("'../..' says nothing; write 'unknown'")
    lo: date | None = None if start == OPEN else _point(start)[1]
    hi: date | None = None if end == OPEN else _point(end)[2]
    if lo is not None and hi is not None and lo > hi:
        raise ValueError(f"range '{text}' ends before it starts; swap the two sides")
    return FuzzyDate(text, "range", lo, hi)


def parse_day(text: object) -> date:
    """An exact day (YYYY-MM-DD), or ValueError."""
    fuzzy = parse_fuzzy(text)
    if fuzzy.precision != "day" or fuzzy.earliest is None:
        raise ValueError(f"'{fuzzy.text}' must be an exact day, YYYY-MM-DD")
    return fuzzy.earliest

"""Fuzzy dates: every written form, its bounds, the errors, and as-of answers."""

from __future__ import annotations

from datetime import date

import pytest

from govgraph.graph.dates import parse_day, parse_fuzzy


@pytest.mark.parametrize(
    ("text", "precision", "earliest", "latest"),
    [
        ("2023-07-21", "day", date(2023, 7, 21), date(2023, 7, 21)),
        ("2023-07", "month", date(2023, 7, 1), date(2023, 7, 31)),
        ("2024-02", "month", date(2024, 2, 1), date(2024, 2, 29)),  # leap year
        ("2023-02", "month", date(2023, 2, 1), date(2023, 2, 28)),
        ("2024-02-29", "day", date(2024, 2, 29), date(2024, 2, 29)),
        ("2023", "year", date(2023, 1, 1), date(2023, 12, 31)),
        ("2026-06/2026-11-29", "range", date(2026, 6, 1), date(2026, 11, 29)),
        ("2025/2026-03", "range", date(2025, 1, 1), date(2026, 3, 31)),
        ("2026-06-01/2026-06-01", "range", date(2026, 6, 1), date(2026, 6, 1)),
        ("../2026-11-29", "range", None, date(2026, 11, 29)),
        ("2026-06/..", "range", date(2026, 6, 1), None),
        ("unknown", "unknown", None, None),
        ("  2023-07-21  ", "day", date(2023, 7, 21), date(2023, 7, 21)),
    ],
)
def test_parse_fuzzy_bounds(
    text: str, precision: str, earliest: date | None, latest: date | None
) -> None:
    fuzzy = parse_fuzzy(text)
    assert fuzzy.text == text.strip()
    assert (fuzzy.precision, fuzzy.earliest, fuzzy.latest) == (precision, earliest, latest)


def test_a_yaml_date_object_is_accepted_as_its_day() -> None:
    fuzzy = parse_fuzzy(date(2023, 7, 21))
    assert (fuzzy.text, fuzzy.precision) == ("2023-07-21", "day")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2023-02-30", "day 30 in '2023-02-30' does not exist (2023-02 has 28 days)"),
        ("2023-02-29", "day 29 in '2023-02-29' does not exist (2023-02 has 28 days)"),
        ("2023-04-31", "day 31 in '2023-04-31' does not exist (2023-04 has 30 days)"),
        ("2023-00-10", "month 00 in '2023-00-10' does not exist"),
        ("2023-13", "month 13 in '2023-13' does not exist"),
        ("2023-13-01", "month 13 in '2023-13-01' does not exist"),
        ("2023-07-00", "day 00 in '2023-07-00' does not exist"),
        ("2026-11-29/2026-06", "range '2026-11-29/2026-06' ends before it starts; swap"),
        ("2024/2023", "range '2024/2023' ends before it starts"),
        ("../..", "'../..' says nothing; write 'unknown'"),
        ("1850", "year 1850 in '1850' is out of range (1900-2100)"),
        ("21/07/2023", "'21' is not a date; write YYYY-MM-DD, YYYY-MM, YYYY"),
        ("July 2023", "'July 2023' is not a date; write YYYY-MM-DD"),
        ("2023-7-21", "'2023-7-21' is not a date"),
        ("", "'' is not a date"),
        ("2023-07-21/2023-08/2023-09", "is not a date"),
    ],
)
def test_impossible_or_malformed_dates_say_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_fuzzy(text)
    assert message in str(info.value)


@pytest.mark.parametrize("value", [2023, 20230721, None, 3.5, ["2023"]])
def test_non_strings_are_rejected_with_a_hint_to_quote(value: object) -> None:
    with pytest.raises(ValueError, match=r"expected a date string, got .*; quote it in YAML"):
        parse_fuzzy(value)


def test_parse_day_wants_an_exact_day() -> None:
    assert parse_day("2026-11-29") == date(2026, 11, 29)
    for text in ("2026-11", "2026", "2026-06/2026-11-29", "unknown"):
        with pytest.raises(ValueError, match=f"'{text}' must be an exact day, YYYY-MM-DD"):
            parse_day(text)
    with pytest.raises(ValueError, match="does not exist"):
        parse_day("2023-02-30")


@pytest.mark.parametrize(
    ("text", "as_of", "answer"),
    [
        ("2023-07-21", date(2023, 7, 21), "yes"),  # on the day counts
        ("2023-07-21", date(2023, 7, 20), "no"),
        ("2023-07-21", date(2024, 1, 1), "yes"),
        ("2023-07", date(2023, 7, 15), "uncertain"),  # some day that month
        ("2023-07", date(2023, 7, 31), "yes"),
        ("2023-07", date(2023, 6, 30), "no"),
        ("2023", date(2023, 12, 31), "yes"),
        ("2023", date(2023, 6, 1), "uncertain"),
        ("2026-06/2026-11-29", date(2026, 8, 1), "uncertain"),
        ("2026-06/2026-11-29", date(2026, 11, 29), "yes"),
        ("2026-06/2026-11-29", date(2026, 5, 31), "no"),
        ("../2026-11-29", date(2026, 12, 1), "yes"),
        ("../2026-11-29", date(2020, 1, 1), "uncertain"),  # open start: could be any time
        ("2026-06/..", date(2026, 5, 31), "no"),
        ("2026-06/..", date(2030, 1, 1), "uncertain"),  # open end: could be later still
        ("unknown", date(2026, 1, 1), "uncertain"),
    ],
)
def test_answer_as_of(text: str, as_of: date, answer: str) -> None:
    assert parse_fuzzy(text).answer_as_of(as_of) == answer

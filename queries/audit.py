"""The data-quality audit: one named Cypher file per check, thresholds, and the report."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from govgraph.core.cypher import text
from govgraph.core.errors import BadParameter, GovGraphError
from govgraph.core.values import to_json

DEFAULT_LIMIT = 100  # items listed per check; counts are always complete
MAX_LIMIT = 100_000
THRESHOLD = re.compile(r"\A([0-9]{1,9}(?:\.[0-9]{1,4})?)(%?)\Z")
NOT_WORD = re.compile(r"[\W_]+")


@dataclass(frozen=True)
class Check:
    """One check: its key (option --max-KEY), what it reports, and its Cypher file."""

    key: str
    title: str
    query: str


CHECKS: tuple[Check, ...] = (
    Check("without-url", "Sources without a URL", "audit-sources-without-url"),
    Check("without-primary", "Events without a primary source", "audit-events-without-primary"),
    Check("duplicates", "Likely duplicates (events and names)", "audit-duplicate-events"),
    Check("actors-without-events", "Actors with no events", "audit-actors-without-events"),
    Check(
        "events-without-participants",
        "Events without participants",
        "audit-events-without-participants",
    ),
    Check("wide-dates", "Date ranges wider than a year without a note", "audit-wide-dates"),
    Check("without-issuer", "Instruments without an issuer", "audit-instruments-without-issuer"),
    Check("merged-ids", "Merged ids (records with former ids)", "audit-merged-ids"),
    Check("id-conflicts", "Former ids that cannot resolve", "audit-id-conflicts"),
)
KEYS = tuple(c.key for c in CHECKS)
NAMES_QUERY = "audit-entity-names"  # the duplicate check's second half, compared in Python


class ThresholdsBreached(GovGraphError):
    """The audit found more of some problem than its threshold allows."""

    http_status = 422


@dataclass(frozen=True)
class Threshold:
    """A limit on a check: a count (12) or a share of its records (10%)."""

    limit: float
    percent: bool

    @classmethod
    def parse(cls, name: str, raw: str) -> Threshold:
        """'10%' or '12'; BadParameter naming the option or parameter `name` otherwise."""
        match = THRESHOLD.match(raw.strip())
        if not match:
            raise BadParameter(
                name, f"'{raw[:40]}' is not a limit; write a count (5) or a share (10%)"
            )
        value, percent = float(match.group(1)), bool(match.group(2))
        if percent and value > 100:
            raise BadParameter(name, f"{raw} is more than 100%")
        return cls(value, percent)

    def __str__(self) -> str:
        number = f"{self.limit:g}"
        return f"{number}%" if self.percent else number


@dataclass
class CheckResult:
    """What one check found: count, the records it looked at, share, the first items."""

    key: str
    title: str
    count: int
    total: int
    items: list[dict[str, Any]]
    threshold: str | None = None
    breached: bool = False

    @property
    def share(self) -> float:
        return self.count / self.total if self.total else 0.0

    def judge(self, threshold: Threshold | None) -> str | None:
        """Set threshold and breached; the breach message, or None within the limit."""
        if threshold is None:
            return None
        self.threshold = str(threshold)
        value = self.share * 100 if threshold.percent else float(self.count)
        self.breached = value > threshold.limit
        if not self.breached:
            return None
        shown = (
            f"{self.share:.1%} ({self.count} of {self.total})"
            if threshold.percent
            else (f"{self.count}")
        )
        return f"{self.title}: {shown} is above the limit {threshold} ({option_name(self.key)})"


@dataclass
class AuditReport:
    """Every check's result, the thresholds applied and the ones breached."""

    checks: list[CheckResult]
    breaches: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.breaches

    def check(self, key: str) -> CheckResult:
        return next(c for c in self.checks if c.key == key)

    def public(self) -> dict[str, Any]:
        """The report as JSON-ready data (shares included)."""
        checks = [{**asdict(c), "share": round(c.share, 6)} for c in self.checks]
        return {"ok": self.ok, "breaches": self.breaches, "checks": to_json(checks)}

    def raise_if_breached(self) -> None:
        """ThresholdsBreached naming every check above its limit."""
        if self.breaches:
            raise ThresholdsBreached(
                f"audit above its limits: {'; '.join(self.breaches)}.",
                fix="correct the records listed above, or raise the limit on purpose.",
            )


def option_name(key: str) -> str:
    """The CLI option that sets a check's threshold."""
    return f"--max-{key}"


def parse_thresholds(
    raw: dict[str, str | None], name: Callable[[str], str] = option_name
) -> dict[str, Threshold]:
    """Thresholds by check key from option text; unknown keys are refused."""
    out: dict[str, Threshold] = {}
    for key, value in raw.items():
        if key not in KEYS:
            raise BadParameter(name(key), f"is not a check; use one of {', '.join(KEYS)}")
        if value not in (None, ""):
            out[key] = Threshold.parse(name(key), str(value))
    return out


def normalise(name: str) -> str:
    """A name folded for comparison: lower case, no accents, punctuation as spaces."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(NOT_WORD.sub(" ", plain).split())


def _may_be_one(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """False when a rename links the two, or each is placed and their places differ."""
    if b["id"] in a["lineage"] or a["id"] in b["lineage"]:
        return False
    return not (a["places"] and b["places"] and not set(a["places"]) & set(b["places"]))


def name_duplicates(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Pairs of one type and kind where one's name equals the other's name or alias (folded)."""
    # Shared aliases alone do not count (two institutes may both be "AISI"); see _may_be_one
    # for renames and records placed in different countries.
    by_name: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        key = (row["type"], row["kind"], normalise(row["name"]))
        if key[2]:
            by_name[key].append(row)
    pairs: dict[tuple[str, str], dict[str, Any]] = {}
    for row in rows:
        spellings = {normalise(row["name"]), *(normalise(a) for a in row["aliases"])}
        for spelling in sorted(s for s in spellings if s):
            for other in by_name.get((row["type"], row["kind"], spelling), []):
                if other["id"] == row["id"] or not _may_be_one(row, other):
                    continue
                a, b = sorted((row["id"], other["id"]))
                pairs.setdefault(
                    (a, b),
                    {"ids": [a, b], "type": row["type"], "name": spelling,
                     "reason": "near-identical names or aliases"},
                )  # fmt: skip
    return [pairs[k] for k in sorted(pairs)]


def _one(db: Any, query: str, limit: int) -> dict[str, Any]:
    rows = db.rows(text(query), {"limit": limit})
    return rows[0] if rows else {"count": 0, "total": 0, "items": []}


def _duplicates(db: Any, check: Check, limit: int) -> CheckResult:
    """Event pairs from Cypher plus name pairs compared here; total: events and entities."""
    events = _one(db, check.query, limit)
    names = db.rows(text(NAMES_QUERY))
    found = name_duplicates(names)
    items = [*events["items"], *found][:limit]
    total = int(events["total"]) + len(names)
    return CheckResult(check.key, check.title, int(events["count"]) + len(found), total, items)


def run_audit(
    db: Any, thresholds: dict[str, Threshold] | None = None, limit: int = DEFAULT_LIMIT
) -> AuditReport:
    """Run every check (read-only) and judge it against its threshold, if one is set."""
    if not 0 <= limit <= MAX_LIMIT:
        raise BadParameter("limit", f"{limit} is outside 0..{MAX_LIMIT}")
    thresholds = thresholds or {}
    report = AuditReport([])
    for check in CHECKS:
        if check.key == "duplicates":
            result = _duplicates(db, check, limit)
        else:
            row = _one(db, check.query, limit)
            result = CheckResult(
                check.key, check.title, int(row["count"]), int(row["total"]), list(row["items"])
            )
        result.items = to_json(result.items)
        breach = result.judge(thresholds.get(check.key))
        if breach:
            report.breaches.append(breach)
        report.checks.append(result)
    return report

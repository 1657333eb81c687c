"""Checks for questions about two records: both actors or both instruments, and not the same."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from govgraph.core.cypher import text
from govgraph.core.errors import BadParameter


def side(labels: list[str]) -> str | None:
    """'actor' or 'instrument' for an entity's labels; None for anything else."""
    if "Actor" in labels:
        return "actor"
    if "Instrument" in labels:
        return "instrument"
    return None


def check_pair(db: Any, params: dict[str, Any]) -> None:
    """Refuse a pair `compare` cannot answer, naming the parameter and the fix."""
    a, b = params["a"], params["b"]
    if a == b:
        raise BadParameter("b", f"names the same record as a ('{a}'); compare two records")
    rows = db.rows(text("compare-pair"), {"ids": [a, b]})
    sides = {r["id"]: side(r["labels"]) for r in rows}
    for name, id_ in (("a", a), ("b", b)):
        if sides.get(id_) is None:
            raise BadParameter(
                name, f"'{id_}' is not an actor or an instrument; compare two of one of those"
            )
    if sides[a] != sides[b]:
        raise BadParameter(
            "b",
            f"'{b}' is an {sides[b]} but a ('{a}') is an {sides[a]}; "
            "compare two instruments (who is party to each) or two actors (what each is party to)",
        )


PAIR_CHECKS: dict[str, Callable[[Any, dict[str, Any]], None]] = {"compare": check_pair}

"""Internal Cypher: kept as text in queries/internal/*.cypher, read by name.

Values always travel as $parameters. Some statements need a label or relationship type that
only the schema knows (a MERGE must name its label to use the uniqueness constraint); those
files mark the place with a {{slot}}, and only schema names may fill it.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from govgraph.core.errors import GovGraphError

INTERNAL_DIR = Path(__file__).parents[1] / "queries" / "internal"
SLOT = re.compile(r"\{\{(\w+)\}\}")
# One schema name, or several joined as Cypher joins them (A:B for labels, A|B for types).
SCHEMA_NAMES = re.compile(r"^[A-Za-z][A-Za-z0-9_]*(?:[:|][A-Za-z][A-Za-z0-9_]*)*$")
NAME = re.compile(r"^[a-z][a-z0-9-]*$")


@cache
def source(name: str) -> str:
    """The whole file queries/internal/NAME.cypher, its header comments included."""
    if not NAME.match(name):
        raise GovGraphError(
            f"'{name}' is not an internal query name.", fix="use lower-case-with-dashes."
        )
    path = INTERNAL_DIR / f"{name}.cypher"
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise GovGraphError(
            f"No internal query file {path}.", fix="reinstall govgraph or restore the file."
        ) from None


def text(name: str) -> str:
    """The Cypher of queries/internal/NAME.cypher, without its leading comment lines."""
    lines = source(name).splitlines()
    while lines and lines[0].lstrip().startswith("//"):
        lines.pop(0)
    return "\n".join(lines).strip() + "\n"


def slots(name: str) -> set[str]:
    """The {{slot}} names an internal query file declares."""
    return set(SLOT.findall(text(name)))


def fill(query: str, /, **names: str) -> str:
    """The internal QUERY with its slots filled by schema names (labels, types)."""
    wanted = slots(query)
    if set(names) != wanted:
        raise GovGraphError(
            f"queries/internal/{query}.cypher takes slots {sorted(wanted)}, got {sorted(names)}.",
            fix="pass exactly the slots the file declares.",
        )
    for slot, value in names.items():
        if not SCHEMA_NAMES.match(value):
            raise GovGraphError(
                f"'{value[:80]}' cannot fill {{{{{slot}}}}} in {query}: not a schema name.",
                fix="fill slots only with labels and relationship types from the schema.",
            )
    return SLOT.sub(lambda m: names[m.group(1)], text(query))

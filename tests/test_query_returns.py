"""Every named query declares its row columns (`// returns:`), matching what its Cypher returns."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from govgraph import queries
from govgraph.core.errors import GovGraphError
from govgraph.graph.db import Database

ALIAS = re.compile(r"\bAS\s+(`?[A-Za-z_][A-Za-z0-9_]*`?)\s*$", re.IGNORECASE)
BARE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
CLAUSE_END = re.compile(r"^(ORDER BY|SKIP|LIMIT)\b")
PYTHON_TYPES: dict[str, tuple[type, ...]] = {
    "text": (str,),
    "id": (str,),
    "date": (str,),
    "int": (int,),
    "bool": (bool,),
    "list": (list,),
    "object": (dict,),
    "sources": (list,),
}


def top_level_items(text: str) -> list[str]:
    """Split a RETURN list on the commas outside brackets and strings."""
    items, depth, quote, current = [], 0, "", ""
    for ch in text:
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == "," and depth == 0:
            items.append(current.strip())
            current = ""
            continue
        current += ch
    return [*items, current.strip()]


def final_return_aliases(cypher: str) -> list[str]:
    """The column names of the query's last top-level RETURN (the one that answers)."""
    lines = [line for line in cypher.splitlines() if not line.lstrip().startswith("//")]
    start = max(i for i, line in enumerate(lines) if line.startswith("RETURN "))
    body: list[str] = []
    for line in lines[start:]:
        if body and CLAUSE_END.match(line):
            break
        body.append(line)
    text = " ".join(body)[len("RETURN ") :]
    names = []
    for item in top_level_items(text):
        match = ALIAS.search(item)
        name = match.group(1) if match else item if BARE.match(item.strip("`")) else f"<{item}>"
        names.append(name.strip("`"))  # `set`: a keyword as a column name, quoted
    return names


@pytest.mark.parametrize("name", sorted(queries.registry()))
def test_every_query_declares_its_columns_as_it_returns_them(name: str) -> None:
    q = queries.get(name)
    assert q.returns, f"{name}.cypher has no '// returns: name type, ...' line"
    assert [col for col, _ in q.returns] == final_return_aliases(q.cypher)
    assert {kind for _, kind in q.returns} <= set(queries.RETURN_TYPES)


def test_a_bad_returns_line_names_the_file_line_and_fix(tmp_path: Path) -> None:
    path = tmp_path / "broken.cypher"
    path.write_text("// title: T\n// description: D\n// returns: a text, b widget\nRETURN 1 AS a\n")
    with pytest.raises(GovGraphError) as exc:
        queries.parse(path)
    assert "broken.cypher:3" in exc.value.message and "b widget" in exc.value.message
    assert exc.value.fix and "sources" in exc.value.fix


def check_row(row: dict[str, Any], returns: tuple[tuple[str, str], ...]) -> None:
    assert list(row) == [col for col, _ in returns]
    for col, kind in returns:
        value = row[col]
        if kind == "sources":
            assert isinstance(value, list)
            assert all(set(s) <= {"id", "publisher", "title", "url", "published"} for s in value)
        elif value is not None:
            assert isinstance(value, PYTHON_TYPES[kind]), (col, kind, value)
            assert kind == "bool" or not isinstance(value, bool), (col, kind, value)


# disagreements answers only after an import: tests/test_import_core.py checks its rows' types
@pytest.mark.parametrize("name", sorted(set(queries.registry()) - {"disagreements"}))
def test_rows_hold_the_declared_types(curated: Database, name: str) -> None:
    q = queries.get(name)
    _, _, rows = queries.run(curated, name, dict(q.example))
    assert rows, f"{name}'s example answers no rows in the curated data"
    for row in rows:
        check_row(row, q.returns)

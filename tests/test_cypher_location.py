"""All Cypher lives in queries/: no Python string outside it holds a statement."""

from __future__ import annotations

import ast
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from govgraph import PROJECT_ROOT
from govgraph.core import cypher

# Shapes only a Cypher statement has, in the upper case this project writes keywords in (prose
# that names a clause, such as "MATCH ... RETURN", does not match).
CYPHER = re.compile(
    r"\b(?:OPTIONAL\s+)?MATCH\s*\(|\bMERGE\s*\(|\bUNWIND\s+[$\[]|\bDETACH\s+DELETE\b"
    r"|\bCREATE\s+(?:CONSTRAINT|INDEX|FULLTEXT|\((?:\w|\s)*[:){])|\bRETURN\s+[\w.$]+(?:\s+AS\b|\s*,)"
    r"|\bCALL\s+(?:db|dbms|apoc|gds)\.|\bCALL\s*\([\w, ]*\)\s*\{"
    r"|\bSHOW\s+(?:CONSTRAINTS|INDEXES|SETTINGS|TRANSACTIONS|PROCEDURES|FUNCTIONS)\b",
)
# Python outside queries/ that ships or measures the product (tests may hold hostile Cypher).
SCANNED = [PROJECT_ROOT / d for d in ("src", "graph", "ingest", "queries", "api", "benchmarks")]


def python_files() -> Iterator[Path]:
    for top in SCANNED:
        for root, _dirs, files in os.walk(top):  # links are not followed: each file once
            yield from (Path(root) / f for f in sorted(files) if f.endswith(".py"))


def cypher_strings(source: str) -> Iterator[tuple[int, str]]:
    """(line, text) of every string constant that looks like Cypher, f-string parts included."""
    for node in ast.walk(ast.parse(source)):
        is_text = isinstance(node, ast.Constant) and isinstance(node.value, str)
        if is_text and CYPHER.search(node.value):
            yield node.lineno, node.value


def test_no_cypher_string_outside_queries() -> None:
    found = [
        f"{path.relative_to(PROJECT_ROOT)}:{line}: {text.strip()[:70]!r}"
        for path in python_files()
        for line, text in cypher_strings(path.read_text())
    ]
    assert not found, "move these into queries/internal/*.cypher:\n" + "\n".join(found)


@pytest.mark.parametrize(
    "statement",
    [
        "MATCH (n:Actor) RETURN n.id AS id",
        "UNWIND $rows AS row MERGE (n:Actor {id: row.id})",
        "CREATE CONSTRAINT x IF NOT EXISTS FOR (n:A) REQUIRE n.id IS UNIQUE",
        "CALL dbms.components() YIELD versions",
        "SHOW CONSTRAINTS YIELD name",
        "RETURN a.name AS actor",
        "CALL (n) { MATCH (n)-[r]->() DELETE r }",
    ],
)
def test_the_check_recognises_statements(statement: str) -> None:
    assert list(cypher_strings(repr(statement)))


def test_prose_about_clauses_is_not_taken_for_cypher() -> None:
    prose = '"use MATCH, OPTIONAL MATCH, WITH, WHERE, RETURN, UNWIND and CALL { } subqueries."'
    assert not list(cypher_strings(prose))
    assert not list(cypher_strings('"batched UNWIND ... MERGE transactions"'))


def internal_files() -> list[Path]:
    return sorted(cypher.INTERNAL_DIR.glob("*.cypher"))


@pytest.mark.parametrize("path", internal_files(), ids=lambda p: p.stem)
def test_every_internal_query_says_what_it_is_for_and_is_used(path: Path) -> None:
    assert path.read_text().startswith("// purpose: "), f"{path.name}: first line // purpose:"
    assert cypher.text(path.stem).strip(), f"{path.name} holds no Cypher"
    name = re.compile(rf"""["']{re.escape(path.stem)}["']""")
    users = [p for p in python_files() if name.search(p.read_text())]
    assert users, f"queries/internal/{path.name} is read by no module: delete it or use it"


def test_slots_take_schema_names_only() -> None:
    with pytest.raises(Exception, match="not a schema name"):
        cypher.fill("content-hashes", label="Actor) DETACH DELETE (n")
    with pytest.raises(Exception, match="takes slots"):
        cypher.fill("content-hashes")
    assert "MATCH (n:Actor)" in cypher.fill("content-hashes", label="Actor")

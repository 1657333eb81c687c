"""The import layers point one way, and nothing but govgraph is installed at the top level."""

from __future__ import annotations

import ast
import os
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from govgraph import PROJECT_ROOT

PACKAGE_DIR = PROJECT_ROOT / "src" / "govgraph"
# Package -> layer. A module may import its own package and packages of lower layers only.
LAYERS = {
    "govgraph": 0,  # the namespace's __init__: the version and the project root
    "govgraph.core": 0,
    "govgraph.graph": 1,
    "govgraph.ingest": 2,
    "govgraph.queries": 2,
    "govgraph.api": 3,
    "govgraph.cli": 3,
}
# The top-level folders are subpackages of govgraph; imported bare they would be a second copy.
BARE_NAMES = {"graph", "ingest", "queries", "api", "core", "cli"}


def package_of(module: str) -> str:
    """The LAYERS key a module belongs to (the longest matching prefix)."""
    parts = module.split(".")
    for n in range(len(parts), 0, -1):
        name = ".".join(parts[:n])
        if name in LAYERS and (n > 1 or len(parts) == 1):
            return name
    return parts[0]


def modules() -> Iterator[tuple[str, Path]]:
    """(module name, path) of every module of the govgraph package, links followed."""
    for root, _dirs, files in os.walk(PACKAGE_DIR, followlinks=True):
        for file in sorted(files):
            if file.endswith(".py"):
                path = Path(root) / file
                rel = path.relative_to(PACKAGE_DIR.parent).with_suffix("")
                parts = list(rel.parts)
                if parts[-1] == "__init__":
                    parts.pop()
                yield ".".join(parts), path


def imported(module: str, source: str, is_package: bool) -> Iterator[tuple[int, str]]:
    """(line, absolute module name) of every import in a module, nested ones included."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".")
                anchor = anchor if is_package else anchor[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:  # `from govgraph import queries` imports govgraph.queries
                yield node.lineno, f"{base}.{alias.name}" if base == "govgraph" else base


def violations(module: str, source: str, is_package: bool = False) -> list[str]:
    """Every import in `source` that points up a layer, sideways, or at a bare folder name."""
    mine = package_of(module)
    found = []
    for line, target in imported(module, source, is_package):
        top = target.split(".")[0]
        if top in BARE_NAMES:
            found.append(f"{module}:{line} imports '{target}': use govgraph.{target}")
            continue
        if top != "govgraph":
            continue
        theirs = package_of(target)
        if theirs == mine or theirs == "govgraph":
            continue
        if LAYERS[theirs] > LAYERS[mine]:
            found.append(f"{module}:{line} imports {target}, a layer above {mine}")
        elif LAYERS[theirs] == LAYERS[mine] and LAYERS[mine] > 0:
            found.append(f"{module}:{line} imports {target}, beside {mine} in the same layer")
    return found


def test_every_package_of_the_namespace_has_a_layer() -> None:
    found = {package_of(name) for name, _ in modules()}
    assert found == set(LAYERS), f"modules outside the declared layers: {found - set(LAYERS)}"


def test_no_module_imports_from_a_layer_above_or_beside_it() -> None:
    problems = []
    for name, path in modules():
        problems += violations(name, path.read_text(), path.name == "__init__.py")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    ("module", "source"),
    [
        ("govgraph.graph.db", "from govgraph.ingest.writer import ingest"),
        ("govgraph.core.errors", "import govgraph.graph.schema"),
        ("govgraph.ingest.writer", "from govgraph import queries"),
        ("govgraph.queries", "from govgraph.api.web import render"),
        ("govgraph.api.main", "from govgraph.cli import app"),
        ("govgraph.graph.db", "def f():\n    from govgraph.api import deps"),
        ("govgraph.graph.schema", "from ..ingest import rows"),
        ("govgraph.api.main", "from graph.db import Database"),
    ],
)
def test_the_check_catches_upward_sideways_and_bare_imports(module: str, source: str) -> None:
    assert violations(module, source)


def test_the_check_lets_downward_imports_through() -> None:
    source = "from govgraph.core.errors import GovGraphError\nfrom govgraph.graph import schema\n"
    assert violations("govgraph.ingest.writer", source) == []
    assert violations("govgraph.api.routers.pages", "from govgraph import queries") == []
    assert violations("govgraph.graph.revision", "from .db import Database") == []


def test_only_the_govgraph_namespace_is_installed() -> None:
    config = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())
    find = config["tool"]["setuptools"]["packages"]["find"]
    assert find["where"] == ["src"] and find["include"] == ["govgraph*"]
    assert [
        p.name for p in (PROJECT_ROOT / "src").iterdir() if not p.name.endswith("egg-info")
    ] == ["govgraph"]
    for folder in ("graph", "ingest", "queries", "api"):
        link = PACKAGE_DIR / folder
        assert link.is_symlink() and link.resolve() == PROJECT_ROOT / folder, folder

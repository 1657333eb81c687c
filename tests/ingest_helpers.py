"""Helpers shared by the ingest test files."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml
from conftest import DATA_DIR

from govgraph.graph.db import Database
from govgraph.ingest.writer import IngestReport

SEED = DATA_DIR / "caisi-review-2026.yaml"
GOVGRAPH = str(Path(sys.executable).with_name("govgraph"))


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [GOVGRAPH, *args], capture_output=True, text=True, timeout=300, env=dict(os.environ)
    )


def seed_copy(folder: Path, name: str = "a-seed.yaml") -> Path:
    """The seed article's file, copied into a throwaway data folder."""
    path = folder / name
    shutil.copyfile(SEED, path)
    return path


def load_yaml(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text())  # type: ignore[no-any-return]


def save_yaml(path: Path, data: dict[str, Any]) -> None:
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


def record(data: dict[str, Any], key: str, rid: str) -> dict[str, Any]:
    return next(r for r in data[key] if r["id"] == rid)


def counts(report: IngestReport) -> dict[str, tuple[int, int, int]]:
    return {n: (c.created, c.updated, c.unchanged) for n, c in report.types.items()}


def node_count(db: Database) -> int:
    return int(db.rows("MATCH (n) RETURN count(n) AS n")[0]["n"])

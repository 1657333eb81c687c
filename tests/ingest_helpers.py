"""Helpers shared by the ingest, export and dataset test files."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml
from conftest import DATA_DIR, wipe

from govgraph.graph.db import Database
from govgraph.graph.revision import graph_fingerprint
from govgraph.ingest.validate import Dataset, load_dataset
from govgraph.ingest.writer import IngestReport, ingest

SEED = DATA_DIR / "caisi-review-2026.yaml"
GOVGRAPH = str(Path(sys.executable).with_name("govgraph"))


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the installed `govgraph` command with the test environment."""
    return subprocess.run(
        [GOVGRAPH, *args], capture_output=True, text=True, timeout=300, env=dict(os.environ)
    )


def seed_copy(folder: Path, name: str = "a-seed.yaml") -> Path:
    """The seed article's file, copied into a throwaway data folder."""
    path = folder / name
    shutil.copyfile(SEED, path)
    return path


def ingest_folder(db: Database, folder: Path) -> IngestReport:
    """Validate a folder of dataset files and write it."""
    return ingest(db, load_dataset([folder]))


def ingest_seed(db: Database, folder: Path) -> Path:
    """Copy the seed article's file into `folder`, ingest the folder, return the copy's path."""
    path = seed_copy(folder)
    ingest_folder(db, folder)
    return path


def fingerprint_from_empty(db: Database, dataset: Dataset) -> dict[str, Any]:
    """Wipe the graph, ingest `dataset` into it and return the graph's fingerprint."""
    wipe(db)
    ingest(db, dataset)
    return graph_fingerprint(db, history=False)


def load_yaml(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text())  # type: ignore[no-any-return]


def save_yaml(path: Path, data: dict[str, Any]) -> None:
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


@contextmanager
def edit_yaml(path: Path) -> Iterator[dict[str, Any]]:
    """Load a dataset file, let the block change it, save it back."""
    data = load_yaml(path)
    yield data
    save_yaml(path, data)


def record(data: dict[str, Any], key: str, rid: str) -> dict[str, Any]:
    return next(r for r in data[key] if r["id"] == rid)


def node_count(db: Database) -> int:
    """Nodes that answers read (the revision log and retracted records left out)."""
    query = "MATCH (n) WHERE NOT (n:Revision OR n:Counter OR n:Retracted) RETURN count(n) AS n"
    return int(db.rows(query)[0]["n"])

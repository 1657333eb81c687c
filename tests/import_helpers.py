"""Where the recorded payloads of public sources are, for importer tests (never copied here)."""

from __future__ import annotations

from pathlib import Path

import pytest

from govgraph import PROJECT_ROOT

DATASETS = PROJECT_ROOT.parent / "shared" / "datasets"


def dataset_dir(name: str) -> Path:
    """The recorded payloads of one source; skip the test, saying why, when they are absent."""
    path = DATASETS / name
    if not path.is_dir():
        pytest.skip(
            f"recorded payloads not found at {path}: these tests need the shared datasets "
            "folder beside the checkout (../shared/datasets), which is not part of the project"
        )
    return path

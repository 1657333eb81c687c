"""govgraph: a sourced knowledge graph of AI-governance actors and events."""

from pathlib import Path

__version__ = "0.1.0"

PROJECT_ROOT = Path(__file__).resolve().parents[2]

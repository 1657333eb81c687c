"""The graph revision (a hash of every record's content hash) and the whole graph's fingerprint."""

from __future__ import annotations

import uuid
from typing import Any

from govgraph.core.cypher import text
from govgraph.core.values import content_hash
from govgraph.graph.db import Database

REVISION_KEY = "revision"
WRITING = "writing:"


def cacheable(revision: str | None) -> bool:
    """Answers are kept only for a finished ingest's revision (not while one is writing)."""
    return revision is not None and not revision.startswith(WRITING)


def _set_revision(db: Database, value: str) -> str:
    db.write(lambda tx: tx.run(text("revision-set"), key=REVISION_KEY, value=value).consume())
    return value


def mark_writing(db: Database) -> str:
    """Set the revision to a one-off 'writing:' value until the write in progress finishes."""
    return _set_revision(db, WRITING + uuid.uuid4().hex[:12])


def write_revision(db: Database, hashes: dict[str, str]) -> str:
    """Record a revision derived from every record's content hash (same graph, same revision)."""
    revision = content_hash({"records": sorted(hashes.items())})[:16]
    if read_revision(db) == revision:
        return revision  # nothing changed: write nothing
    return _set_revision(db, revision)


def read_revision(db: Database) -> str | None:
    """The revision the last ingest recorded, if any."""
    rows = db.rows(text("revision-get"), {"key": REVISION_KEY})
    return str(rows[0]["v"]) if rows else None


HISTORY_LABELS = {"Revision", "Counter", "Retracted"}
HISTORY_PROPS = {"rev", "edited"}


def graph_fingerprint(db: Database, *, history: bool = True) -> dict[str, Any]:
    """Counts per label and relationship type plus a content hash of the whole graph.

    `history=False` fingerprints what the graph answers with: revisions, retracted records and
    revision numbers left out, so a graph edited back compares equal to one built fresh.
    """
    labels = db.rows(text("fingerprint-labels"))
    rels = db.rows(text("fingerprint-relationships"))
    nodes = db.rows(text("fingerprint-nodes"))
    edges = db.rows(text("fingerprint-edges"))
    if not history:
        labels = [r for r in labels if r["label"] not in HISTORY_LABELS]
        nodes = [
            {**n, "props": {k: v for k, v in n["props"].items() if k not in HISTORY_PROPS}}
            for n in nodes
            if not HISTORY_LABELS & set(n["labels"])
        ]
    blob = repr([(n["id"], sorted(n["labels"]), sorted(n["props"].items())) for n in nodes])
    blob += repr([(e["a"], e["t"], e["b"], sorted(e["p"].items())) for e in edges])
    return {
        "labels": {r["label"]: r["n"] for r in labels},
        "relationships": {r["type"]: r["n"] for r in rels},
        "hash": content_hash({"graph": blob}),
    }

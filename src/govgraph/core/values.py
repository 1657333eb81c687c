"""Plain JSON from Neo4j values (temporals, nodes, relationships, paths, points); content hashes."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Any

from neo4j.graph import Node, Path, Relationship
from neo4j.spatial import Point


def to_json(value: Any) -> Any:
    """Driver values as JSON: nodes, relationships and paths as maps, temporals as ISO text."""
    if isinstance(value, Node):
        return {
            "id": value.get("id"),
            "labels": sorted(value.labels),
            "properties": to_json(dict(value)),
        }
    if isinstance(value, Relationship):
        return {
            "type": value.type,
            "start": value.start_node.get("id") if value.start_node else None,
            "end": value.end_node.get("id") if value.end_node else None,
            "properties": to_json(dict(value)),
        }
    if isinstance(value, Path):
        return {
            "nodes": [to_json(n) for n in value.nodes],
            "relationships": [to_json(r) for r in value.relationships],
        }
    if hasattr(value, "iso_format"):  # Neo4j dates, times and durations (a Duration is a tuple)
        return str(value.iso_format())
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Point):
        return {"srid": value.srid, "coordinates": list(value)}
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    return value


def content_hash(record: dict[str, Any]) -> str:
    """A stable hash of a record's canonical JSON."""
    blob = json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()[:32]

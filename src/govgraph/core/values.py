"""Plain JSON from Neo4j values (temporals, nodes, relationships, paths, points); content hashes."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Any

from neo4j.graph import Node, Path, Relationship
from neo4j.spatial import Point

from govgraph.core.errors import ResultTooDeep

MAX_DEPTH = 100  # levels of lists and maps to_json converts; deeper is refused, never a crash


def depth(value: Any) -> int:
    """How many levels of lists and maps a value nests as JSON (0 for a scalar), no recursion."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, level = stack.pop()
        children = _children(item)
        if children is not None:
            deepest = max(deepest, level)
            stack.extend((child, level + 1) for child in children)
    return deepest


def _children(value: Any) -> list[Any] | None:
    """What a value holds one level down in its JSON form, or None for a scalar."""
    if isinstance(value, (Node, Relationship)):
        return [dict(value)]
    if isinstance(value, Path):
        return [*value.nodes, *value.relationships]
    if hasattr(value, "iso_format") or isinstance(value, Point):
        return None  # temporals become text; a point's coordinates are flat
    if isinstance(value, dict):
        return list(value.values())
    if isinstance(value, (list, tuple)):
        return list(value)
    return None


def to_json(value: Any) -> Any:
    """Driver values as JSON: nodes, relationships and paths as maps, temporals as ISO text."""
    try:
        return _to_json(value, 1)
    except ResultTooDeep:
        pass
    levels = max(depth(value), MAX_DEPTH + 1)
    raise ResultTooDeep(
        f"The result is nested {levels} levels deep; at most {MAX_DEPTH} levels are returned.",
        fix="return flatter values: UNWIND nested lists into rows, or pick inner elements.",
    )


def _to_json(value: Any, level: int) -> Any:
    """to_json of a value found `level` levels down (1 for the top)."""
    if level > MAX_DEPTH and _children(value) is not None:
        raise ResultTooDeep("too deep")  # reworded with the real depth by to_json
    if isinstance(value, Node):
        return {
            "id": value.get("id"),
            "labels": sorted(value.labels),
            "properties": _to_json(dict(value), level + 1),
        }
    if isinstance(value, Relationship):
        return {
            "type": value.type,
            "start": value.start_node.get("id") if value.start_node else None,
            "end": value.end_node.get("id") if value.end_node else None,
            "properties": _to_json(dict(value), level + 1),
        }
    if isinstance(value, Path):
        return {
            "nodes": [_to_json(n, level + 1) for n in value.nodes],
            "relationships": [_to_json(r, level + 1) for r in value.relationships],
        }
    if hasattr(value, "iso_format"):  # Neo4j dates, times and durations (a Duration is a tuple)
        return str(value.iso_format())
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Point):
        return {"srid": value.srid, "coordinates": list(value)}
    if isinstance(value, dict):
        return {k: _to_json(v, level + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_to_json(v, level + 1) for v in value]
    return value


def content_hash(record: dict[str, Any]) -> str:
    """A stable hash of a record's canonical JSON."""
    blob = json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()[:32]

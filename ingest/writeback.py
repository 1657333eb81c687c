"""`govgraph export --changes`: write what was changed in the app back into the dataset files.

A corrected record replaces its entry in the file that holds it; a record created in the app
is appended to `app-changes.yaml`; a record retracted in the app leaves its file. Files are
edited with ruamel.yaml's round trip, so the comments and order of everything else stay. The
result is validated as a whole before any file is replaced: on a problem nothing is written.
"""

from __future__ import annotations

import io
import json
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from govgraph.core.cypher import text
from govgraph.core.errors import ValidationFailed
from govgraph.graph.db import Database
from govgraph.graph.schema import RecordType, Schema, load_schema
from govgraph.ingest.validate import dataset_files, load_dataset

NEW_FILE = "app-changes.yaml"
FLOW_MAX = 6


@dataclass
class WriteBack:
    """What was written back, each as (record id, file)."""

    updated: list[tuple[str, str]] = field(default_factory=list)
    added: list[tuple[str, str]] = field(default_factory=list)
    removed: list[tuple[str, str]] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.updated) + len(self.added) + len(self.removed)


def _yaml() -> YAML:
    y = YAML(typ="rt")
    y.width = 4096  # keep long summaries on one line, as the data files do
    y.indent(mapping=2, sequence=4, offset=2)
    y.preserve_quotes = True
    return y


def _ordered(rt: RecordType, record: dict[str, Any]) -> CommentedMap:
    """A record in the schema's field order, short lists and role links in flow style."""
    out = CommentedMap()
    for name in [*rt.props, *(k for k in record if k not in rt.props)]:
        if name not in record:
            continue
        value = record[name]
        if isinstance(value, list):
            seq = CommentedSeq()
            for item in value:
                if isinstance(item, dict):
                    m = CommentedMap(item)
                    m.fa.set_flow_style()
                    seq.append(m)
                else:
                    seq.append(item)
            if all(isinstance(v, str) for v in value) and len(value) <= FLOW_MAX:
                seq.fa.set_flow_style()
            value = seq
        out[name] = value
    return out


def _locations(y: YAML, files: list[Path]) -> tuple[dict[Path, Any], dict[str, tuple[Path, str]]]:
    """Each file's round-trip document, and where every record id is written."""
    docs: dict[Path, Any] = {}
    where: dict[str, tuple[Path, str]] = {}
    for path in files:
        try:
            doc = y.load(path.read_text(encoding="utf-8"))
        except (YAMLError, UnicodeDecodeError) as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ValidationFailed(
                [f"{path}: not readable YAML ({first}). Fix: correct the file, then export again."],
                what="the data folder",
            ) from None
        docs[path] = doc
        if not isinstance(doc, dict):
            continue
        for key, items in doc.items():
            for item in items if isinstance(items, list) else []:
                if isinstance(item, dict) and isinstance(item.get("id"), str):
                    where[item["id"]] = (path, str(key))
    return docs, where


def _type_of(schema: Schema, labels: list[str], rid: str) -> RecordType | None:
    for rt in schema.types.values():
        if rt.labels[0] in labels:
            return rt
    return None


def write_back(db: Database, data_dir: Path) -> WriteBack:
    """Write the app's changes into the dataset files under data_dir; validate, then replace."""
    schema = load_schema()
    y = _yaml()
    files = dataset_files([data_dir])
    docs, where = _locations(y, files)
    result = WriteBack()
    touched: set[Path] = set()
    new_path = data_dir / NEW_FILE
    for row in db.rows(text("app-edited")):
        rid = row["id"]
        if row["retracted"]:
            if rid in where:
                path, key = where[rid]
                docs[path][key] = [i for i in docs[path][key] if i.get("id") != rid]
                touched.add(path)
                result.removed.append((rid, str(path)))
            continue
        rt = _type_of(schema, row["labels"], rid)
        if rt is None or not row["record"]:
            continue
        record = _ordered(rt, json.loads(row["record"]))
        if rid in where:
            path, key = where[rid]
            items = docs[path][key]
            index = next(i for i, item in enumerate(items) if item.get("id") == rid)
            if dict(items[index]) == dict(record):
                continue
            items[index] = record
            result.updated.append((rid, str(path)))
        else:
            path = new_path
            doc = docs.setdefault(path, CommentedMap())
            doc.setdefault(rt.key, CommentedSeq()).append(record)
            result.added.append((rid, str(path)))
        touched.add(path)
    if touched:
        _replace(y, docs, touched, data_dir)
    return result


def _replace(y: YAML, docs: dict[Path, Any], touched: set[Path], data_dir: Path) -> None:
    """Render the touched files into a copy of the folder, validate it, then move them in."""
    rendered: dict[Path, str] = {}
    for path in touched:
        buf = io.StringIO()
        y.dump(docs[path], buf)
        rendered[path] = buf.getvalue()
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "data"
        shutil.copytree(data_dir, copy)
        for path, body in rendered.items():
            (copy / path.relative_to(data_dir)).write_text(body, encoding="utf-8")
        load_dataset([copy])  # raises ValidationFailed, naming file and line; nothing written
    for path, body in rendered.items():
        path.write_text(body, encoding="utf-8")

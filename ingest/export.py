"""Read the graph back into dataset records, and write them as YAML (the dataset format) or CSV.

Scalar fields come from node properties as stored (internal and derived ones dropped, Neo4j dates
turned back into 'YYYY-MM-DD'); references, source lists and roles are rebuilt from the
relationships the graph holds, in their `ord` order. Every read runs in a read transaction.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from govgraph.core.csvtext import restore, to_csv
from govgraph.core.cypher import fill
from govgraph.core.errors import BadParameter
from govgraph.core.values import to_json
from govgraph.graph.db import Database
from govgraph.graph.schema import Prop, RecordType, Schema, load_schema
from govgraph.ingest.rows import DERIVED_SUFFIXES, INTERNAL_PROPS

FORMATS = ("yaml", "csv")
REF_TYPES = {"ref", "ref_list", "roles"}
LIST_TYPES = {"text_list", "ref_list", "roles"}


@dataclass
class Export:
    """Records read from the graph, by type name, each list sorted by id."""

    records: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    ignored: dict[str, set[str]] = field(default_factory=dict)  # type -> undeclared properties

    def count(self) -> int:
        return sum(len(v) for v in self.records.values())


def _internal(rt: RecordType, name: str) -> bool:
    if name in INTERNAL_PROPS:
        return True
    return any(
        name == f"{p.name}{suffix}"
        for p in rt.props.values()
        if p.type == "fuzzy_date"
        for suffix in DERIVED_SUFFIXES
    )


def _links(db: Database, schema: Schema, rt: RecordType, prop: Prop) -> dict[str, list[Any]]:
    """Each record's references of one property, in stored order."""
    start, end = prop.ends(rt.labels[0], schema.target_label(prop))
    rows = db.rows(fill("export-links", start=start, end=end, type=str(prop.relationship)))
    mine, theirs = ("end", "start") if prop.reverse else ("start", "end")
    out: dict[str, list[Any]] = defaultdict(list)
    for row in sorted(rows, key=lambda r: (r[mine], r["ord"] or 0, r[theirs])):
        if prop.type == "roles":
            key = "actor" if prop.to == "Actor" else "id"
            out[row[mine]].append({key: row[theirs], "role": row["role"]})
        else:
            out[row[mine]].append(row[theirs])
    return out


def read_graph(db: Database, schema: Schema | None = None) -> Export:
    """Every record the graph holds, rebuilt in the dataset format."""
    schema = schema or load_schema()
    result = Export()
    for name, rt in schema.types.items():
        nodes = db.rows(fill("export-records", label=rt.labels[0]))
        links = {
            p.name: _links(db, schema, rt, p) for p in rt.props.values() if p.type in REF_TYPES
        }
        records = []
        for node in nodes:
            props = node["props"]
            record: dict[str, Any] = {}
            for pname, prop in rt.props.items():  # schema order, as in the data files
                if prop.type in REF_TYPES:
                    values = links[pname].get(node["id"], [])
                    if prop.type == "ref":
                        if values:
                            record[pname] = values[0]
                    elif values:
                        record[pname] = values
                elif props.get(pname) is not None and props.get(pname) != []:
                    record[pname] = to_json(props[pname])
            extra = {k for k in props if k not in rt.props and not _internal(rt, k)}
            if extra:
                result.ignored.setdefault(name, set()).update(extra)
            records.append(record)
        result.records[name] = records
    return result


class _Dumper(yaml.SafeDumper):
    """Block style for records, flow style for short lists and role links; lists indented."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _represent_list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    flow = all(isinstance(v, str) and len(v) < 60 for v in data) and len(data) <= 6
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


def _represent_dict(dumper: yaml.SafeDumper, data: dict[str, Any]) -> yaml.Node:
    flow = set(data) <= {"actor", "id", "role"} and "role" in data and len(data) == 2
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=flow)


_Dumper.add_representer(list, _represent_list)
_Dumper.add_representer(dict, _represent_dict)


def write_yaml(export: Export, out_dir: Path, schema: Schema | None = None) -> list[Path]:
    """One YAML file per record type (sources.yaml, actors.yaml, ...), loadable as a dataset."""
    schema = schema or load_schema()
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, records in export.records.items():
        key = schema.types[name].key
        path = out_dir / f"{key}.yaml"
        text = yaml.dump(
            {key: records},
            Dumper=_Dumper,
            sort_keys=False,
            allow_unicode=True,
            width=10_000,
            default_flow_style=False,
        )
        path.write_text(
            f"# Exported from the graph: {len(records)} {key}.\n{text}", encoding="utf-8"
        )
        written.append(path)
    return written


def write_csv(export: Export, out_dir: Path, schema: Schema | None = None) -> list[Path]:
    """One CSV per record type; one column per declared field, list values as JSON."""
    schema = schema or load_schema()
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, records in export.records.items():
        rt = schema.types[name]
        path = out_dir / f"{rt.key}.csv"
        path.write_text(to_csv(records, list(rt.props)), encoding="utf-8")
        written.append(path)
    return written


def read_csv(directory: Path, schema: Schema | None = None) -> dict[str, list[dict[str, Any]]]:
    """The records of CSV files written by write_csv, by type name (empty cells left out).

    Cells come back as write_csv was given them: the quote that defused a formula-like cell
    (core.csvtext) is taken off again.
    """
    schema = schema or load_schema()
    out: dict[str, list[dict[str, Any]]] = {}
    for name, rt in schema.types.items():
        path = directory / f"{rt.key}.csv"
        if not path.exists():
            continue
        with path.open(newline="", encoding="utf-8") as fh:
            rows = [
                {restore(k): restore(v) for k, v in row.items() if v != ""}
                for row in csv.DictReader(fh)
            ]
        out[name] = [
            {k: json.loads(v) if rt.props[k].type in LIST_TYPES else v for k, v in row.items()}
            for row in rows
        ]
    return out


def export(db: Database, out_dir: Path, fmt: str = "yaml") -> tuple[Export, list[Path]]:
    """Read the graph and write it to out_dir in the given format."""
    if fmt not in FORMATS:
        raise BadParameter("--format", f"'{fmt}' is not one of {', '.join(FORMATS)}")
    result = read_graph(db)
    writer = write_yaml if fmt == "yaml" else write_csv
    return result, writer(result, out_dir)

"""Read dataset files and validate all of them before anything is written."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from govgraph.core.errors import ValidationFailed
from govgraph.graph.dates import parse_day, parse_fuzzy
from govgraph.graph.models import Record, record_models
from govgraph.graph.schema import Schema, load_schema

CURATED = "curated"
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_RECORDS = 500_000


@dataclass(frozen=True)
class Located:
    """One validated record and where it was written."""

    type: str
    record: Record
    file: str
    line: int

    @property
    def id(self) -> str:
        return str(self.record.id)  # type: ignore[attr-defined]

    @property
    def place(self) -> str:
        """Where it came from, for messages: file:line: id (an import's place names its id)."""
        return f"{self.file}:{self.line}: {self.id}" if self.line else self.file


@dataclass
class Dataset:
    """Every record of an input, by type, in file order."""

    records: dict[str, list[Located]] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    # Who wrote it: "curated" (data/, reviewed by the people who wrote it) or "import:<source>"
    # (unreviewed until a person confirms it). A prune removes only records of its own origin.
    origin: str = CURATED

    @property
    def reviewed(self) -> bool:
        return self.origin == CURATED

    def of(self, type_name: str) -> list[Located]:
        return self.records.get(type_name, [])

    def ids(self) -> set[str]:
        return {r.id for recs in self.records.values() for r in recs}

    def count(self) -> int:
        return sum(len(v) for v in self.records.values())


def dataset_files(paths: Iterable[Path]) -> list[Path]:
    """YAML files named, or found below the folders named, in a stable order."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out.extend(sorted(p for p in path.rglob("*") if p.suffix in {".yaml", ".yml"}))
        elif path.exists():
            out.append(path)
        else:
            raise ValidationFailed([f"{path}: no such file or folder. Fix: check the path."])
    return out


def _items(path: Path, text: str, problems: list[str]) -> list[tuple[str, int, Any]]:
    """(key, line, raw record) for each list item in a data file."""
    try:
        root = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        problems.append(
            f"{path}:{line}: not valid YAML ({getattr(exc, 'problem', exc)}). "
            "Fix: correct the YAML syntax at that line."
        )
        return []
    if data is None:
        return []
    keys = load_schema().keys
    if not isinstance(data, dict) or not isinstance(root, yaml.MappingNode):
        problems.append(
            f"{path}:1: the file must be a mapping with lists under {', '.join(keys)}. "
            "Fix: see docs/data-format.md."
        )
        return []
    out: list[tuple[str, int, Any]] = []
    for key_node, value_node in root.value:
        key = key_node.value
        line = key_node.start_mark.line + 1
        if key not in keys:
            problems.append(
                f"{path}:{line}: unknown section '{key}'. Fix: use one of {', '.join(keys)}."
            )
            continue
        values = data[key]
        if values is None:
            continue
        if not isinstance(values, list) or not isinstance(value_node, yaml.SequenceNode):
            problems.append(
                f"{path}:{line}: '{key}' must be a list of records. "
                "Fix: start each record with '- '."
            )
            continue
        for node, raw in zip(value_node.value, values, strict=True):
            out.append((key, node.start_mark.line + 1, raw))
    return out


def pydantic_problems(where: str, exc: ValidationError) -> list[str]:
    out = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"]) or "record"
        if err["type"] == "extra_forbidden":
            fix = f"remove '{loc}' or fix its spelling (fields: docs/schema.md)"
        elif err["type"] == "missing":
            fix = f"add '{loc}'"
        else:
            fix = f"correct '{loc}' (see docs/schema.md)"
        msg = err["msg"].removeprefix("Value error, ")
        out.append(f"{where}: field '{loc}': {msg}. Fix: {fix}.")
    return out


def load_dataset(paths: Iterable[Path], *, today: date | None = None) -> Dataset:
    """Parse and validate every file; raise ValidationFailed listing every problem."""
    schema = load_schema()
    models = record_models()
    problems: list[str] = []
    dataset = Dataset()
    seen: dict[str, str] = {}
    files = dataset_files(paths)
    for path in files:
        dataset.files.append(str(path))
        if path.stat().st_size > MAX_FILE_BYTES:
            problems.append(
                f"{path}:1: file is larger than {MAX_FILE_BYTES >> 20} MiB. "
                "Fix: split it into several files."
            )
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            problems.append(f"{path}:1: not UTF-8 text ({exc.reason}). Fix: save it as UTF-8.")
            continue
        for key, line, raw in _items(path, text, problems):
            rt = schema.by_key(key)
            where = f"{path}:{line}"
            rid = raw.get("id") if isinstance(raw, dict) else None
            if rid is not None:
                where += f": {rid}"
            if not isinstance(raw, dict):
                problems.append(
                    f"{where}: a record must be a mapping of fields. Fix: see docs/data-format.md."
                )
                continue
            try:
                record = models[rt.name].model_validate(raw)
            except ValidationError as exc:
                problems.extend(pydantic_problems(where, exc))
                continue
            located = Located(rt.name, record, str(path), line)
            if located.id in seen:
                problems.append(
                    f"{where}: duplicate id, first defined at {seen[located.id]}. "
                    "Fix: give one of them another id or merge them."
                )
                continue
            seen[located.id] = f"{path}:{line}"
            dataset.records.setdefault(rt.name, []).append(located)
            if dataset.count() > MAX_RECORDS:
                raise ValidationFailed(
                    [f"{path}:{line}: more than {MAX_RECORDS} records. Fix: split the input."]
                )
    problems.extend(cross_checks(schema, dataset, today or date.today()))
    if problems:
        raise ValidationFailed(problems, what=f"{len(files)} file(s)")
    return dataset


def cross_checks(
    schema: Schema, dataset: Dataset, today: date, known: Mapping[str, str] | None = None
) -> list[str]:
    """Checks that need the whole input: prefixes, references, date sanity.

    `known` maps ids already in the graph to their type, for inputs that add to it (imports).
    """
    problems: list[str] = []
    by_type = {name: {r.id for r in dataset.of(name)} for name in schema.types}
    for rid, type_name in (known or {}).items():
        by_type.setdefault(type_name, set()).add(rid)
    entities = set().union(*(by_type[n] for n, t in schema.types.items() if t.entity))
    for name, rt in schema.types.items():
        for loc in dataset.of(name):
            where = loc.place
            rec = loc.record
            prefix = loc.id.split(":", 1)[0]
            kind = getattr(rec, "kind", None)
            expected = rt.kinds[kind].prefix if kind in rt.kinds else None
            if expected and prefix != expected:
                problems.append(
                    f"{where}: a {kind} id must start with '{expected}:'. "
                    f"Fix: rename it to {expected}:{loc.id.split(':', 1)[1]}."
                )
            elif not rt.kinds and prefix != rt.name.lower():
                problems.append(
                    f"{where}: an {rt.name.lower()} id must start with "
                    f"'{rt.name.lower()}:'. Fix: rename it."
                )
            recorded = parse_day(rec.recorded_at)  # type: ignore[attr-defined]
            if recorded > today:
                problems.append(
                    f"{where}: recorded_at {recorded} is in the future. "
                    "Fix: use the day the record was written."
                )
            for prop in rt.props.values():
                value = getattr(rec, prop.name, None)
                if value is None:
                    continue
                if prop.type == "fuzzy_date":
                    fuzzy = parse_fuzzy(value)
                    if fuzzy.earliest and fuzzy.earliest > recorded:
                        problems.append(
                            f"{where}: {prop.name} '{value}' starts after recorded_at {recorded}; "
                            "an impossible date. Fix: correct the date or recorded_at."
                        )
                if prop.type in {"ref", "ref_list", "roles"}:
                    targets = by_type.get(prop.to or "", entities)
                    what = (
                        prop.to.lower() if prop.to and prop.to != "Any" else "actor or instrument"
                    )
                    if prop.type == "ref":
                        refs = [value]
                    elif prop.type == "ref_list":
                        refs = list(value)
                    else:
                        refs = [getattr(v, "actor", None) or v.id for v in value]
                    for ref in refs:
                        if ref == loc.id:
                            problems.append(
                                f"{where}: {prop.name} refers to the record itself. "
                                "Fix: remove that reference."
                            )
                        elif ref not in targets:
                            problems.append(
                                f"{where}: {prop.name} refers to unknown {what} '{ref}'. "
                                f"Fix: define a {what} with id '{ref}' or correct the id."
                            )
    return problems

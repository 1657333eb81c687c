"""Named Cypher queries: one .cypher file per question, its header parsed into a CannedQuery."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from govgraph.core.errors import BadParameter, GovGraphError, NotFound
from govgraph.core.ids import ID_PATTERN
from govgraph.core.values import to_json
from govgraph.graph.dates import parse_day
from govgraph.graph.schema import load_schema

QUERY_DIR = Path(__file__).parent
HEADER = re.compile(r"^//\s*(title|description|param|example|returns):\s*(.*)$")
PARAM_USE = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
NAME = re.compile(r"^[a-z][a-z0-9-]*$")
MAX_TEXT = 200
MAX_INT_PARAM = 100_000
# Only plain ASCII spellings: int() also takes fullwidth and Arabic-Indic digits, "1_2", " 12 ".
ASCII_INT = re.compile(r"\A(?:0|[1-9][0-9]{0,8})\Z")
ASCII_DAY = re.compile(r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
# Param types that take one of a fixed list of words.
CHOICES = {"standing": ("holdout", "declined", "withdrew", "any")}
PARAM_TYPES = ("id", "text", "date", "int", "bool", "kind", "event_type", "event_types", *CHOICES)
# What a row column holds, declared by `// returns: name type, ...` (the OpenAPI row schema).
RETURN_TYPES = ("text", "id", "date", "int", "bool", "list", "object", "sources")
TRUE, FALSE = ("true", "1", "yes", "on"), ("false", "0", "no", "off")
REQUIRED = "required"


@dataclass(frozen=True)
class Param:
    """One declared parameter: name, type and default (None when optional and unset)."""

    name: str
    type: str
    default: Any
    required: bool

    def coerce(self, raw: object) -> Any:
        """Turn request text into the typed value, or raise BadParameter naming the fix."""
        if raw is None or raw == "":
            if self.required:
                raise BadParameter(self.name, f"is required ({self.type})")
            return self.default
        if isinstance(raw, (dict, list)):
            raise BadParameter(self.name, f"must be a single {self.type} value")
        text = str(raw)
        if self.type == "event_types":  # a list: longer than one value may be
            return event_type_list(self.name, text)
        if len(text) > MAX_TEXT:
            raise BadParameter(self.name, f"is longer than {MAX_TEXT} characters")
        if self.type == "id":
            if not ID_PATTERN.match(text):
                raise BadParameter(self.name, f"'{text}' is not an id such as org:openai")
            return text
        if self.type == "date":
            if not ASCII_DAY.match(text):
                raise BadParameter(
                    self.name, f"'{text}' is not a date; write the day as YYYY-MM-DD in digits 0-9"
                )
            try:
                return parse_day(text)
            except ValueError as exc:
                raise BadParameter(self.name, f"{exc}") from None
        if self.type == "int":
            if not ASCII_INT.match(text):  # one spelling per number: one cache key per answer
                raise BadParameter(
                    self.name, f"'{text}' is not a whole number written in digits 0-9, such as 12"
                )
            value = int(text)
            if not 0 <= value <= MAX_INT_PARAM:
                raise BadParameter(self.name, f"{value} is outside 0..{MAX_INT_PARAM}")
            return value
        if self.type == "bool":
            if text.lower() not in TRUE + FALSE:
                raise BadParameter(self.name, f"'{text}' is not true or false")
            return text.lower() in TRUE
        if self.type == "kind":
            kinds = load_schema().entity_kinds
            if text != "any" and text not in kinds:
                raise BadParameter(
                    self.name,
                    f"'{text}' is not a kind; use any or one of {', '.join(sorted(kinds))}",
                )
            return text
        if self.type == "event_type":
            if text not in load_schema().event_types:
                raise BadParameter(
                    self.name,
                    f"'{text}' is not an event type; use one of "
                    f"{', '.join(load_schema().event_types)}",
                )
            return text
        if self.type in CHOICES and text not in CHOICES[self.type]:
            words = ", ".join(CHOICES[self.type])
            raise BadParameter(self.name, f"'{text}' is not a {self.type}; use one of {words}")
        return text


def event_type_list(name: str, text: str) -> list[str] | None:
    """A comma-separated list of event types, each checked against the schema."""
    known = load_schema().event_types
    if len(text) > MAX_TEXT * 4:
        raise BadParameter(name, f"is longer than {MAX_TEXT * 4} characters")
    wanted = list(dict.fromkeys(t.strip() for t in text.split(",") if t.strip()))
    for t in wanted:
        if t not in known:
            raise BadParameter(
                name,
                f"'{t}' is not an event type; list some of {', '.join(known)}, comma-separated",
            )
    return wanted or None


@dataclass(frozen=True)
class CannedQuery:
    """A named question: header metadata plus its Cypher body."""

    name: str
    title: str
    description: str
    params: tuple[Param, ...]
    cypher: str
    example: dict[str, str] = field(default_factory=dict)
    returns: tuple[tuple[str, str], ...] = ()

    def bind(self, raw: dict[str, Any]) -> dict[str, Any]:
        """Typed values for every declared parameter; unknown names are refused."""
        known = {p.name for p in self.params}
        for key in raw:
            if key not in known:
                raise BadParameter(
                    key,
                    f"is not a parameter of '{self.name}'; "
                    f"it takes {', '.join(sorted(known)) or 'none'}",
                )
        return {p.name: p.coerce(raw.get(p.name)) for p in self.params}

    def used_params(self) -> set[str]:
        body = "\n".join(line for line in self.cypher.splitlines() if not line.startswith("//"))
        return set(PARAM_USE.findall(body))


def _default(type_: str, text: str) -> tuple[Any, bool]:
    if text == REQUIRED:
        return None, True
    if text in {"", "null"}:
        return None, False
    if type_ == "int":
        return int(text), False
    if type_ == "date":
        return parse_day(text), False
    if type_ == "bool":
        return text.lower() in TRUE, False
    return text, False


def _returns(value: str, where: str) -> tuple[tuple[str, str], ...]:
    """The columns of a `// returns: name type, ...` line, or GovGraphError naming the line."""
    columns = []
    for item in value.split(","):
        parts = item.split()
        if len(parts) != 2 or parts[1] not in RETURN_TYPES:
            raise GovGraphError(
                f"{where}: bad returns entry '{item.strip()}'.",
                fix="write '// returns: name type, ...' with type one of "
                f"{', '.join(RETURN_TYPES)}.",
            )
        columns.append((parts[0], parts[1]))
    return tuple(columns)


def parse(path: Path) -> CannedQuery:
    """Parse one .cypher file; GovGraphError names the file and line when the header is wrong."""
    name = path.stem
    if not NAME.match(name):
        raise GovGraphError(f"{path}: query names are lowercase-with-dashes.", fix="rename it.")
    meta: dict[str, str] = {}
    params: list[Param] = []
    example: dict[str, str] = {}
    returns: tuple[tuple[str, str], ...] = ()
    for lineno, line in enumerate(path.read_text().splitlines(), 1):
        match = HEADER.match(line)
        if not match:
            continue
        key, value = match.group(1), match.group(2).strip()
        if key == "param":
            parts = value.split(None, 2)
            if len(parts) < 2 or parts[1] not in PARAM_TYPES:
                raise GovGraphError(
                    f"{path}:{lineno}: bad param line '{value}'.",
                    fix=f"write '// param: name type default' with type one of "
                    f"{', '.join(PARAM_TYPES)}.",
                )
            default, required = _default(parts[1], parts[2] if len(parts) > 2 else "")
            params.append(Param(parts[0], parts[1], default, required))
        elif key == "example":
            example = dict(pair.split("=", 1) for pair in value.split())
        elif key == "returns":
            returns += _returns(value, f"{path}:{lineno}")
        else:
            meta[key] = value
    for key in ("title", "description"):
        if not meta.get(key):
            raise GovGraphError(f"{path}: header has no '// {key}:' line.", fix="add one.")
    return CannedQuery(
        name, meta["title"], meta["description"], tuple(params), path.read_text(), example, returns
    )


@lru_cache(maxsize=1)
def registry() -> dict[str, CannedQuery]:
    """Every named query, by name."""
    return {q.name: q for q in (parse(p) for p in sorted(QUERY_DIR.glob("*.cypher")))}


def get(name: str) -> CannedQuery:
    """A named query, or NotFound listing the names there are."""
    try:
        return registry()[name]
    except KeyError:
        raise NotFound(
            f"No query named '{name[:100]}'.", fix=f"use one of: {', '.join(registry())}."
        ) from None


def run(
    db: Any,
    name: str,
    raw: dict[str, Any],
    timeout: float | None = None,
) -> tuple[CannedQuery, dict[str, Any], list[dict[str, Any]]]:
    """Bind and run a named query in a read transaction; rows come back JSON-ready."""
    from govgraph.graph.lookup import resolve_id
    from govgraph.queries.compare import PAIR_CHECKS

    query = get(name)
    params = query.bind(raw)
    # Ids resolve first: a merged record's former id answers as the kept record, and an
    # unknown id is NotFound with suggestions rather than zero rows.
    for p in query.params:
        if p.type == "id" and params[p.name] is not None:
            params[p.name] = resolve_id(db, params[p.name], param=p.name)
    if name in PAIR_CHECKS:  # a question about two records says so when they are no pair
        PAIR_CHECKS[name](db, params)
    rows = db.rows(query.cypher, params, timeout=timeout)
    return query, params, [to_json(r) for r in rows]


def render_markdown() -> str:
    """docs/queries.md: every named query with its parameters and how to call it."""
    lines = [
        "# Named queries",
        "",
        "Generated from the headers of `queries/*.cypher` (`govgraph queries --docs`); "
        "a test keeps this page in step with them.",
        "",
    ]
    for q in registry().values():
        example = " ".join(f"-p {k}={v}" for k, v in q.example.items())
        query_string = "&".join(f"{k}={v}" for k, v in q.example.items())
        lines += [
            f"## `{q.name}` — {q.title}",
            "",
            q.description,
            "",
            "| parameter | type | default |",
            "| --- | --- | --- |",
        ]
        for p in q.params:
            default = "required" if p.required else ("—" if p.default is None else str(p.default))
            lines.append(f"| `{p.name}` | {p.type} | {default} |")
        lines += [
            "",
            "```sh",
            f"govgraph query {q.name} {example}".rstrip(),
            f"curl 'http://127.0.0.1:8000/api/queries/{q.name}?{query_string}'",
            "```",
            "",
        ]
    return "\n".join(lines)

"""The read-only guard: what user Cypher and its parameters may be, before and after planning."""

from __future__ import annotations

import json
import re
from typing import Any

from govgraph.core.errors import BadParameter, QueryRejected

ALLOWED_PROCEDURES = {
    "db.labels",
    "db.relationshiptypes",
    "db.propertykeys",
    "db.schema.visualization",
    "db.index.fulltext.querynodes",
}
FORBIDDEN_WORDS = (
    "CREATE",
    "MERGE",
    "SET",
    "DELETE",
    "DETACH",
    "REMOVE",
    "DROP",
    "FOREACH",
    "LOAD",
    "ALTER",
    "GRANT",
    "DENY",
    "REVOKE",
    "RENAME",
    "START",
    "STOP",
    "TERMINATE",
    "USE",
    "SHOW",
    "ENABLE",
    "DISABLE",
    "TRANSACTIONS",
    "PERIODIC",
    "FINISH",
)
# One left-to-right scan: whichever of a string, a comment or a quoted name starts first wins,
# so "//" inside a string cannot hide the rest of a line (nor a quote inside a comment).
_OPAQUE = re.compile(
    r"(?P<str>'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")"
    r"|(?P<comment>//[^\n]*|/\*.*?(?:\*/|\Z))"
    r"|(?P<name>`(?:[^`]|``)*`)",
    re.S,
)
_UNCLOSED = re.compile(r"['\"`]")
_WORD = re.compile(r"\b(" + "|".join(FORBIDDEN_WORDS) + r")\b", re.I)
_CALL = re.compile(r"\bCALL\s+([A-Za-z_][\w.]*)", re.I)
_FUNC_NS = re.compile(r"\b(apoc|dbms|gds|db)\s*\.\s*([\w.]+)\s*\(", re.I)
MAX_PARAMS = 50
MAX_PARAM_BYTES = 64 * 1024


def _strip(text: str) -> str:
    """The query without comments, string literals and quoted names (so words in them pass)."""

    def opaque(match: re.Match[str]) -> str:
        return {"str": "''", "comment": " ", "name": "x"}[str(match.lastgroup)]

    bare = _OPAQUE.sub(opaque, text)
    if _UNCLOSED.search(bare.replace("''", "")):
        raise QueryRejected("The query has an unclosed quote.", fix="close every ' \" and `.")
    return bare


def lexical_check(cypher: str, max_chars: int) -> None:
    """Refuse anything that is not plainly a read before it reaches the server."""
    if not cypher.strip():
        raise QueryRejected("The query is empty.", fix="write a MATCH ... RETURN query.")
    if len(cypher) > max_chars:
        raise QueryRejected(
            f"The query is {len(cypher):,} characters; the limit is {max_chars:,}.",
            fix="shorten it, or use a named query.",
        )
    bare = _strip(cypher)
    word = _WORD.search(bare)
    if word:
        raise QueryRejected(
            f"'{word.group(1).upper()}' is not allowed: this endpoint runs read-only queries.",
            fix="use MATCH, OPTIONAL MATCH, WITH, WHERE, RETURN, UNWIND and CALL { } subqueries.",
        )
    for match in _CALL.finditer(bare):
        name = match.group(1).lower()
        if name not in ALLOWED_PROCEDURES:
            raise QueryRejected(
                f"Procedure '{match.group(1)}' is not allowed.",
                fix=f"allowed: {', '.join(sorted(ALLOWED_PROCEDURES))}.",
            )
    for func in _FUNC_NS.finditer(bare):
        name = f"{func.group(1)}.{func.group(2)}"
        if name.lower() not in ALLOWED_PROCEDURES:
            raise QueryRejected(
                f"Function or procedure '{name}' is not allowed.",
                fix="use Cypher's built-in functions.",
            )


def check_params(params: dict[str, Any]) -> None:
    """Bound the size and shape of user parameters."""
    if not isinstance(params, dict):
        raise BadParameter("params", "must be a JSON object")
    if len(params) > MAX_PARAMS:
        raise BadParameter("params", f"{len(params)} parameters; at most {MAX_PARAMS}")
    size = len(json.dumps(params, default=str))
    if size > MAX_PARAM_BYTES:
        raise BadParameter("params", f"{size:,} bytes; at most {MAX_PARAM_BYTES:,}")
    for key, value in params.items():
        if not re.match(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$", key):
            raise BadParameter(key[:64], "parameter names are letters, digits and _")
        _check_values(key, value)


def check_plan(plan: dict[str, Any]) -> None:
    """The second line of defence: the plan may load no CSV and call only allowed procedures."""
    operator = str(plan.get("operatorType", "")).split("@")[0]
    details = str((plan.get("args") or plan.get("arguments") or {}).get("Details", ""))
    if operator == "LoadCSV":
        raise QueryRejected("LOAD CSV is not allowed.", fix="query the graph itself.")
    if operator.startswith("ProcedureCall"):
        name = details.split("(", 1)[0].strip().lower()
        if name not in ALLOWED_PROCEDURES:
            raise QueryRejected(
                f"Procedure '{name}' is not allowed.",
                fix=f"allowed: {', '.join(sorted(ALLOWED_PROCEDURES))}.",
            )
    for child in plan.get("children") or []:
        check_plan(child)


MAX_INT = 2**63 - 1


def _check_text(name: str, text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # e.g. a lone surrogate, which JSON can carry as an escape
        raise BadParameter(name, "text must be valid Unicode (no lone surrogates)") from None


def _check_values(name: str, value: Any) -> None:
    if isinstance(value, str):
        _check_text(name, value)
    elif isinstance(value, bool) or value is None or isinstance(value, float):
        return
    elif isinstance(value, int):
        if not -MAX_INT - 1 <= value <= MAX_INT:
            raise BadParameter(name, "integers must fit in 64 bits")
    elif isinstance(value, list):
        for item in value:
            _check_values(name, item)
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_text(name, str(key))
            _check_values(name, item)

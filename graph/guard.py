"""The read-only guard: what user Cypher and its parameters may be, before and after planning.

What the server allows on its own (Neo4j 5.26 Community, probed): user Cypher runs in a READ
session and a READ transaction, and the server then refuses every write to the graph and to the
schema ("Writing in read access mode not allowed", Neo.ClientError.Statement.AccessMode). That is
the least privilege Community offers: it has no roles, so every user is an administrator, and a
READ transaction still lists settings, other clients' running queries with their parameters,
users and databases (the SHOW commands), terminates other clients' transactions (TERMINATE) and
calls dbms.listConfig and the db.stats procedures. The parser also decodes `\\uXXXX` escapes
anywhere in the text, keywords and comment ends included, so spelling cannot be trusted. Hence
three checks of our own:

- `lexical_check` before the text reaches Neo4j: no escapes, a read clause first, no forbidden
  words, only allowed procedures, and bounded nesting (deep nesting overflows Neo4j's stack and
  hangs the connection instead of failing);
- `check_params`: parameter names, sizes and nesting;
- `check_plan` on the EXPLAIN plan: every operator must be on an allowlist of read operators.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from govgraph.core.errors import BadParameter, QueryRejected
from govgraph.core.values import depth

ALLOWED_PROCEDURES = {
    "db.labels",
    "db.relationshiptypes",
    "db.propertykeys",
    "db.schema.visualization",
    "db.index.fulltext.querynodes",
}
# Words that start a write, schema, admin or import clause wherever they stand, and phrases for
# words that are also fair names (`AS start`, `ORDER BY end`).
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
    "TERMINATE",
    "USE",
    "SHOW",
    "FINISH",
    "PERIODIC",
)
FORBIDDEN_PHRASES = (
    r"(?:START|STOP)\s+DATABASES?",
    r"(?:ENABLE|DISABLE|DEALLOCATE|REALLOCATE)\s+SERVERS?",
    r"RENAME\s+(?:USER|ROLE|SERVER|DATABASE|ALIAS)",
    r"IN\s+(?:\d+\s+)?(?:CONCURRENT\s+)?TRANSACTIONS",
)
READ_CLAUSES = ("MATCH", "OPTIONAL", "WITH", "UNWIND", "RETURN", "CALL")
# Operators of EXPLAIN plans that only read, gathered by planning every named query, every
# internal read and a corpus of typical reads (tests/test_attack_guard.py). Anything else (Show*,
# Terminate*, AdministrationCommand, Create*, Merge, Set*, Delete, LoadCSV, Foreach,
# TransactionApply, the (Locking) seeks of writes...) is refused, as is any operator Neo4j adds
# later until it is listed here.
READ_OPERATORS = frozenset(
    {
        # rows in and out
        "ProduceResults", "Projection", "Filter", "CacheProperties", "Argument", "EmptyRow",
        "Unwind", "Optional", "ProjectEndpoints",
        # node scans and seeks
        "AllNodesScan", "NodeByLabelScan", "UnionNodeByLabelsScan",
        "IntersectionNodeByLabelsScan", "SubtractionNodeByLabelsScan", "NodeByIdSeek",
        "NodeByElementIdSeek", "NodeIndexSeek", "NodeIndexSeekByRange", "NodeIndexScan",
        "NodeIndexContainsScan", "NodeIndexEndsWithScan", "NodeUniqueIndexSeek",
        "NodeUniqueIndexSeekByRange", "MultiNodeIndexSeek", "AssertSameNode",
        "NodeCountFromCountStore", "RelationshipCountFromCountStore",
        # relationship scans and seeks
        "DirectedAllRelationshipsScan", "UndirectedAllRelationshipsScan",
        "DirectedRelationshipTypeScan", "UndirectedRelationshipTypeScan",
        "DirectedUnionRelationshipTypesScan", "UndirectedUnionRelationshipTypesScan",
        "DirectedRelationshipByIdSeek", "UndirectedRelationshipByIdSeek",
        "DirectedRelationshipByElementIdSeek", "UndirectedRelationshipByElementIdSeek",
        "DirectedRelationshipIndexSeek", "UndirectedRelationshipIndexSeek",
        "DirectedRelationshipIndexSeekByRange", "UndirectedRelationshipIndexSeekByRange",
        "DirectedRelationshipIndexScan", "UndirectedRelationshipIndexScan",
        # expanding and paths
        "Expand(All)", "Expand(Into)", "OptionalExpand(All)", "OptionalExpand(Into)",
        "VarLengthExpand(All)", "VarLengthExpand(Into)", "VarLengthExpand(Pruning)",
        "VarLengthExpand(Pruning,BFS,All)", "VarLengthExpand(Pruning,BFS,Into)",
        "ShortestPath", "StatefulShortestPath(All)", "StatefulShortestPath(Into)",
        "Repeat(Trail)", "TriadicSelection",
        # joining and subqueries
        "Apply", "SemiApply", "AntiSemiApply", "LetSemiApply", "LetAntiSemiApply",
        "SelectOrSemiApply", "SelectOrAntiSemiApply", "LetSelectOrSemiApply",
        "LetSelectOrAntiSemiApply", "ConditionalApply", "AntiConditionalApply", "RollUpApply",
        "CartesianProduct", "NodeHashJoin", "ValueHashJoin", "NodeLeftOuterHashJoin",
        "NodeRightOuterHashJoin", "Union", "OrderedUnion",
        # aggregating, ordering, paging
        "EagerAggregation", "OrderedAggregation", "Distinct", "OrderedDistinct", "Sort",
        "PartialSort", "Top", "PartialTop", "Top1WithTies", "Limit", "Skip",
        # checked against ALLOWED_PROCEDURES
        "ProcedureCall",
    }
)  # fmt: skip
MAX_PARAMS = 50
MAX_PARAM_BYTES = 64 * 1024
MAX_PARAM_DEPTH = 32
MAX_INT = 2**63 - 1
# Nesting limits, far below where Neo4j 5.26 overflows its stack (about 250 levels of lists,
# maps, CASE or chained operators) or takes seconds to plan (nested subqueries, about 8).
MAX_NESTING = 50  # open brackets and CASE ... END at once
MAX_DEPTH = 100  # brackets plus chained operators along one path of the expression tree
MAX_SUBQUERY_NESTING = 5  # CALL { }, EXISTS { }, COUNT { }, COLLECT { } inside one another
PARAM_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")

# One left-to-right scan: whichever of a string, a comment or a quoted name starts first wins,
# so "//" inside a string cannot hide the rest of a line (nor a quote inside a comment). A line
# comment ends at any line break: Neo4j ends it at "\r" too, and ending early only shows more.
_OPAQUE = re.compile(
    r"(?P<str>'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")"
    r"|(?P<comment>//[^\n\r\v\f\x1c-\x1e\x85\u2028\u2029]*|/\*.*?(?:\*/|\Z))"
    r"|(?P<name>`(?:[^`]|``)*`)",
    re.S,
)
_QUOTE = re.compile(r"['\"`]")
_UNICODE_ESCAPE = re.compile(r"\\[uU]")
_WORD = re.compile(r"\b(?:" + "|".join(FORBIDDEN_WORDS + FORBIDDEN_PHRASES) + r")\b", re.I)
_CALL = re.compile(r"\bCALL\s+([A-Za-z_][\w.]*)", re.I)
_FUNC_NS = re.compile(r"\b(apoc|dbms|gds|db)\s*\.\s*([\w.]+)\s*\(", re.I)
_FIRST = re.compile(r"\s*([^\W\d]\w*|\S?)")
_TOKEN = re.compile(
    r"(?P<num>\d+(?:\.\d+)?\w*)|(?P<word>[^\W\d]\w*)|(?P<lit>'[^']*')"
    r"|(?P<open>[(\[{])|(?P<close>[)\]}])|(?P<sep>[,;])|(?P<op>[^\s\w$])"
)
# Words that end one expression and start a sibling (no deeper in the tree), and prefix
# keyword operators that nest like symbols do.
_SEPARATORS = frozenset(
    {
        "AND", "OR", "XOR", "WHEN", "THEN", "ELSE", "AS", "MATCH", "OPTIONAL", "WHERE", "RETURN",
        "WITH", "UNWIND", "ORDER", "BY", "SKIP", "LIMIT", "CALL", "UNION", "ALL", "YIELD",
        "DISTINCT", "ASC", "DESC", "ASCENDING", "DESCENDING",
    }
)  # fmt: skip
_OPERATOR_WORDS = frozenset({"NOT", "IN", "IS", "STARTS", "ENDS", "CONTAINS"})
_SUBQUERY_WORDS = frozenset({"EXISTS", "COUNT", "COLLECT", "CALL"})


def _place(text: str, offset: int) -> str:
    """'line L, column C' of an offset in the query."""
    line = text.count("\n", 0, offset) + 1
    return f"line {line}, column {offset - (text.rfind(chr(10), 0, offset) + 1) + 1}"


def _shown(text: str, limit: int = 64) -> str:
    """User text safe to echo in any error: cut short, lone surrogates written as escapes."""
    return text[:limit].encode("utf-8", "backslashreplace").decode("utf-8")


def _refuse_escape(text: str, offset: int, what: str) -> QueryRejected:
    return QueryRejected(
        f"The query has {what} ({_place(text, offset)}). Neo4j decodes \\u escapes before it "
        f"reads keywords, names, comments and strings, so escapes are refused.",
        fix="type the characters themselves, or pass the text as a $parameter.",
    )


# Escapes: refusing them is simpler and safer than decoding them exactly as Neo4j does (it
# decodes \uXXXX anywhere before lexing, only after an even run of backslashes, and fails on
# short ones, so `'a\u0027 ...` ends a string and `*\u002F` a comment). So a backslash outside a
# string literal is refused, and so is \u or \U inside one; the escapes left (\' \" \\ \n ...)
# are read inside the string by both sides and cannot end it early. With no \u left, Neo4j
# lexes exactly the text this scan lexes.
def _scan(text: str) -> tuple[str, str]:
    """The query with strings, comments and quoted names blanked (same length), and with names."""
    bare: list[str] = []
    named: list[str] = []
    pos = 0
    for match in [*_OPAQUE.finditer(text), None]:
        start = match.start() if match else len(text)
        code = text[pos:start]
        if "\\" in code:
            raise _refuse_escape(text, pos + code.index("\\"), "a backslash outside a string")
        quote = _QUOTE.search(code)
        if quote:
            raise QueryRejected(
                f"The query has an unclosed quote ({_place(text, pos + quote.start())}).",
                fix="close every ' \" and `.",
            )
        bare.append(code)
        named.append(code)
        if match is None:
            break
        piece, kind = match.group(), match.lastgroup
        if kind == "str":
            escape = _UNICODE_ESCAPE.search(piece)
            if escape:
                raise _refuse_escape(text, start + escape.start(), "a \\u escape in a string")
            bare.append("'" + "_" * (len(piece) - 2) + "'")  # same length: offsets still hold
            named.append("''")
        else:
            if "\\" in piece:
                where = "a backslash in a " + ("comment" if kind == "comment" else "`quoted` name")
                raise _refuse_escape(text, start + piece.index("\\"), where)
            bare.append((" " if kind == "comment" else "x") * len(piece))
            named.append(" " if kind == "comment" else piece[1:-1].replace("``", "`"))
        pos = match.end()
    return "".join(bare), "".join(named)


def lexical_check(cypher: str, max_chars: int) -> None:
    """Refuse anything that is not plainly a read before it reaches the server."""
    if not cypher.strip():
        raise QueryRejected("The query is empty.", fix="write a MATCH ... RETURN query.")
    if len(cypher) > max_chars:
        raise QueryRejected(
            f"The query is {len(cypher):,} characters; the limit is {max_chars:,}.",
            fix="shorten it, or use a named query.",
        )
    try:
        cypher.encode("utf-8")
    except UnicodeEncodeError as exc:  # JSON can carry a lone surrogate as an escape
        raise QueryRejected(
            f"The query is not valid Unicode: a lone surrogate ({_place(cypher, exc.start)}).",
            fix="remove it, or write the whole character it was part of.",
        ) from None
    bare, named = _scan(cypher)
    word = _WORD.search(bare)
    if word:
        raise QueryRejected(
            f"'{_shown(' '.join(word.group().split()).upper())}' is not allowed: this endpoint "
            f"runs read-only queries ({_place(cypher, word.start())}).",
            fix="use MATCH, OPTIONAL MATCH, WITH, WHERE, RETURN, UNWIND and CALL { } subqueries.",
        )
    _check_start(bare)
    _check_calls(named)
    _check_nesting(bare)


def _check_start(bare: str) -> None:
    """The first clause must be a read: no CYPHER, EXPLAIN, PROFILE or USE prefix."""
    first = _FIRST.match(bare)
    word = first.group(1) if first else ""
    if word.upper() not in READ_CLAUSES:
        raise QueryRejected(
            f"The query starts with '{_shown(word, 20)}'; it must start with a read clause.",
            fix="start with MATCH, OPTIONAL MATCH, WITH, UNWIND, RETURN or CALL "
            "(no CYPHER, EXPLAIN or PROFILE prefix).",
        )


def _check_calls(named: str) -> None:
    """Procedures and namespaced functions only from the allowlist, quoted names included."""
    for match in _CALL.finditer(named):
        name = match.group(1).lower()
        if name not in ALLOWED_PROCEDURES:
            raise QueryRejected(
                f"Procedure '{_shown(match.group(1))}' is not allowed.",
                fix=f"allowed: {', '.join(sorted(ALLOWED_PROCEDURES))}.",
            )
    for func in _FUNC_NS.finditer(named):
        name = f"{func.group(1)}.{func.group(2)}"
        if name.lower() not in ALLOWED_PROCEDURES:
            raise QueryRejected(
                f"Function or procedure '{_shown(name)}' is not allowed.",
                fix="use Cypher's built-in functions.",
            )


@dataclass
class _Level:
    """One open bracket or CASE while measuring nesting."""

    closer: str
    subquery: bool = False  # the { } of CALL, EXISTS, COUNT or COLLECT
    call_scope: bool = False  # the ( ) of CALL (x) { ... }
    chain: int = 0  # operators in the current expression at this level
    longest: int = 0  # the longest such chain at this level
    deepest: int = 0  # the depth of the deepest level inside this one


_CLOSERS = {"(": ")", "[": "]", "{": "}", "CASE": "END"}


# The depth adds, along each path, one per bracket or CASE and the longest chain of operators at
# each level (a + b + c is as deep as [[[c]]] to Neo4j's parser and plan printer). It is an upper
# bound: siblings within one level are not told apart.
def nesting(bare: str) -> tuple[int, int, int]:
    """(brackets open at most, expression depth, subqueries inside one another) of a query."""
    levels = [_Level("")]
    most = subqueries = most_subqueries = 0
    previous = ""
    after_scope = False
    for token in _TOKEN.finditer(bare):
        kind, text = token.lastgroup, token.group()
        top = levels[-1]
        word = text.upper() if kind == "word" else ""
        if word == "CASE":
            kind = "open"
        elif word == "END" and top.closer == "END":
            kind = "close"
        elif word in _OPERATOR_WORDS:
            kind = "op"
        elif word in _SEPARATORS:
            kind = "sep"
        if kind == "op":
            top.chain += 1
            top.longest = max(top.longest, top.chain)
        elif kind == "sep":
            top.chain = 0
        elif kind == "open":
            sub = text == "{" and (previous in _SUBQUERY_WORDS or after_scope)
            scope = text == "(" and previous == "CALL"
            levels.append(_Level(_CLOSERS[word or text], subquery=sub, call_scope=scope))
            subqueries += sub
            most, most_subqueries = max(most, len(levels) - 1), max(most_subqueries, subqueries)
        elif kind == "close" and len(levels) > 1:
            _close(levels)
            subqueries -= top.subquery
        after_scope = kind == "close" and top.call_scope
        previous = word or text
    while len(levels) > 1:  # unclosed brackets count as closed at the end
        _close(levels)
    return most, levels[0].longest + levels[0].deepest, most_subqueries


def _close(levels: list[_Level]) -> None:
    level = levels.pop()
    levels[-1].deepest = max(levels[-1].deepest, 1 + level.longest + level.deepest)


def _check_nesting(bare: str) -> None:
    """Refuse queries nested deep enough to trouble Neo4j's parser or planner."""
    most, deep, subqueries = nesting(bare)
    if most > MAX_NESTING:
        raise QueryRejected(
            f"The query nests brackets or CASE {most} levels deep; the limit is {MAX_NESTING}.",
            fix="flatten it: build deep values with UNWIND, WITH or a $parameter instead.",
        )
    if subqueries > MAX_SUBQUERY_NESTING:
        raise QueryRejected(
            f"The query nests subqueries {subqueries} levels deep; the limit is "
            f"{MAX_SUBQUERY_NESTING}.",
            fix="chain the subqueries one after another with WITH instead of inside each other.",
        )
    if deep > MAX_DEPTH:
        raise QueryRejected(
            f"The query's expressions are {deep} levels deep (brackets and chained operators); "
            f"the limit is {MAX_DEPTH}.",
            fix="split long chains of operators or properties over several WITH clauses.",
        )


def check_params(params: dict[str, Any]) -> None:
    """Bound the size and shape of user parameters."""
    if not isinstance(params, dict):
        raise BadParameter("params", "must be a JSON object")
    if len(params) > MAX_PARAMS:
        raise BadParameter("params", f"{len(params)} parameters; at most {MAX_PARAMS}")
    for key, value in params.items():
        if not isinstance(key, str) or not PARAM_NAME.fullmatch(key):
            raise BadParameter(_shown(str(key)), "parameter names are letters, digits and _")
        levels = depth(value)
        if levels > MAX_PARAM_DEPTH:
            raise BadParameter(
                key, f"is nested {levels} levels deep; at most {MAX_PARAM_DEPTH} levels"
            )
    size = len(json.dumps(params, default=str))
    if size > MAX_PARAM_BYTES:
        raise BadParameter("params", f"{size:,} bytes; at most {MAX_PARAM_BYTES:,}")
    for key, value in params.items():
        _check_values(key, value)


def check_plan(plan: dict[str, Any]) -> None:
    """The second line of defence: every operator of the plan must be a read on the allowlist."""
    if not plan:
        raise QueryRejected("Neo4j returned no plan for this query.", fix="write a MATCH query.")
    others: list[str] = []
    stack = [plan]
    while stack:  # a loop, not recursion: plans of long queries are deep
        node = stack.pop()
        operator = str(node.get("operatorType", "")).split("@")[0]
        details = str((node.get("args") or node.get("arguments") or {}).get("Details", ""))
        if operator == "LoadCSV":
            raise QueryRejected("LOAD CSV is not allowed.", fix="query the graph itself.")
        if operator == "ProcedureCall":
            name = details.split("(", 1)[0].strip().lower()
            if name not in ALLOWED_PROCEDURES:
                raise QueryRejected(
                    f"Procedure '{_shown(name)}' is not allowed.",
                    fix=f"allowed: {', '.join(sorted(ALLOWED_PROCEDURES))}.",
                )
        elif operator not in READ_OPERATORS and operator not in others:
            others.append(operator)
        stack.extend(reversed(node.get("children") or []))
    if others:
        names = ", ".join(f"'{_shown(o, 80)}'" for o in others[:5])
        raise QueryRejected(
            f"The plan uses the operator(s) {names}, which do not only read the graph: this "
            f"endpoint runs only reads.",
            fix="use MATCH ... RETURN; SHOW, TERMINATE, schema, admin and write commands are "
            "not available here.",
        )


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

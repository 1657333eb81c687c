"""Attacks on the read-only guard through POST /api/cypher, and what it must still let through.

Escapes in every position, every SHOW/TERMINATE/admin command (also lower-case and escaped),
deep nesting, the inputs that used to give a 500; each refusal leaves the graph as it was.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from neo4j import READ_ACCESS
from neo4j.exceptions import ClientError

from govgraph import queries
from govgraph.core import cypher
from govgraph.core.errors import BadParameter, QueryRejected, ResultTooDeep
from govgraph.core.values import MAX_DEPTH, depth, to_json
from govgraph.graph import guard, readonly
from govgraph.graph.db import Database
from govgraph.graph.revision import graph_fingerprint

# Each decodes, inside Neo4j, to something the guard refuses or must not let through unseen.
ESCAPES = {
    "keyword": r"SHO\u0057 SETTINGS",
    "keyword-lower": r"sho\u0077 settings",
    "keyword-terminate": r"TERMINAT\u0045 TRANSACTION\u0053 'neo4j-transaction-1'",
    "keyword-first-letter": r"\u0053HOW TRANSACTIONS",
    "keyword-in-read": r"MATCH (n) \u0053ET n.x = 1",
    "identifier": r"MATCH (n) RETURN count(n) AS \u0063",
    "whitespace": r"RETURN\u00201 AS x",
    "comma": r"RETURN 1 AS x\u002C 2 AS y",
    "block-comment-end": r"RETURN 1 AS x /* *\u002F , 2 AS y /* */",
    "line-comment-end": r"RETURN 1 AS x // \u000a SHOW SETTINGS",
    "string-end": r"RETURN 'a\u0027 AS z, 3 AS q //' AS s",
    "string-backslash": r"RETURN 'a\u005C' AS s, 'b' AS t",
    "string-upper-u": r"RETURN 'a\U0041' AS s",
    "string-double-quote": r'RETURN "a\u0022 AS z //" AS s',
    "backtick-name": r"RETURN 1 AS `a\u0060b`",
    "backtick-name-end": r"RETURN 1 AS `a\u0060 AS z, 3 AS q //` AS s",
    "stray-backslash": "MATCH (n) RETURN n \\ 2",
}
ADMIN = [
    "SHOW TRANSACTIONS",
    "SHOW TRANSACTIONS YIELD transactionId, currentQuery, parameters RETURN *",
    "SHOW SETTINGS",
    "SHOW SETTINGS YIELD name, value WHERE name STARTS WITH 'server.directories' RETURN *",
    "SHOW PROCEDURES",
    "SHOW FUNCTIONS",
    "SHOW INDEXES",
    "SHOW CONSTRAINTS",
    "SHOW DATABASES",
    "SHOW USERS",
    "SHOW CURRENT USER",
    "SHOW ROLES",
    "SHOW PRIVILEGES",
    "SHOW SERVERS",
    "SHOW ALIASES FOR DATABASES",
    "TERMINATE TRANSACTIONS 'neo4j-transaction-1'",
    "CREATE USER evil SET PASSWORD 'secret-password'",
    "DROP USER neo4j",
    "ALTER USER neo4j SET PASSWORD 'secret-password'",
    "ALTER CURRENT USER SET PASSWORD FROM 'a' TO 'b'",
    "RENAME USER neo4j TO evil",
    "CREATE DATABASE evil",
    "DROP DATABASE neo4j",
    "ALTER DATABASE neo4j SET ACCESS READ ONLY",
    "CREATE INDEX evil FOR (n:Evil) ON (n.x)",
    "DROP INDEX actor_id",
    "CREATE CONSTRAINT evil FOR (n:Evil) REQUIRE n.x IS UNIQUE",
    "DROP CONSTRAINT actor_id",
    "GRANT ROLE admin TO evil",
    "DENY READ {*} ON GRAPH * TO reader",
    "REVOKE ROLE admin FROM neo4j",
    "START DATABASE neo4j",
    "STOP DATABASE neo4j",
    "ENABLE SERVER 'x'",
    "DISABLE SERVER 'x'",
    "CALL dbms.listConfig()",
    "CALL dbms.components()",
    "CALL db.stats.retrieve('QUERIES')",
    "CALL db.awaitIndexes()",
    "CALL db.clearQueryCaches()",
    "CALL { CREATE (n:Evil) } IN TRANSACTIONS",
]
# Harmless even if run, so they can be sent with the lexical check switched off.
PLAN_ONLY = [
    ("SHOW TRANSACTIONS", "ShowTransactions"),
    ("SHOW SETTINGS", "ShowSettings"),
    ("SHOW PROCEDURES", "ShowProcedures"),
    ("SHOW FUNCTIONS", "ShowFunctions"),
    ("SHOW INDEXES", "ShowIndexes"),
    ("SHOW CONSTRAINTS", "ShowConstraints"),
    ("SHOW USERS", "AdministrationCommand"),
    ("SHOW DATABASES", "AdministrationCommand"),
    ("TERMINATE TRANSACTIONS 'neo4j-transaction-999999'", "TerminateTransactions"),
    ("CREATE INDEX evil FOR (n:Evil) ON (n.x)", "CreateIndex"),
    ("DROP CONSTRAINT no_such_constraint IF EXISTS", "DropConstraint"),
    ("MATCH (n:Actor) SET n.x = 1", "SetProperty"),
    ("MATCH (n:Actor) FOREACH (x IN [1] | SET n.x = x)", "Foreach"),
    ("MERGE (n:Evil {x: 1})", "Merge"),
    ("MATCH (n) FINISH", "EmptyResult"),
    ("CALL dbms.listConfig()", "Procedure 'dbms.listconfig'"),
    ("CALL db.stats.retrieve('QUERIES')", "Procedure 'db.stats.retrieve'"),
]
NESTED = {
    "lists": "RETURN " + "[" * 3000 + "1" + "]" * 3000 + " AS x",
    "maps": "RETURN " + "{a: " * 3000 + "1" + "}" * 3000 + " AS x",
    "parentheses": "RETURN " + "(" * 3000 + "1" + ")" * 3000 + " AS x",
    "unclosed": "RETURN " + "[" * 3000,
    "case": "RETURN " + "CASE WHEN true THEN " * 300 + "1" + " END" * 300 + " AS x",
    "not": "RETURN " + "NOT " * 1000 + "true AS x",
    "properties": "WITH {a: 1} AS m RETURN m" + ".a" * 300 + " AS x",
    "concatenation": "RETURN 'a'" + " + 'a'" * 250 + " AS x",
    "labels": "MATCH (n:A" + ":A" * 2000 + ") RETURN n",
    "label-negation": "MATCH (n:" + "!" * 600 + "A) RETURN n",
    "pattern": "MATCH (a)" + "--()" * 3000 + " RETURN a",
    "subqueries": "RETURN " + "EXISTS { MATCH (n) WHERE " * 20 + "true" + " }" * 20 + " AS x",
}
# Reads a journalist may write: their plans cover the operators of the allowlist.
READS = [
    "MATCH (a:Lab)-[r:PARTY_TO]->(p:Program) RETURN a.name, p.name, r.date",
    "MATCH (n) RETURN count(n) AS n",
    "MATCH ()-[r]->() RETURN count(r) AS n",
    "MATCH (n:Actor) WHERE n.id STARTS WITH 'org:' RETURN n.id ORDER BY n.id LIMIT 5",
    "MATCH (n:Actor) WHERE n.id CONTAINS 'meta' RETURN n.id",
    "MATCH (n:Actor {id: 'org:meta'}), (m:Actor {id: 'agency:caisi'}) RETURN n.name, m.name",
    "MATCH (n:Actor {id: 'org:meta'}) OPTIONAL MATCH (n)-[r]->(m) RETURN type(r), m.id",
    "MATCH (n:Actor {id: 'org:meta'})-[*1..2]-(m) RETURN count(DISTINCT m) AS n",
    "MATCH p = shortestPath((a:Actor {id: 'org:meta'})-[*..6]-(b:Actor {id: 'agency:caisi'}))"
    " RETURN length(p) AS hops",
    "MATCH p = SHORTEST 1 (a:Actor {id: 'org:meta'})-[]-+(b:Actor {id: 'agency:caisi'})"
    " RETURN length(p) AS hops",
    "MATCH (a:Actor {id: 'org:meta'}) ((x)-[r]->(y:Actor)-[s]->(z)){1,3} (b) RETURN count(*) AS n",
    "MATCH (a:Actor) WHERE NOT EXISTS { (a)-[:PARTY_TO]->() } RETURN count(a) AS n",
    "MATCH (a:Actor) RETURN a.id, COUNT { (a)--() } AS degree ORDER BY degree DESC LIMIT 3",
    "MATCH (a:Actor) RETURN a.id, COLLECT { MATCH (a)-->(b) RETURN b.id } AS out LIMIT 3",
    "MATCH (a:Actor) CALL (a) { MATCH (a)-->(b) RETURN count(b) AS out } RETURN a.id, out LIMIT 3",
    "MATCH (a:Actor) RETURN a.id, [(a)-->(b) | b.id] AS out LIMIT 3",
    "MATCH (a:Lab) RETURN a.id UNION MATCH (a:Agency) RETURN a.id",
    "UNWIND [1, 2, 3] AS x RETURN x, reduce(s = 0, y IN range(1, x) | s + y) AS s",
    "WITH 1 AS x RETURN CASE WHEN x > 0 THEN 'pos' ELSE 'neg' END AS sign",
    "MATCH (e:Event) RETURN e.type, count(*) AS n ORDER BY n DESC SKIP 1 LIMIT 3",
    "MATCH (e:Event) WHERE e.date_earliest >= date('2025-01-01') RETURN e.id ORDER BY e.id",
    "MATCH (a)-[r:PARTY_TO]->(b) WHERE r.event_id = 'x' RETURN a.id",
    "MATCH ()-[r:PARTY_TO|PRESSED]->() RETURN type(r), count(*) AS n",
    "MATCH (a:Lab|Agency) RETURN count(a) AS n",
    "MATCH (a:Organization&!Lab) RETURN count(a) AS n",
    "MATCH (a:Actor), (b:Program) WHERE a.name = b.name RETURN a.id",
    "MATCH (a:Actor)-->(b)-->(c) WHERE NOT (a)-->(c) RETURN count(*) AS n",
    "MATCH (n) WHERE elementId(n) = '4:x:0' RETURN n",
    "MATCH (a:Actor)-->(x)<--(b:Actor) USING JOIN ON x RETURN count(*) AS n",
    "MATCH (a:Actor) OPTIONAL MATCH (a)-->(b:Program) USING JOIN ON a RETURN count(*) AS n",
    "MATCH (a:Actor) WHERE a.kind = 'lab' OR EXISTS { (a)-->(:Program) } RETURN a.id",
    "MATCH (n:Actor) WHERE n.id STARTS WITH 'org' RETURN n.id ORDER BY n.id, n.name LIMIT 3",
    "MATCH (a:Actor) WITH a.kind AS k, collect(a.id) AS ids RETURN k, size(ids) AS n",
    "MATCH (a)-[r]->(b) RETURN a.id AS start, b.id AS end ORDER BY start, end LIMIT 3",
    "CALL db.labels() YIELD label RETURN label ORDER BY label",
    "CALL db.index.fulltext.queryNodes('entity_search', 'meta') YIELD node RETURN node.id",
    "// a comment first\nMATCH (n:Actor) /* and one here */ RETURN count(n) AS n",
    "RETURN " + "[" * 40 + "1" + "]" * 40 + " AS forty",
]
STRING_ESCAPES = "RETURN 'O\\'Brien' AS s, \"say \\\"hi\\\"\" AS t, 'tab\\there' AS u, '//' AS v"
# Internal statements that read but are schema or server introspection, not a user's read.
INTROSPECTION = {"await-indexes", "constraint-names", "index-names"}
SLOT_VALUES = {
    "label": "Actor",
    "start": "Actor",
    "end": "Instrument",
    "type": "PARTY_TO",
    "types": "PARTY_TO|PRESSED",
    "record": "Record",
    "name": "evil_name",
    "property": "id",
    "labels": "Event|Source",
}


def post(client: TestClient, query: str, params: object = None) -> Any:
    return client.post("/api/cypher", json={"query": query, "params": params or {}})


def refusal(client: TestClient, query: str, params: object = None, status: int = 400) -> Any:
    """Send a query and assert it is refused with a message (and a fix); the error."""
    resp = post(client, query, params)
    assert resp.status_code == status, resp.text[:500]
    err = resp.json()["error"]
    assert err["message"] and (err.get("fix") or status == 422), err
    return err


def refused(
    client: TestClient, db: Database, query: str, params: object = None, status: int = 400
) -> dict[str, Any]:
    """refusal(), and the graph's fingerprint is the same after it."""
    before = graph_fingerprint(db)
    err: dict[str, Any] = refusal(client, query, params, status)
    assert graph_fingerprint(db) == before
    return err


def escaped(command: str) -> str:
    """The command with the last letter of its first word written as a \\u escape."""
    word = command.split()[0]
    return f"{word[:-1]}\\u{ord(word[-1]):04X}{command[len(word) :]}"


def statement(name: str) -> str:
    """An internal statement, its {{slots}} filled with schema names."""
    wanted = cypher.slots(name)
    return cypher.fill(name, **{s: SLOT_VALUES[s] for s in wanted}) if wanted else cypher.text(name)


def explain(db: Database, query: str) -> tuple[str, dict[str, Any]]:
    """The query type and plan Neo4j gives a query, in a READ transaction."""
    with db.driver.session(default_access_mode=READ_ACCESS) as session:
        summary = session.run("EXPLAIN " + query).consume()
    return str(summary.query_type), summary.plan or {}


# ---------------------------------------------------------------------------------- escapes


@pytest.mark.parametrize("query", ESCAPES.values(), ids=ESCAPES.keys())
def test_escapes_are_refused_in_every_position(
    client: TestClient, curated: Database, query: str
) -> None:
    err = refused(client, curated, query)
    assert err["code"] == "query_rejected"
    assert "backslash" in err["message"] or "\\u escape" in err["message"]
    assert "line 1, column" in err["message"]


def test_string_escapes_that_cannot_end_a_string_still_work(
    client: TestClient, curated: Database
) -> None:
    body = post(client, STRING_ESCAPES).json()
    assert body["data"] == [{"s": "O'Brien", "t": 'say "hi"', "u": "tab\there", "v": "//"}]


def test_a_carriage_return_ends_a_line_comment_for_the_guard_too(
    client: TestClient, curated: Database
) -> None:
    err = refused(client, curated, "RETURN 1 AS x // note\rSHOW SETTINGS")
    assert "'SHOW' is not allowed" in err["message"]


# ----------------------------------------------------------------------- admin and commands


@pytest.mark.parametrize("command", ADMIN)
def test_admin_commands_are_refused_in_any_spelling(
    client: TestClient, curated: Database, command: str
) -> None:
    before = graph_fingerprint(curated)
    for spelling in (command, command.lower(), escaped(command)):
        assert refusal(client, spelling)["code"] == "query_rejected", spelling
    assert graph_fingerprint(curated) == before


@pytest.mark.parametrize(("command", "named"), PLAN_ONLY)
def test_the_plan_allowlist_refuses_them_without_the_lexical_check(
    client: TestClient,
    curated: Database,
    monkeypatch: pytest.MonkeyPatch,
    command: str,
    named: str,
) -> None:
    monkeypatch.setattr(readonly, "lexical_check", lambda cypher, max_chars: None)
    err = refused(client, curated, command)
    assert named in err["message"]


def test_check_plan_names_every_unlisted_operator_and_walks_deep_plans() -> None:
    def op(name: str, *children: dict[str, Any]) -> dict[str, Any]:
        return {"operatorType": f"{name}@neo4j", "args": {}, "children": list(children)}

    with pytest.raises(QueryRejected, match="'EmptyResult', 'SetProperty'"):
        guard.check_plan(op("ProduceResults", op("EmptyResult", op("SetProperty", op("Argument")))))
    with pytest.raises(QueryRejected, match="'NodeUniqueIndexSeek\\(Locking\\)'"):
        guard.check_plan(op("ProduceResults", op("NodeUniqueIndexSeek(Locking)")))
    with pytest.raises(QueryRejected, match="no plan"):
        guard.check_plan({})
    deep = op("Argument")
    for _ in range(5000):  # deeper than Python's recursion limit
        deep = op("Apply", deep, op("Argument"))
    guard.check_plan(op("ProduceResults", deep))


@pytest.mark.parametrize(
    "query",
    [
        "CYPHER RETURN 1 AS x",
        "CYPHER runtime=slotted MATCH (n) RETURN n",
        "EXPLAIN MATCH (n) RETURN n",
        "profile MATCH (n) RETURN n",
        "USE neo4j MATCH (n) RETURN n",
        "(n) RETURN n",
    ],
)
def test_a_read_clause_must_come_first(client: TestClient, curated: Database, query: str) -> None:
    err = refused(client, curated, query)
    assert "must start with a read clause" in err["message"] or "'USE'" in err["message"]


# ----------------------------------------------------------------------------------- nesting


@pytest.mark.parametrize("query", NESTED.values(), ids=NESTED.keys())
def test_deep_nesting_is_refused_before_neo4j(
    client: TestClient, curated: Database, query: str
) -> None:
    err = refused(client, curated, query)
    assert "levels deep" in err["message"] and "the limit is" in err["message"]


def test_nesting_is_measured_along_each_path() -> None:
    bare = "RETURN [[1], [[2]]] AS x, (a.b.c + 1) AS y"
    most, deep, subqueries = guard.nesting(bare)
    assert (most, subqueries) == (3, 0)
    assert deep >= 3
    chained = guard.nesting("RETURN " + "(x.a" * 30 + ")" * 30)[1]
    assert chained >= 60  # each level adds its bracket and its property access


# ------------------------------------------------------------------------ parameters, results


def test_a_lone_surrogate_in_a_parameter_name_is_a_clean_422(client: TestClient) -> None:
    raw = b'{"query": "RETURN 1 AS x", "params": {"\\ud800": 1}}'
    resp = client.post("/api/cypher", content=raw, headers={"content-type": "application/json"})
    assert resp.status_code == 422, resp.text
    err = resp.json()["error"]
    assert "\\ud800" in err["message"] and err["param"] == "\\ud800"
    assert "parameter names" in err["message"]


def test_parameters_nested_250_deep_are_a_422(client: TestClient, curated: Database) -> None:
    err = refused(client, curated, "RETURN $a AS a", {"a": nested(250)}, status=422)
    assert err["param"] == "a" and "nested 250 levels deep" in err["message"]
    ok = post(client, "RETURN $a AS a", {"a": [[[["fine"]]]]})
    assert ok.json()["data"] == [{"a": [[[["fine"]]]]}]


def test_a_result_nested_260_deep_is_a_400(client: TestClient, curated: Database) -> None:
    err = refused(client, curated, "RETURN reduce(l = [], x IN range(1, 260) | [l]) AS v")
    assert "levels deep" in err["message"]


def test_to_json_refuses_values_nested_too_deep() -> None:
    value: object = "x"
    for level in range(MAX_DEPTH + 50):
        value = {"a": value} if level % 2 else [value]
    with pytest.raises(ResultTooDeep, match=f"nested {MAX_DEPTH + 50} levels deep") as info:
        to_json(value)
    assert info.value.http_status == 400 and info.value.fix
    flat: object = 1
    for _ in range(MAX_DEPTH):
        flat = [flat]
    assert to_json(flat) == flat and depth(flat) == MAX_DEPTH


def nested(levels: int) -> object:
    value: object = 1
    for _ in range(levels):
        value = [value]
    return value


def test_a_lone_surrogate_in_the_query_is_refused_with_its_place() -> None:
    with pytest.raises(QueryRejected, match="lone surrogate \\(line 2, column 13\\)") as info:
        guard.lexical_check("MATCH (n)\nRETURN 1 AS \ud800", 20_000)
    str(info.value).encode("utf-8")


@pytest.mark.parametrize(
    ("params", "why"),
    [
        ({"a\n": 1}, "parameter names"),
        ({"\udfff": 1}, "parameter names"),
        ({"ok": 1, "a": {"b": nested(guard.MAX_PARAM_DEPTH)}}, "nested 33 levels deep"),
    ],
)
def test_check_params_messages_are_encodable(params: dict[str, Any], why: str) -> None:
    with pytest.raises(BadParameter, match=why) as info:
        guard.check_params(params)
    json.dumps({"message": info.value.message, "param": info.value.param}).encode("utf-8")
    str(info.value).encode("utf-8")


# --------------------------------------------------------------- what still passes the guard


@pytest.mark.parametrize("query", READS)
def test_typical_reads_pass_and_run(client: TestClient, curated: Database, query: str) -> None:
    resp = post(client, query)
    assert resp.status_code == 200, resp.text[:500]
    assert isinstance(resp.json()["data"], list)


@pytest.mark.parametrize("name", sorted(queries.registry()))
def test_every_named_query_passes_the_guard(curated: Database, name: str) -> None:
    query = queries.get(name).cypher
    guard.lexical_check(query, 20_000)
    kind, plan = explain(curated, query)
    assert kind == "r"
    guard.check_plan(plan)


@pytest.mark.parametrize("name", sorted(p.stem for p in cypher.INTERNAL_DIR.glob("*.cypher")))
def test_internal_reads_pass_and_the_rest_is_refused(curated: Database, name: str) -> None:
    query = statement(name)
    kind, plan = explain(curated, query)
    if kind == "r" and name not in INTROSPECTION:
        guard.lexical_check(query, 20_000)
        guard.check_plan(plan)
    else:  # writes, schema changes, SHOW and admin procedures
        with pytest.raises(QueryRejected):
            guard.lexical_check(query, 20_000)
        with pytest.raises(QueryRejected):
            guard.check_plan(plan)


# ------------------------------------------------------------------------- least privilege


def test_the_server_refuses_writes_in_a_read_transaction(curated: Database) -> None:
    before = graph_fingerprint(curated)
    with (
        curated.driver.session(default_access_mode=READ_ACCESS) as session,
        pytest.raises(ClientError) as info,
    ):
        session.run("CREATE (n:Evil) RETURN n").consume()
    assert info.value.code == "Neo.ClientError.Statement.AccessMode"
    assert graph_fingerprint(curated) == before


def test_but_it_runs_show_commands_there_so_the_guard_is_needed(curated: Database) -> None:
    with curated.driver.session(default_access_mode=READ_ACCESS) as session:
        rows = session.run("SHOW SETTINGS YIELD name RETURN name LIMIT 1").data()
    assert rows and rows[0]["name"]


def test_with_both_checks_off_the_read_transaction_still_refuses_writes(
    client: TestClient, curated: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(readonly, "lexical_check", lambda cypher, max_chars: None)
    monkeypatch.setattr(readonly, "check_plan", lambda plan: None)
    err = refused(client, curated, "CREATE (n:Evil) RETURN n")
    assert "not a pure read" in err["message"] or "AccessMode" in err.get("neo4j_code", "")

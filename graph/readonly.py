"""Run a user's own Cypher safely: lexical check, EXPLAIN plan check, READ transaction, limits."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from neo4j import READ_ACCESS
from neo4j.exceptions import ClientError, Neo4jError, TransientError

from govgraph.core.errors import (
    GovGraphError,
    QueryRejected,
    QueryTimeout,
    Unavailable,
)
from govgraph.core.values import to_json
from govgraph.graph.db import Database, translate_errors
from govgraph.graph.guard import check_params, check_plan, lexical_check

TIMEOUT_CODES = {
    "Neo.ClientError.Transaction.TransactionTimedOut",
    "Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration",
    "Neo.TransientError.Transaction.LockClientStopped",
    "Neo.ClientError.Transaction.TransactionMarkedAsFailed",
}


@dataclass
class CypherResult:
    """Rows of a user query, with whether the row cap cut them off."""

    columns: list[str]
    rows: list[dict[str, Any]]
    truncated: bool
    row_cap: int


def neo4j_error(exc: Neo4jError) -> GovGraphError:
    """A driver error as a govgraph error with a plain message and the Neo4j code."""
    code = exc.code or "Neo.ClientError"
    message = (exc.message or str(exc)).splitlines()[0][:500]
    if code in TIMEOUT_CODES or "timed out" in message.lower() or "terminated" in message.lower():
        err: GovGraphError = QueryTimeout(
            f"The query ran past its time limit and was stopped ({code}).",
            fix="narrow it: add a LIMIT or more specific MATCH patterns.",
        )
    elif isinstance(exc, TransientError) and "Memory" in code:
        err = QueryRejected(
            f"The query needed more memory than allowed ({code}).",
            fix="narrow it or aggregate fewer rows.",
        )
    elif isinstance(exc, TransientError):
        err = Unavailable(f"Neo4j is busy ({code}): {message}", fix="retry in a moment.")
    else:
        err = QueryRejected(f"{message} ({code})", fix="correct the query and try again.")
    err.neo4j_code = code  # type: ignore[attr-defined]
    return err


def run_readonly(
    db: Database,
    cypher: str,
    params: dict[str, Any],
    *,
    timeout: float,
    row_cap: int,
    max_chars: int,
) -> CypherResult:
    """Check, plan and run a read-only query with a time limit and a row cap."""
    lexical_check(cypher, max_chars)
    check_params(params)
    with (
        translate_errors(db.info.uri),
        db.driver.session(database=db.info.database, default_access_mode=READ_ACCESS) as session,
    ):
        try:
            with session.begin_transaction(timeout=timeout) as tx:
                summary = tx.run("EXPLAIN " + cypher, params).consume()
                check_plan(summary.plan or {})
                if summary.query_type != "r":
                    raise QueryRejected(
                        f"The plan shows this query is not a pure read "
                        f"(type '{summary.query_type}').",
                        fix="remove clauses that write, change schema or call procedures.",
                    )
                result = tx.run(cypher, params)
                columns = list(result.keys())
                rows: list[dict[str, Any]] = []
                truncated = False
                for record in result:
                    if len(rows) >= row_cap:
                        truncated = True
                        break
                    rows.append({k: to_json(v) for k, v in record.items()})
                tx.rollback()
        except (ClientError, TransientError) as exc:
            raise neo4j_error(exc) from None
        except Neo4jError as exc:
            raise neo4j_error(exc) from None
    return CypherResult(columns, rows, truncated, row_cap)

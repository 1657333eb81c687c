"""Run a user's own Cypher safely: checks, a bulkhead, a wall-clock deadline, row and byte caps.

What stops the server's work at the deadline: the transaction's own timeout (set to the time
left), which Neo4j checks between rows. Measured on Neo4j 5.26 Community, neither that timeout,
`TERMINATE TRANSACTION` nor closing the Bolt connection interrupts a single-row expression such
as `reduce(s = 0, x IN range(1, 2000000000) | s + x)`: the transaction is marked terminated and
the CPU stays busy until the expression ends. So the client gets its 408 at the deadline, the
worker stops reading and rolls back, and the bulkhead slot stays taken until Neo4j hands the
thread back: at most `slots` such expressions ever run at once.
"""

from __future__ import annotations

import asyncio
import json
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from neo4j import READ_ACCESS, Result
from neo4j.exceptions import Neo4jError, TransientError

from govgraph.core.errors import (
    GovGraphError,
    QueryRejected,
    QueryTimeout,
    ResultTooDeep,
    ResultTooLarge,
)
from govgraph.core.values import to_json
from govgraph.graph.bulkhead import Bulkhead
from govgraph.graph.db import Database, unavailable
from govgraph.graph.guard import check_params, check_plan, lexical_check

TIMEOUT_CODES = {
    "Neo.ClientError.Transaction.TransactionTimedOut",
    "Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration",
    "Neo.TransientError.Transaction.LockClientStopped",
    "Neo.ClientError.Transaction.TransactionMarkedAsFailed",
}
# Records per Bolt round trip: bounds what arrives before the byte cap can stop the reading.
FETCH_SIZE = 20
METADATA = {"app": "govgraph", "work": "user-cypher"}  # tags our transactions on the server


@dataclass
class CypherResult:
    """Rows of a user query, with whether the row or byte cap cut them off (and which)."""

    columns: list[str]
    rows: list[dict[str, Any]]
    truncated: bool
    row_cap: int
    byte_cap: int = 0
    note: str | None = None
    row_json: list[bytes] = field(default_factory=list, repr=False)

    def json_body(self) -> bytes:
        """The API's answer as UTF-8 JSON, built from the rows already encoded once."""
        head = {"columns": self.columns}
        tail = {
            "count": len(self.rows),
            "truncated": self.truncated,
            "row_cap": self.row_cap,
            "byte_cap": self.byte_cap,
            "note": self.note,
        }
        return b"".join([
            _dumps(head)[:-1],
            b',"data":[',
            b",".join(self.row_json),
            b"],",
            _dumps(tail)[1:],
        ])  # fmt: skip


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
        err = unavailable(f"{code}: {message}")
    else:
        err = QueryRejected(f"{message} ({code})", fix="correct the query and try again.")
    err.neo4j_code = code  # type: ignore[attr-defined]
    return err


def _timeout(seconds: float) -> QueryTimeout:
    return QueryTimeout(
        f"The query ran past its time limit of {seconds:g} s and was stopped.",
        fix="narrow it: add a LIMIT, more specific MATCH patterns or smaller range() bounds.",
    )


def run_readonly(
    db: Database,
    cypher: str,
    params: dict[str, Any],
    *,
    timeout: float,
    row_cap: int,
    max_chars: int,
    max_bytes: int | None = None,
    bulkhead: Bulkhead | None = None,
) -> CypherResult:
    """Check, plan and run a read-only query in a bulkhead slot, waiting at most `timeout` s."""
    lexical_check(cypher, max_chars)
    check_params(params)
    gate = bulkhead or db.bulkhead
    deadline = time.monotonic() + timeout
    cancelled = threading.Event()
    cap = max_bytes or gate.max_bytes
    future = gate.submit(
        lambda: _execute(db, cypher, params, row_cap, cap, timeout, deadline, cancelled)
    )
    try:
        return future.result(timeout=max(deadline - time.monotonic(), 0))
    except TimeoutError:
        cancelled.set()
        raise _timeout(timeout) from None


async def run_readonly_async(
    connect: Callable[[], Database],
    cypher: str,
    params: dict[str, Any],
    *,
    timeout: float,
    row_cap: int,
    max_chars: int,
    bulkhead: Bulkhead,
) -> CypherResult:
    """run_readonly for the event loop: no worker of the loop's pool waits on Neo4j."""
    lexical_check(cypher, max_chars)
    check_params(params)
    deadline = time.monotonic() + timeout
    cancelled = threading.Event()

    def work() -> CypherResult:
        db = connect()
        return _execute(
            db, cypher, params, row_cap, bulkhead.max_bytes, timeout, deadline, cancelled
        )

    future = bulkhead.submit(work)
    try:
        return await asyncio.wait_for(
            asyncio.wrap_future(future), max(deadline - time.monotonic(), 0)
        )
    except TimeoutError:
        cancelled.set()
        raise _timeout(timeout) from None


def _execute(
    db: Database,
    cypher: str,
    params: dict[str, Any],
    row_cap: int,
    max_bytes: int,
    timeout: float,
    deadline: float,
    cancelled: threading.Event,
) -> CypherResult:
    """EXPLAIN and check the plan, then run in a READ transaction that ends by the deadline."""
    left = deadline - time.monotonic()
    if left < 0.05 or cancelled.is_set():
        raise _timeout(timeout)
    with (
        db.errors(),
        db.driver.session(
            database=db.info.database, default_access_mode=READ_ACCESS, fetch_size=FETCH_SIZE
        ) as session,
    ):
        try:
            with session.begin_transaction(timeout=left, metadata=METADATA) as tx:
                summary = tx.run("EXPLAIN " + cypher, params).consume()
                check_plan(summary.plan or {})
                if summary.query_type != "r":
                    raise QueryRejected(
                        f"The plan shows this query is not a pure read "
                        f"(type '{summary.query_type}').",
                        fix="remove clauses that write, change schema or call procedures.",
                    )
                if cancelled.is_set():
                    raise _timeout(timeout)
                out = _collect(tx.run(cypher, params), row_cap, max_bytes, timeout, cancelled)
                tx.rollback()
        except Neo4jError as exc:
            raise neo4j_error(exc) from None
        except RecursionError:  # a value nested past what the driver can even decode
            raise ResultTooDeep(
                "The result is nested too deeply to decode.",
                fix="return flatter values: UNWIND nested lists into rows.",
            ) from None
    return out


def _collect(
    result: Result, row_cap: int, max_bytes: int, timeout: float, cancelled: threading.Event
) -> CypherResult:
    """Read rows until the end, the row cap or the byte cap; stop at once when abandoned."""
    columns = list(result.keys())
    out = CypherResult(columns, [], False, row_cap, max_bytes)
    size = 0
    for record in result:
        if cancelled.is_set():  # the client has had its 408: read no further
            raise _timeout(timeout)
        if len(out.rows) >= row_cap:
            out.truncated, out.note = True, f"stopped at the row cap of {row_cap:,} rows"
            break
        row, encoded = _encode(dict(record.items()))
        if size + len(encoded) + 1 > max_bytes:
            if not out.rows:
                raise ResultTooLarge(
                    f"The first row alone is {len(encoded):,} bytes as JSON; answers are "
                    f"capped at {max_bytes:,} bytes.",
                    fix="return smaller values: chosen properties instead of whole lists, "
                    "or substring() and size() of long strings.",
                )
            out.truncated = True
            out.note = f"stopped at the byte cap: the next row would pass {max_bytes:,} bytes"
            break
        out.rows.append(row)
        out.row_json.append(encoded)
        size += len(encoded) + 1
    return out


def _encode(record: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
    """A record as JSON-ready values and their UTF-8 JSON (to_json refuses too deep a value)."""
    row = {k: to_json(v) for k, v in record.items()}
    try:
        return row, _dumps(row)
    except ValueError:  # NaN or an infinity, which JSON cannot carry as numbers
        row = _finite(row)
        return row, _dumps(row)


def _dumps(value: Any) -> bytes:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.encode("utf-8", "replace")


def _finite(value: Any) -> Any:
    """NaN and the infinities as the strings Neo4j prints for them."""
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value

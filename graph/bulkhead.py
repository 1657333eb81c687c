"""A bulkhead for user Cypher: a few slots, each query on its own thread; when full, refuse."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import TypeVar

from govgraph.core.errors import Overloaded

T = TypeVar("T")
DEFAULT_SLOTS = 4
DEFAULT_MAX_BYTES = 8 * 2**20


class Bulkhead:
    """At most `slots` user queries at once, each on its own daemon thread; when full, refuse.

    A slot is held until Neo4j hands the thread back, not until the client stops waiting: a
    single-row expression cannot be interrupted (see graph/readonly.py): the slot is the bound.
    """

    def __init__(self, slots: int = DEFAULT_SLOTS, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.slots = slots
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._busy = 0

    @property
    def busy(self) -> int:
        """How many slots are taken right now."""
        return self._busy

    def submit(self, fn: Callable[[], T]) -> Future[T]:
        """Run fn on a new thread in a free slot, or raise Overloaded at once (never queue)."""
        with self._lock:
            if self._busy >= self.slots:
                raise Overloaded(
                    f"{self.slots} user queries are already running, the most allowed at once.",
                    fix="retry in a few seconds.",
                )
            self._busy += 1
        future: Future[T] = Future()

        def work() -> None:
            try:
                if future.set_running_or_notify_cancel():
                    try:
                        future.set_result(fn())
                    except Exception as exc:
                        future.set_exception(exc)
            finally:
                self._release()

        try:
            threading.Thread(target=work, name="user-cypher", daemon=True).start()
        except BaseException:
            self._release()
            raise
        return future

    def _release(self) -> None:
        with self._lock:
            self._busy -= 1

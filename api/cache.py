"""Named-query answers cached per graph revision, so hot questions skip the database."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from govgraph.graph.db import Database
from govgraph.graph.revision import cacheable, read_revision

Key = tuple[Any, ...]


class RevisionCache:
    """An LRU of answers, emptied whenever the graph's recorded revision changes.

    The revision is re-read at most every `check_seconds`; 0 turns the cache off.
    """

    def __init__(self, check_seconds: float, max_entries: int = 2048) -> None:
        self.check_seconds = check_seconds
        self.max_entries = max_entries
        self._entries: OrderedDict[Key, Any] = OrderedDict()
        self._revision: str | None = None
        self._checked = 0.0
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.check_seconds > 0

    def refresh(self, db: Database) -> str | None:
        """Re-read the graph's revision; a changed revision empties the cache."""
        now = time.monotonic()
        current = read_revision(db)
        with self._lock:
            if current != self._revision:
                self._entries.clear()
                self._revision = current
            self._checked = now
        return current

    def revision(self, db: Database) -> str | None:
        """The graph's revision, re-read from the server when the last look is too old."""
        if not self.enabled:
            return None
        if time.monotonic() - self._checked >= self.check_seconds:
            return self.refresh(db)
        return self._revision

    def peek(self, key: Key) -> tuple[Any, str | None] | None:
        """A cached answer when the revision was checked recently enough; never blocks."""
        if not self.enabled or time.monotonic() - self._checked >= self.check_seconds:
            return None
        with self._lock:
            if cacheable(self._revision) and key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key], self._revision
        return None

    def get_or_compute(
        self, db: Database, key: Key, compute: Callable[[], Any]
    ) -> tuple[Any, str | None]:
        """(answer, revision): cached when the revision is known and unchanged."""
        revision = self.revision(db)
        if not self.enabled or not cacheable(revision):
            return compute(), revision
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key], revision
        value = compute()
        with self._lock:
            if self._revision != revision:  # the graph changed while computing: don't keep it
                return value, revision
            self._entries[key] = value
            if len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return value, revision

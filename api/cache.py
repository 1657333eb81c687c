"""Named-query answers cached per graph revision, so hot questions skip the database."""

from __future__ import annotations

import json
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from govgraph.api.recorded import moment_key
from govgraph.core.settings import Settings
from govgraph.graph.db import Database
from govgraph.graph.revision import cacheable, read_revision

Key = tuple[Any, ...]
# Python holds decoded rows in 2 to 3.3 times their JSON size (dicts, str objects), measured
# on the named queries' answers; 3 times, plus a fixed cost per entry, errs on the safe side.
PY_OVERHEAD = 3
ENTRY_OVERHEAD = 1024
DEFAULT_MAX_BYTES = 64 * 2**20


def entry_bytes(key: Key, value: Any) -> int:
    """An estimate of the memory an entry holds: raw bytes once, the rest from its JSON size."""
    raw = 0

    def default(item: Any) -> Any:
        nonlocal raw
        if isinstance(item, (bytes, bytearray)):
            raw += len(item)
            return None
        if isinstance(item, BaseModel):
            return item.model_dump(mode="json")
        return str(item)

    text = json.dumps([key, value], default=default, ensure_ascii=False, separators=(",", ":"))
    return raw + PY_OVERHEAD * len(text) + ENTRY_OVERHEAD


class RevisionCache:
    """An LRU of answers, emptied whenever the graph's recorded revision changes.

    The revision is re-read at most every `check_seconds`; 0 turns the cache off. Entries are
    bounded in number and in estimated bytes; one answer over an eighth of the byte budget is
    served but not kept.
    """

    def __init__(
        self, check_seconds: float, max_entries: int = 4096, max_bytes: int = DEFAULT_MAX_BYTES
    ) -> None:
        self.check_seconds = check_seconds
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.bytes = 0  # estimated size of every entry held
        self._entries: OrderedDict[Key, tuple[Any, int]] = OrderedDict()
        self._revision: str | None = None
        self._checked = 0.0
        self._lock = threading.Lock()

    @classmethod
    def of(cls, settings: Settings) -> RevisionCache:
        """The cache an app's settings ask for."""
        return cls(settings.cache_seconds, max_bytes=settings.cache_max_bytes)

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def enabled(self) -> bool:
        return self.check_seconds > 0

    @property
    def checked_at(self) -> float:
        """When the revision was last read from the server (time.monotonic())."""
        return self._checked

    def refresh(self, db: Database) -> str | None:
        """Re-read the graph's revision; a changed revision empties the cache."""
        now = time.monotonic()
        current = read_revision(db)
        with self._lock:
            if current != self._revision:
                self._entries.clear()
                self.bytes = 0
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
        key = (*key, *moment_key())
        if not self.enabled or time.monotonic() - self._checked >= self.check_seconds:
            return None
        with self._lock:
            if cacheable(self._revision) and key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key][0], self._revision
        return None

    def get_or_compute(
        self, db: Database, key: Key, compute: Callable[[], Any]
    ) -> tuple[Any, str | None]:
        """(answer, revision): cached when the revision is known and unchanged."""
        key = (*key, *moment_key())
        revision = self.revision(db)
        if not self.enabled or not cacheable(revision):
            return compute(), revision
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key][0], revision
        value = compute()
        size = entry_bytes(key, value)
        with self._lock:
            if self._revision != revision:  # the graph changed while computing: don't keep it
                return value, revision
            if size <= self.max_bytes // 8:
                self._store(key, value, size)
        return value, revision

    def _store(self, key: Key, value: Any, size: int) -> None:
        """Keep an entry, evicting the least recently used past either bound (lock held)."""
        old = self._entries.pop(key, None)
        if old is not None:
            self.bytes -= old[1]
        self._entries[key] = (value, size)
        self.bytes += size
        while self._entries and (
            self.bytes > self.max_bytes or len(self._entries) > self.max_entries
        ):
            _, (_, evicted) = self._entries.popitem(last=False)
            self.bytes -= evicted

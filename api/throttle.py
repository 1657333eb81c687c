"""Sign-in throttling: too many failures for one (address, account name) pair wait a while.

Kept in memory and bounded: the oldest pairs are forgotten past MAX_KEYS, so a flood of made-up
names cannot grow it. Unknown names count like real ones, so the limit reveals nothing.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict, deque

from govgraph.core.errors import TooManyAttempts

MAX_KEYS = 10_000
MAX_NAME = 64  # longer names are cut for the key (they can never be account names)


class LoginThrottle:
    """Counts failed sign-ins per key within a sliding window."""

    def __init__(self, attempts: int, window: float, max_keys: int = MAX_KEYS) -> None:
        self.attempts = attempts
        self.window = window
        self.max_keys = max_keys
        self._failures: OrderedDict[tuple[str, str], deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def key(address: str | None, name: str) -> tuple[str, str]:
        """The key for one client address and the name it tries."""
        return (address or "unknown", name[:MAX_NAME])

    def check(self, key: tuple[str, str]) -> None:
        """Nothing while attempts remain; TooManyAttempts with the seconds to wait otherwise."""
        now = time.monotonic()
        with self._lock:
            failures = self._failures.get(key)
            if failures is None:
                return
            while failures and failures[0] <= now - self.window:
                failures.popleft()
            if len(failures) < self.attempts:
                return
            wait = max(1, math.ceil(failures[0] + self.window - now))
        raise TooManyAttempts(
            f"Too many failed sign-ins for this account from your address ({self.attempts} "
            f"within {int(self.window)} seconds).",
            retry_after=wait,
            fix=f"wait {wait} seconds, then try again; an administrator can reset a password.",
        )

    def failed(self, key: tuple[str, str]) -> None:
        """Count one failure."""
        with self._lock:
            failures = self._failures.pop(key, None) or deque(maxlen=self.attempts)
            failures.append(time.monotonic())
            self._failures[key] = failures  # most recent last
            while len(self._failures) > self.max_keys:
                self._failures.popitem(last=False)

    def succeeded(self, key: tuple[str, str]) -> None:
        """Forget the failures of a pair that has just signed in."""
        with self._lock:
            self._failures.pop(key, None)

    def __len__(self) -> int:
        return len(self._failures)

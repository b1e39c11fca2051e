"""Per-client request throttling for the public API."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Callable


@dataclass
class _Window:
    started: float
    count: int


class Throttle:
    """Allow at most ``limit`` requests per ``period`` seconds for each client key."""

    def __init__(
        self,
        limit: int,
        period: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if limit < 1 or period <= 0:
            raise ValueError("limit must be >= 1 and period > 0")
        self.limit = limit
        self.period = period
        self._clock = clock
        self._windows: dict[str, _Window] = {}
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        now = self._clock()
        with self._lock:
            window = self._windows.get(key)
            if window is None or now - window.started >= self.period:
                self._windows[key] = _Window(started=now, count=1)
                return True
            if window.count < self.limit:
                window.count += 1
                return True
            return False

    def reset(self, key: str) -> None:
        with self._lock:
            self._windows.pop(key, None)

    def __len__(self) -> int:
        with self._lock:
            return len(self._windows)

"""Per-client request throttling for the public API."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Callable


@dataclass
class _Bucket:
    tokens: float
    updated_ns: int


class Throttle:
    """Token bucket per client key: bursts of up to ``limit`` requests, refilled
    continuously at ``limit`` tokens per ``period`` seconds."""

    def __init__(
        self,
        limit: int,
        period: float = 1.0,
        clock: Callable[[], int] = time.monotonic_ns,
    ) -> None:
        if limit < 1 or period <= 0:
            raise ValueError("limit must be >= 1 and period > 0")
        self.limit = limit
        self.period = period
        self.rate = limit / period  # tokens per second
        self._clock = clock
        self._windows: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        now = self._clock()
        with self._lock:
            bucket = self._windows.get(key)
            if bucket is None:
                bucket = self._windows[key] = _Bucket(tokens=self.limit, updated_ns=now)
            elapsed = (now - bucket.updated_ns) / 1_000_000
            bucket.tokens = min(self.limit, bucket.tokens + elapsed * self.rate)
            bucket.updated_ns = now
            if bucket.tokens >= 1:
                bucket.tokens -= 1
                return True
            return False

    def reset(self, key: str) -> None:
        with self._lock:
            self._windows.pop(key, None)

    def __len__(self) -> int:
        with self._lock:
            return len(self._windows)

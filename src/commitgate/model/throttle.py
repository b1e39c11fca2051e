"""How many requests may be on the wire at once, lowered when the server
shows it cannot take them.

Some servers cut a running stream when another request arrives
(llama-cpp-python's `interrupt_requests`, on by default): with four
requests at once, each cuts another, and retrying them all makes a storm.
So when a stream is cut while others are in flight, the limit drops, down
to one, for the rest of the run, and every attempt (a retry too) waits
for a place.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from commitgate.model.deadline import Deadline


class Throttle:
    def __init__(self, limit: int) -> None:
        self.limit = max(1, limit)
        self.lowered_from = 0  # the limit it started at, once lowered
        self.in_flight = 0
        self.attempts = 0  # every request sent, retries and timeouts included
        self._cond = threading.Condition()

    @contextmanager
    def slot(self, deadline: Deadline) -> Iterator[int]:
        """A place on the wire for one attempt; yields how many others are
        in flight as it starts. Waits no longer than the deadline: then it
        raises TimeoutError."""
        with self._cond:
            while self.in_flight >= self.limit:
                woken = self._cond.wait(timeout=max(deadline.remaining(), 0.01))
                if not woken and deadline.expired():
                    raise TimeoutError
            others = self.in_flight
            self.in_flight += 1
            self.attempts += 1
        try:
            yield others
        finally:
            with self._cond:
                self.in_flight -= 1
                self._cond.notify_all()

    def cut_while_busy(self) -> bool:
        """A stream was cut while other requests were in flight: halve the
        limit, down to one. True if it was lowered."""
        with self._cond:
            if self.limit <= 1:
                return False
            self.lowered_from = self.lowered_from or self.limit
            self.limit = max(1, self.limit // 2)
            return True

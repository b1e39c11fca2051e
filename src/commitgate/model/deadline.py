"""The time left for the whole review."""

from __future__ import annotations

import time


class Deadline:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.at = time.monotonic() + seconds

    def remaining(self) -> float:
        return max(0.0, self.at - time.monotonic())

    def expired(self) -> bool:
        return self.remaining() <= 0

    def missed(self, what: str = "an answer came") -> str:
        return f"the review deadline ({self.seconds:g}s) passed before {what}"

"""Progress of a long review, on a terminal only.

Under pre-commit the output is captured (and, with colour on, stderr is a
pty whose bytes end up in the report), so nothing is drawn there.
"""

from __future__ import annotations

import os
import sys
import time
from typing import TextIO


class Progress:
    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.total = 0
        self.done = 0
        self.findings = 0
        self.started = time.monotonic()
        self.drawn = False

    @classmethod
    def for_terminal(cls) -> Progress | None:
        if os.environ.get("PRE_COMMIT") or not sys.stderr.isatty():
            return None
        if os.environ.get("TERM") == "dumb":
            return None
        return cls(sys.stderr)

    def start(self, total: int) -> None:
        self.total = total
        self.started = time.monotonic()
        # One request goes by too fast to be worth drawing.
        if total > 1:
            self._draw()

    def update(self, units: int, findings: int) -> None:
        self.done += 1
        self.findings += findings
        if self.total > 1:
            self._draw()

    def _draw(self) -> None:
        elapsed = time.monotonic() - self.started
        self.stream.write(
            f"\rcommitgate: {self.done}/{self.total} requests, {elapsed:.0f}s, "
            f"{self.findings} finding{'s' * (self.findings != 1)} so far\x1b[K"
        )
        self.stream.flush()
        self.drawn = True

    def finish(self) -> None:
        if self.drawn:
            self.stream.write("\r\x1b[K")
            self.stream.flush()

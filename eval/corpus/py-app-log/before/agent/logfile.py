"""Append-only line log used by the sync agent."""

from __future__ import annotations

import os
import threading
from types import TracebackType


class LogFile:
    """Writes one line per message and flushes it, so a crash loses nothing."""

    def __init__(self, path: str, encoding: str = "utf-8") -> None:
        self.path = path
        self.encoding = encoding
        self._lock = threading.Lock()
        self._handle = open(path, "a", encoding=encoding)

    def write(self, message: str) -> None:
        line = message.rstrip("\n") + "\n"
        with self._lock:
            self._handle.write(line)
            self._handle.flush()

    def close(self) -> None:
        with self._lock:
            if not self._handle.closed:
                self._handle.close()

    def __enter__(self) -> LogFile:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def tail(path: str, lines: int = 20) -> list[str]:
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8", errors="replace") as handle:
        return handle.read().splitlines()[-lines:]

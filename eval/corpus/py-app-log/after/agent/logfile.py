"""Append-only line log used by the sync agent."""

from __future__ import annotations

import os
import threading
from types import TracebackType


class LogFile:
    """Writes one line per message and flushes it, so a crash loses nothing.

    With ``max_bytes`` set, a line that would take the file past it first moves
    the file to ``path.1`` (``path.1`` to ``path.2``, and so on, keeping
    ``backups`` old files). A line longer than ``max_bytes`` gets a file of its own.
    """

    def __init__(
        self, path: str, encoding: str = "utf-8", max_bytes: int = 0, backups: int = 3
    ) -> None:
        if max_bytes < 0 or backups < 0:
            raise ValueError("max_bytes and backups must not be negative")
        self.path = path
        self.encoding = encoding
        self.max_bytes = max_bytes
        self.backups = backups
        self._lock = threading.Lock()
        self._handle = open(path, "a", encoding=encoding)
        self._size = os.path.getsize(path)

    def _rotate(self) -> None:
        self._handle.close()
        try:
            for n in range(self.backups, 0, -1):
                source = self.path if n == 1 else f"{self.path}.{n - 1}"
                if os.path.exists(source):
                    os.replace(source, f"{self.path}.{n}")
        finally:
            self._handle = open(self.path, "a" if self.backups else "w", encoding=self.encoding)
            self._size = os.path.getsize(self.path)

    def write(self, message: str) -> None:
        line = message.rstrip("\n") + "\n"
        size = len(line.encode(self.encoding))
        with self._lock:
            if self.max_bytes and self._size and self._size + size > self.max_bytes:
                self._rotate()
            self._handle.write(line)
            self._handle.flush()
            self._size += size

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

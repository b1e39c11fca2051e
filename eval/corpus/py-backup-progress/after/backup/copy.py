"""Copy a snapshot to the backup target, chunk by chunk."""

from __future__ import annotations

import logging
import os
import shutil
from typing import BinaryIO, Callable

log = logging.getLogger(__name__)

CHUNK = 4 * 1024 * 1024


class Progress:
    """Reports bytes copied so far."""

    def __init__(
        self, total: int, report: Callable[[str], None] = log.info, step: int = 10
    ) -> None:
        self.total = total
        self.done = 0
        self.step = step
        self._next = step
        self._report = report

    @property
    def percent(self) -> int:
        return 100 if self.total == 0 else self.done // self.total * 100

    def advance(self, n: int) -> None:
        self.done += n
        while self._next < 100 and self.percent >= self._next:
            self._report(f"{self._next}% ({self.done} of {self.total} bytes)")
            self._next += self.step

    def finish(self) -> None:
        self._report(f"copied {self.done} of {self.total} bytes")


def copy_stream(src: BinaryIO, dst: BinaryIO, progress: Progress, chunk: int = CHUNK) -> int:
    while True:
        block = src.read(chunk)
        if not block:
            break
        dst.write(block)
        progress.advance(len(block))
    progress.finish()
    return progress.done


def copy_snapshot(source: str, target: str, report: Callable[[str], None] = log.info) -> int:
    """Copy ``source`` to ``target`` through a temporary file, then rename it into place."""
    total = os.path.getsize(source)
    partial = target + ".partial"
    with open(source, "rb") as src, open(partial, "wb") as dst:
        copied = copy_stream(src, dst, Progress(total, report))
        dst.flush()
        os.fsync(dst.fileno())
    os.replace(partial, target)
    shutil.copystat(source, target)
    return copied

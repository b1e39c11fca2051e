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

    def __init__(self, total: int, report: Callable[[str], None] = log.info) -> None:
        self.total = total
        self.done = 0
        self._report = report

    def advance(self, n: int) -> None:
        self.done += n

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

"""What is under review: the files of a change, their hunks, and what was left out.

Plain data, read by every later step. Line numbers are those of the new file,
counted from 1, split on "\\n" exactly as git counts them.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Iterator
from typing import NamedTuple


class Mode(enum.Enum):
    STAGED = "staged"  # the index against HEAD: a normal commit
    FILES = "files"  # whole files: `--all-files`, `--files`, or files with nothing staged
    RANGE = "range"  # the change between two refs: pre-push, `--from-ref/--to-ref`


class Hunk(NamedTuple):
    """One hunk of a zero-context diff: `new_count` lines added at `new_start`
    in place of `removed` (0 added lines means a pure deletion after `new_start`)."""

    new_start: int
    new_count: int
    removed: tuple[str, ...]

    @property
    def added(self) -> range:
        return range(self.new_start, self.new_start + self.new_count)


@dataclasses.dataclass(frozen=True)
class ChangedFile:
    """A text file to review, with its new content and what changed in it."""

    path: str
    status: str  # added | modified | renamed | copied | whole
    lines: tuple[str, ...]
    hunks: tuple[Hunk, ...] = ()
    old_path: str | None = None

    @property
    def whole(self) -> bool:
        """Every line is under review (whole-file mode, or a new file)."""
        return self.status in ("whole", "added")

    def touched(self) -> frozenset[int]:
        """The lines a finding may be anchored to: added or modified lines, and
        for a pure deletion the lines on either side of the gap."""
        if self.whole:
            return frozenset(range(1, len(self.lines) + 1))
        out: set[int] = set()
        for h in self.hunks:
            if h.new_count:
                out.update(h.added)
            else:
                # `-a,b +c,0`: the removed lines sat between new lines c and c+1.
                out.update(n for n in (h.new_start, h.new_start + 1) if 1 <= n <= len(self.lines))
        return frozenset(out)

    def changed_line_count(self) -> int:
        if self.whole:
            return len(self.lines)
        return sum(h.new_count + len(h.removed) for h in self.hunks)


class NotReviewed(NamedTuple):
    """A file that was part of the change but was not sent, and why."""

    path: str
    reason: str


@dataclasses.dataclass
class Change:
    mode: Mode
    files: list[ChangedFile]
    not_reviewed: list[NotReviewed]
    description: str  # e.g. "staged change", "main...feature"

    def __iter__(self) -> Iterator[ChangedFile]:
        return iter(self.files)

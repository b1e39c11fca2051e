"""The change between two trees, from one `git diff`: which files changed
(raw entries, exact paths) and their hunks (a zero-context patch)."""

from __future__ import annotations

import os
import re
from typing import NamedTuple

from commitgate.git.change import Hunk
from commitgate.git.content import decode
from commitgate.git.repo import Repo, run


class Entry(NamedTuple):
    status: str  # git's status letter: A M D R C T U
    old_mode: str
    new_mode: str
    old_sha: str
    new_sha: str
    path: str
    old_path: str | None


def diff(
    repo: Repo, spec: list[str], max_bytes: int
) -> tuple[list[Entry], dict[tuple[str, str], tuple[Hunk, ...]]]:
    """One `git diff` giving both the raw entries (NUL-separated, exact paths)
    and a zero-context patch whose hunks are keyed by (old blob, new blob), so
    no path ever has to be parsed back out of a patch header.

    Files over max_bytes are not reviewed, so git treats them as binary
    (core.bigFileThreshold): the patch of a 50 MB file would otherwise be
    written, read and parsed, for nothing."""
    out = run(
        [
            "diff",
            *spec,
            "-z",
            "--raw",
            "-p",
            "-U0",
            "-M",
            "--full-index",
            "--no-abbrev",
            "--no-color",
            "--no-ext-diff",
            "--no-textconv",
            "--no-relative",
            "--src-prefix=a/",
            "--dst-prefix=b/",
            "--",
        ],
        cwd=repo.root,
        config=[f"core.bigFileThreshold={max_bytes}"],
    )
    entries: list[Entry] = []
    pos = 0
    while out.startswith(b":", pos):
        end = out.index(b"\0", pos)
        old_mode, new_mode, old_sha, new_sha, status = out[pos + 1 : end].decode().split(" ")
        pos = end + 1
        end = out.index(b"\0", pos)
        path = os.fsdecode(out[pos:end])
        pos = end + 1
        old_path = None
        if status[0] in "RC":
            old_path, end = path, out.index(b"\0", pos)
            path = os.fsdecode(out[pos:end])
            pos = end + 1
        entries.append(Entry(status[0], old_mode, new_mode, old_sha, new_sha, path, old_path))
    return entries, _parse_patch(out[pos:])


_INDEX = re.compile(rb"^index ([0-9a-f]+)\.\.([0-9a-f]+)")
_HUNK = re.compile(rb"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")


def _parse_patch(patch: bytes) -> dict[tuple[str, str], tuple[Hunk, ...]]:
    result: dict[tuple[str, str], tuple[Hunk, ...]] = {}
    key: tuple[str, str] | None = None
    hunks: list[Hunk] = []
    in_hunk = False
    start = count = 0
    removed: list[bytes] = []

    def close_hunk() -> None:
        if in_hunk:
            hunks.append(Hunk(start, count, tuple(_line(b) for b in removed)))

    for line in patch.split(b"\n"):
        if in_hunk and line[:1] in (b"+", b"-", b"\\"):
            if line[:1] == b"-":
                removed.append(line[1:])
            continue
        if line.startswith(b"diff --git "):
            close_hunk()
            if key is not None:
                result[key] = tuple(hunks)
            key, hunks, in_hunk = None, [], False
        elif not in_hunk and key is None and (m := _INDEX.match(line)):
            key = (m.group(1).decode(), m.group(2).decode())
        elif m := _HUNK.match(line):
            close_hunk()
            in_hunk, removed = True, []
            start = int(m.group(3))
            count = 1 if m.group(4) is None else int(m.group(4))
    close_hunk()
    if key is not None:
        result[key] = tuple(hunks)
    return result


def _line(raw: bytes) -> str:
    text = decode(raw) or raw.decode("latin-1")
    return text[:-1] if text.endswith("\r") else text

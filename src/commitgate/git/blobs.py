"""File contents from git's object store, many at once."""

from __future__ import annotations

import subprocess
import threading

from commitgate.errors import GitError
from commitgate.git.repo import Repo


def read_blobs(repo: Repo, shas: set[str], max_bytes: int) -> dict[str, bytes | int]:
    """Blob contents by sha, via one `git cat-file --batch`; a blob over
    max_bytes is read past (never held in memory) and given as its size."""
    if not shas:
        return {}
    proc = subprocess.Popen(
        ["git", "cat-file", "--batch"],
        cwd=repo.root,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    assert proc.stdin is not None and proc.stdout is not None
    order = sorted(shas)
    stdin = proc.stdin

    def feed() -> None:
        # A separate writer: git answers as it reads, and a full stdout pipe
        # would otherwise block it while we are still writing.
        try:
            stdin.write("".join(f"{s}\n" for s in order).encode())
        finally:
            stdin.close()

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    result: dict[str, bytes | int] = {}
    try:
        for sha in order:
            header = proc.stdout.readline().split()
            if len(header) != 3:
                raise GitError(f"git cat-file could not read object {sha}")
            size = int(header[2])
            if size > max_bytes:
                left = size + 1
                while left:
                    left -= len(proc.stdout.read(min(left, 1 << 20)))
                result[sha] = size
            else:
                result[sha] = proc.stdout.read(size)
                proc.stdout.read(1)
    finally:
        writer.join()
        proc.stdout.close()
        proc.wait()
    return result

"""File contents from git's object store, many at once."""

from __future__ import annotations

import contextlib
import subprocess
import threading

from commitgate.errors import GitError
from commitgate.git.repo import Repo


def read_blobs(repo: Repo, shas: set[str], max_bytes: int) -> dict[str, bytes | int]:
    """Blob contents by sha, via one `git cat-file --batch`; a blob over
    max_bytes is read past (never held in memory) and given as its size."""
    if not shas:
        return {}
    try:
        proc = subprocess.Popen(
            ["git", "cat-file", "--batch"],
            cwd=repo.root,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
    except FileNotFoundError:
        raise GitError("git was not found on PATH; commitgate needs git installed") from None
    assert proc.stdin is not None and proc.stdout is not None
    order = sorted(shas)
    stdin, stdout = proc.stdin, proc.stdout

    def feed() -> None:
        # A separate writer: git answers as it reads, and a full stdout pipe
        # would otherwise block it while we are still writing. If git stops
        # (a missing object, a broken repository), the pipe breaks: the
        # reader below says what failed.
        with contextlib.suppress(OSError):
            try:
                stdin.write("".join(f"{s}\n" for s in order).encode())
            finally:
                stdin.close()

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    result: dict[str, bytes | int] = {}
    try:
        for sha in order:
            header = stdout.readline().split()
            if len(header) != 3:
                raise GitError(f"git cat-file could not read object {sha}")
            size = int(header[2])
            if size > max_bytes:
                left = size + 1
                while left:
                    chunk = stdout.read(min(left, 1 << 20))
                    if not chunk:
                        raise GitError(f"git cat-file stopped in the middle of object {sha}")
                    left -= len(chunk)
                result[sha] = size
            else:
                data = stdout.read(size + 1)
                if len(data) != size + 1:
                    raise GitError(f"git cat-file stopped in the middle of object {sha}")
                result[sha] = data[:size]
    except BaseException:
        proc.kill()  # stopped early: what it would say next is not wanted
        raise
    finally:
        stdout.close()
        proc.wait()
        writer.join()
    return result

"""Files of the working tree, read without leaving the repository: never
through a symbolic link (a tracked link to a directory can point anywhere:
`linkdir -> /home/me/.ssh`), and never from outside the root."""

from __future__ import annotations

import os
import stat


def read(root: str, rel: str, max_bytes: int) -> tuple[bytes | None, str | None]:
    """The first max_bytes + 1 bytes of the file at `rel` (relative to
    `root`, in git's form), or None and why it was not read."""
    parts = rel.split("/")
    if rel.startswith("/") or any(p in ("", ".", "..") for p in parts):
        return None, "outside the repository"
    here = root
    for i, part in enumerate(parts):
        here = os.path.join(here, part)
        try:
            st = os.lstat(here)
        except OSError:
            return None, "does not exist in the working tree"
        if stat.S_ISLNK(st.st_mode):
            return None, "symbolic link" if i == len(parts) - 1 else "inside a symbolic link"
        if i < len(parts) - 1 and not stat.S_ISDIR(st.st_mode):
            return None, "does not exist in the working tree"
    if stat.S_ISDIR(st.st_mode):
        return None, "a directory (submodule?)"
    if not stat.S_ISREG(st.st_mode):
        return None, "not a regular file"
    if st.st_size > max_bytes:
        return None, f"larger than max-file-bytes ({st.st_size:,} > {max_bytes:,} bytes)"
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    try:
        # O_NOFOLLOW: a file swapped for a link after the check is not followed.
        fd = os.open(here, flags)
    except OSError as e:
        return None, f"unreadable: {e.strerror}"
    with os.fdopen(fd, "rb") as f:
        try:
            return f.read(max_bytes + 1), None
        except OSError as e:
            return None, f"unreadable: {e.strerror}"

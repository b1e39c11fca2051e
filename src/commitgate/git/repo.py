"""Running git, and the repository it runs in.

Everything commitgate asks of git goes through `run`: plumbing commands with
NUL-separated output, so that paths with spaces, newlines or non-UTF-8 bytes
come through intact. Nothing in this package writes to the index or the
working tree, and git's own environment (GIT_INDEX_FILE under
`git commit -a`, GIT_DIR...) is passed through untouched.

Why plumbing and not GitPython: this runs on every commit, and importing
GitPython alone costs about 0.12 s (measured; see docs/architecture.md),
more than the rest of a cached run. Each operation here is one git command.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from typing import NamedTuple

from commitgate.errors import GitError


class Repo(NamedTuple):
    root: str
    git_dir: str
    common_dir: str  # shared by all worktrees of the repository
    prefix: str  # the current directory relative to root, "" or "sub/dir/"


def run(
    args: Sequence[str],
    cwd: str | None = None,
    stdin: bytes | None = None,
    config: Sequence[str] = (),
) -> bytes:
    """Run git and return its stdout; a failure becomes a GitError with git's words.
    `config` holds `name=value` settings for this one command."""
    options = [o for c in ("core.quotepath=false", *config) for o in ("-c", c)]
    cmd = ["git", *options, *args]
    try:
        proc = subprocess.run(
            cmd,
            cwd=cwd,
            input=stdin,
            stdin=None if stdin is not None else subprocess.DEVNULL,
            capture_output=True,
            check=False,
        )
    except FileNotFoundError:
        raise GitError("git was not found on PATH; commitgate needs git installed") from None
    if proc.returncode != 0:
        msg = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        detail = msg[-1] if msg else f"exit code {proc.returncode}"
        raise GitError(f"git {args[0]} failed: {detail.removeprefix('fatal: ')}")
    return proc.stdout


def find_repo(cwd: str | None = None) -> Repo:
    try:
        out = run(
            [
                "rev-parse",
                "--show-toplevel",
                "--absolute-git-dir",
                "--git-common-dir",
                "--show-prefix",
            ],
            cwd=cwd,
        )
    except GitError as e:
        if "not a git repository" in str(e):
            raise GitError(
                "not inside a git repository: run commitgate from a git working tree"
            ) from None
        if "must be run in a work tree" in str(e):
            raise GitError(
                "not inside a git working tree (in a .git directory, or a bare repository): "
                "run commitgate from the working tree"
            ) from None
        raise
    lines = os.fsdecode(out).split("\n")
    if len(lines) < 4 or not lines[0]:
        raise GitError("not inside a git working tree (a bare repository cannot be reviewed)")
    root, git_dir, common_dir, prefix = lines[:4]
    # --git-common-dir is relative to the current directory unless absolute.
    common_dir = os.path.normpath(os.path.join(cwd or os.getcwd(), common_dir))
    return Repo(root, git_dir, common_dir, prefix)


def tracked_files(repo: Repo) -> list[str]:
    out = run(["ls-files", "-z", "--cached"], cwd=repo.root)
    return [os.fsdecode(p) for p in out.split(b"\0") if p]

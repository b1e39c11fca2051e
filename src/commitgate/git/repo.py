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


class IndexEntry(NamedTuple):
    mode: str  # 100644, 100755, 120000 (a symbolic link), 160000 (a submodule)
    sha: str


def index_entries(repo: Repo) -> dict[str, IndexEntry]:
    """Every path the index holds (stage 0), with its mode and blob."""
    out = run(["ls-files", "-z", "--stage"], cwd=repo.root)
    entries: dict[str, IndexEntry] = {}
    for record in out.split(b"\0"):
        if not record:
            continue
        meta, _, path = record.partition(b"\t")
        mode, sha, stage = meta.decode().split(" ")
        if stage == "0":
            entries[os.fsdecode(path)] = IndexEntry(mode, sha)
    return entries


def tree_entries(repo: Repo, commit: str) -> dict[str, IndexEntry]:
    """Every file of `commit`'s tree, with its mode and blob, as
    index_entries gives the index's."""
    out = run(["ls-tree", "-r", "-z", "--full-tree", commit], cwd=repo.root)
    entries: dict[str, IndexEntry] = {}
    for record in out.split(b"\0"):
        meta, _, path = record.partition(b"\t")
        fields = meta.decode().split(" ")
        if len(fields) == 3 and fields[1] == "blob":
            entries[os.fsdecode(path)] = IndexEntry(fields[0], fields[2])
    return entries


def file_at(repo: Repo, commit: str, path: str) -> bytes | None:
    """The regular file at `path` (from the root) in `commit`, or None when
    there is none there (or it is a link or a submodule)."""
    out = run(["ls-tree", "-z", "--full-tree", commit, "--", path], cwd=repo.root)
    meta, _, found = out.rstrip(b"\0").partition(b"\t")
    fields = meta.decode().split(" ")
    if os.fsdecode(found) != path or len(fields) != 3 or fields[0] not in ("100644", "100755"):
        return None
    return run(["cat-file", "blob", fields[2]], cwd=repo.root)


def merge_base(repo: Repo, a: str, b: str) -> str | None:
    """The best common ancestor of two commits; None when they have none."""
    try:
        return run(["merge-base", a, b], cwd=repo.root).decode().strip() or None
    except GitError:
        return None


def unstaged(repo: Repo) -> set[str]:
    """The tracked paths whose working-tree file may differ from the index
    (changed, deleted, or only touched: the index's stat cache is not
    refreshed, since nothing here writes the index)."""
    out = run(["diff-files", "-z", "--name-only", "--no-renames"], cwd=repo.root)
    return {os.fsdecode(p) for p in out.split(b"\0") if p}


def resolve(repo: Repo, ref: str) -> str:
    """The commit `ref` names. Resolved as a revision, never read as an
    option: `--from-ref=--output=x` must not reach `git diff` as one."""
    try:
        out = run(
            ["rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}"],
            cwd=repo.root,
        )
    except GitError:
        raise GitError(
            f"unknown revision {ref!r}: not a commit in this repository (in CI, check out "
            "with the full history: fetch-depth: 0)"
        ) from None
    return out.decode().strip()

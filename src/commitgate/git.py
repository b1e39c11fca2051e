"""Everything commitgate asks of git, and nothing else.

Plumbing commands with NUL-separated output, so that paths with spaces,
newlines or non-UTF-8 bytes come through intact. Nothing here writes to the
index or the working tree, and git's own environment (GIT_INDEX_FILE under
`git commit -a`, GIT_DIR...) is passed through untouched.
"""

from __future__ import annotations

import os
import re
import subprocess
import threading
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from commitgate.change import Change, ChangedFile, Hunk, Mode, NotReviewed
from commitgate.content import decode, split_lines
from commitgate.errors import GitError

GITLINK = "160000"
SYMLINK = "120000"
_NULL_SHA = re.compile(rb"^0+$")


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


def resolve_paths(repo: Repo, paths: Iterable[str]) -> tuple[list[str], list[NotReviewed]]:
    """Turn paths as given on the command line (relative to the current
    directory) into paths relative to the repository root, in git's form."""
    out: list[str] = []
    outside: list[NotReviewed] = []
    seen: set[str] = set()
    for p in paths:
        rel = os.path.normpath(os.path.join(repo.prefix, p)).replace(os.sep, "/")
        if rel == ".." or rel.startswith("../") or os.path.isabs(rel):
            outside.append(NotReviewed(p, "outside the repository"))
        elif rel not in seen:
            seen.add(rel)
            out.append(rel)
    return out, outside


def tracked_files(repo: Repo) -> list[str]:
    out = run(["ls-files", "-z", "--cached"], cwd=repo.root)
    return [os.fsdecode(p) for p in out.split(b"\0") if p]


class _Entry(NamedTuple):
    status: str  # git's status letter: A M D R C T U
    old_mode: str
    new_mode: str
    old_sha: str
    new_sha: str
    path: str
    old_path: str | None


_STATUS_NAMES = {"A": "added", "M": "modified", "R": "renamed", "C": "copied", "T": "added"}


def collect(
    repo: Repo,
    paths: Sequence[str] | None,
    *,
    from_ref: str | None = None,
    to_ref: str | None = None,
    whole: bool = False,
    max_bytes: int,
) -> Change:
    """Gather what to review.

    `paths` are the files pre-commit passed (root-relative), or None for the
    whole change. With refs, the change between them; otherwise the staged
    change, except that files passed with nothing staged (`--all-files`,
    `--files`) are reviewed whole.
    """
    if from_ref and to_ref:
        spec = [f"{from_ref}...{to_ref}"]
        mode, description = Mode.RANGE, f"{from_ref}...{to_ref}"
    elif whole:
        if paths is None:
            paths = tracked_files(repo)
        return _collect_whole(repo, paths, max_bytes)
    else:
        spec = ["--cached"]
        mode, description = Mode.STAGED, "staged change"

    entries, hunks = _diff(repo, spec, max_bytes)
    if mode is Mode.STAGED:
        unmerged = sorted({e.path for e in entries if e.status == "U"})
        if unmerged:
            raise GitError(
                f"merge conflict in progress: resolve the {len(unmerged)} unmerged path(s) "
                f"({', '.join(unmerged[:3])}{', ...' if len(unmerged) > 3 else ''}) first"
            )
    not_reviewed: list[NotReviewed] = []
    if paths is not None:
        by_path = {e.path: e for e in entries}
        if mode is Mode.STAGED and any(p not in by_path for p in paths):
            # Files were passed with nothing staged for at least one of them:
            # this is `--all-files` / `--files`, so review what was passed, whole.
            return _collect_whole(repo, paths, max_bytes)
        selected = []
        for p in paths:
            if p in by_path:
                selected.append(by_path[p])
            else:
                not_reviewed.append(NotReviewed(p, f"not changed in {description}"))
        entries = selected

    files: list[ChangedFile] = []
    wanted: list[_Entry] = []
    for e in entries:
        reason = _skip_reason(e)
        if reason:
            not_reviewed.append(NotReviewed(e.path, reason))
        else:
            wanted.append(e)
    blobs = _read_blobs(repo, {e.new_sha for e in wanted}, max_bytes)
    for e in wanted:
        blob = blobs.get(e.new_sha)
        if isinstance(blob, int):
            not_reviewed.append(NotReviewed(e.path, _too_large(blob, max_bytes)))
            continue
        text = decode(blob) if blob is not None else None
        if text is None:
            not_reviewed.append(NotReviewed(e.path, "binary"))
            continue
        lines = split_lines(text)
        status = _STATUS_NAMES[e.status]
        if not lines and status == "added":
            not_reviewed.append(NotReviewed(e.path, "empty"))
            continue
        file_hunks: tuple[Hunk, ...] = ()
        if status in ("modified", "renamed", "copied"):
            file_hunks = hunks.get((e.old_sha, e.new_sha), ())
            if not file_hunks and e.old_sha != e.new_sha and e.old_mode == e.new_mode:
                # git said the files differ but showed no text hunks: it
                # treats the file as binary (a .gitattributes `-diff`, say).
                not_reviewed.append(NotReviewed(e.path, "binary (per git attributes)"))
                continue
            if not file_hunks:
                not_reviewed.append(
                    NotReviewed(e.path, "no content change (rename or mode change only)")
                )
                continue
        files.append(ChangedFile(e.path, status, lines, file_hunks, e.old_path))
    return Change(mode, files, not_reviewed, description)


def _skip_reason(e: _Entry) -> str | None:
    if e.status == "D":
        return "deleted"
    if e.new_mode == GITLINK:
        return "submodule"
    if e.new_mode == SYMLINK:
        return "symbolic link"
    if _NULL_SHA.match(e.new_sha.encode()):
        # `git add -N`: intent to add, no content staged yet.
        return "no content staged (intent-to-add)"
    return None


def _too_large(size: int, max_bytes: int) -> str:
    return f"larger than max-file-bytes ({size:,} > {max_bytes:,} bytes)"


def _diff(
    repo: Repo, spec: list[str], max_bytes: int
) -> tuple[list[_Entry], dict[tuple[str, str], tuple[Hunk, ...]]]:
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
    entries: list[_Entry] = []
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
        entries.append(_Entry(status[0], old_mode, new_mode, old_sha, new_sha, path, old_path))
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


def _read_blobs(repo: Repo, shas: set[str], max_bytes: int) -> dict[str, bytes | int]:
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


def _collect_whole(repo: Repo, paths: Sequence[str], max_bytes: int) -> Change:
    files: list[ChangedFile] = []
    not_reviewed: list[NotReviewed] = []
    for rel in paths:
        full = os.path.join(repo.root, rel)
        try:
            st = os.lstat(full)
        except OSError:
            not_reviewed.append(NotReviewed(rel, "does not exist in the working tree"))
            continue
        reason = _file_skip_reason(st, max_bytes)
        if reason:
            not_reviewed.append(NotReviewed(rel, reason))
            continue
        try:
            with open(full, "rb") as f:
                data = f.read(max_bytes + 1)
        except OSError as e:
            not_reviewed.append(NotReviewed(rel, f"unreadable: {e.strerror}"))
            continue
        if len(data) > max_bytes:
            not_reviewed.append(NotReviewed(rel, _too_large(len(data), max_bytes)))
            continue
        text = decode(data)
        if text is None:
            not_reviewed.append(NotReviewed(rel, "binary"))
            continue
        if not text:
            not_reviewed.append(NotReviewed(rel, "empty"))
            continue
        files.append(ChangedFile(rel, "whole", split_lines(text)))
    return Change(Mode.FILES, files, not_reviewed, "whole files")


def _file_skip_reason(st: os.stat_result, max_bytes: int) -> str | None:
    import stat

    if stat.S_ISLNK(st.st_mode):
        return "symbolic link"
    if stat.S_ISDIR(st.st_mode):
        return "a directory (submodule?)"
    if not stat.S_ISREG(st.st_mode):
        return "not a regular file"
    if st.st_size > max_bytes:
        return _too_large(st.st_size, max_bytes)
    return None

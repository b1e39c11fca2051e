"""What to review: the staged change, a range, or whole files, gathered
into a Change of text files with their hunks, and what was left out."""

from __future__ import annotations

import dataclasses
import difflib
import os
import re
from collections.abc import Iterable, Sequence

from commitgate.errors import GitError
from commitgate.git import worktree
from commitgate.git.blobs import read_blobs
from commitgate.git.change import Change, ChangedFile, Hunk, Mode, NotReviewed
from commitgate.git.content import decode, split_lines
from commitgate.git.diff import Entry, diff
from commitgate.git.repo import Repo, index_entries, resolve, run, tracked_files, unstaged

GITLINK = "160000"
SYMLINK = "120000"
_MODE_NAMES = {GITLINK: "submodule", SYMLINK: "symbolic link"}
_MERGED = "merged without conflict (pre-commit passes only the files that conflicted)"
_NULL_SHA = re.compile(rb"^0+$")


def resolve_paths(repo: Repo, paths: Iterable[str]) -> tuple[list[str], list[NotReviewed]]:
    """Turn paths as given on the command line (relative to the current
    directory) into paths relative to the repository root, in git's form."""
    out: list[str] = []
    outside: list[NotReviewed] = []
    seen: set[str] = set()
    root = os.path.realpath(repo.root)
    for p in paths:
        if os.path.isabs(p):
            # Relative to the root, wherever the root is reached from (/tmp
            # and /private/tmp on macOS): the directory resolved, not the
            # file, which may be a link and is judged when it is read.
            folder, name = os.path.split(os.path.normpath(p))
            rel = os.path.relpath(os.path.join(os.path.realpath(folder), name), root)
        else:
            rel = os.path.normpath(os.path.join(repo.prefix, p))
        rel = rel.replace(os.sep, "/")
        if rel == ".":
            outside.append(NotReviewed(p, "a directory"))
        elif rel == ".." or rel.startswith("../") or os.path.isabs(rel):
            outside.append(NotReviewed(p, "outside the repository"))
        elif rel not in seen:
            seen.add(rel)
            out.append(rel)
    return out, outside


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
        spec = [f"{resolve(repo, from_ref)}...{resolve(repo, to_ref)}"]
        mode, description = Mode.RANGE, f"{from_ref}...{to_ref}"
    elif whole:
        if paths is None:
            paths = tracked_files(repo)
        return _collect_whole(repo, paths, max_bytes)
    else:
        spec = ["--cached"]
        mode, description = Mode.STAGED, "staged change"

    entries, hunks = diff(repo, spec, max_bytes)
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
        if mode is Mode.STAGED:
            not_reviewed += _merged_cleanly(repo, entries, paths)
        selected = []
        for p in paths:
            if p in by_path:
                selected.append(by_path[p])
            else:
                not_reviewed.append(NotReviewed(p, f"not changed in {description}"))
        entries = selected

    files: dict[str, ChangedFile] = {}
    wanted: list[Entry] = []
    for e in entries:
        reason = _skip_reason(e)
        if reason:
            not_reviewed.append(NotReviewed(e.path, reason))
        else:
            wanted.append(e)
    blobs = read_blobs(repo, {e.new_sha for e in wanted}, max_bytes)
    unshown: list[Entry] = []  # text to us, binary to git: its hunks are ours to find
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
                # git said the files differ but showed no text hunks: to git
                # the file is binary (a NUL byte, as in UTF-16, or -diff).
                unshown.append(e)
            elif not file_hunks:
                not_reviewed.append(
                    NotReviewed(e.path, "no content change (rename or mode change only)")
                )
                continue
        files[e.path] = ChangedFile(e.path, status, lines, file_hunks, e.old_path)
    for e in unshown:
        found = _own_hunks(repo, e, files[e.path].lines, max_bytes)
        if isinstance(found, str):
            not_reviewed.append(NotReviewed(e.path, found))
            del files[e.path]
        else:
            files[e.path] = dataclasses.replace(files[e.path], hunks=found)
    return Change(mode, list(files.values()), not_reviewed, description)


def _own_hunks(
    repo: Repo, e: Entry, new: tuple[str, ...], max_bytes: int
) -> tuple[Hunk, ...] | str:
    """The hunks of a text file git would not diff (UTF-16: its NUL bytes
    read as binary to git), found by comparing the decoded lines; or why
    the file is not reviewed: git's attributes call it binary (`-diff`,
    `binary`), or its old version is not text."""
    attrs = run(["check-attr", "-z", "diff", "--", e.path], cwd=repo.root).split(b"\0")
    if attrs[2:3] == [b"unset"]:
        return "binary (per git attributes)"
    old = read_blobs(repo, {e.old_sha}, max_bytes).get(e.old_sha)
    text = decode(old) if isinstance(old, bytes) else None
    if text is None:
        return "binary"
    before = split_lines(text)
    out = []
    matcher = difflib.SequenceMatcher(None, before, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            # As git numbers a hunk: a pure deletion sits after line j1.
            out.append(Hunk(j1 + 1 if j2 > j1 else j1, j2 - j1, before[i1:i2]))
    return tuple(out)


def _merged_cleanly(
    repo: Repo, entries: Sequence[Entry], paths: Sequence[str]
) -> list[NotReviewed]:
    """Committing a merge, pre-commit passes only the files that conflicted:
    the others, merged without conflict, are listed rather than left out
    without a word (they were reviewed, or not, on their own branch)."""
    if not os.path.exists(os.path.join(repo.git_dir, "MERGE_HEAD")):
        return []
    passed = set(paths)
    return [
        NotReviewed(
            e.path, "merged without conflict (pre-commit passes only the files that conflicted)"
        )
        for e in entries
        if e.path not in passed and e.status != "D"
    ]


def _skip_reason(e: Entry) -> str | None:
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


def _collect_whole(repo: Repo, paths: Sequence[str], max_bytes: int) -> Change:
    """The files, whole: from git's objects when the index holds them as
    they are in the working tree, else from the working tree, read without
    following a symbolic link (worktree.py)."""
    index = index_entries(repo)
    dirty = unstaged(repo) if any(p in index for p in paths) else set()
    clean = {p: index[p] for p in paths if p in index and p not in dirty}
    blobs = read_blobs(
        repo, {e.sha for e in clean.values() if e.mode not in (SYMLINK, GITLINK)}, max_bytes
    )
    files: list[ChangedFile] = []
    not_reviewed: list[NotReviewed] = []
    for rel in paths:
        entry = index.get(rel)
        if entry is not None and entry.mode in (SYMLINK, GITLINK):
            not_reviewed.append(NotReviewed(rel, _MODE_NAMES[entry.mode]))
            continue
        data: bytes | int | None
        if rel in clean:
            data, why = blobs[clean[rel].sha], None
        else:
            data, why = worktree.read(repo.root, rel, max_bytes)
        if why is not None or data is None:
            not_reviewed.append(NotReviewed(rel, why or "unreadable"))
            continue
        if isinstance(data, int) or len(data) > max_bytes:
            size = data if isinstance(data, int) else len(data)
            not_reviewed.append(NotReviewed(rel, _too_large(size, max_bytes)))
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

"""What to review: the staged change, a range, or whole files, gathered
into a Change of text files with their hunks, and what was left out."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence

from commitgate.errors import GitError
from commitgate.git.blobs import read_blobs
from commitgate.git.change import Change, ChangedFile, Hunk, Mode, NotReviewed
from commitgate.git.content import decode, split_lines
from commitgate.git.diff import Entry, diff
from commitgate.git.repo import Repo, tracked_files

GITLINK = "160000"
SYMLINK = "120000"
_NULL_SHA = re.compile(rb"^0+$")


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
        selected = []
        for p in paths:
            if p in by_path:
                selected.append(by_path[p])
            else:
                not_reviewed.append(NotReviewed(p, f"not changed in {description}"))
        entries = selected

    files: list[ChangedFile] = []
    wanted: list[Entry] = []
    for e in entries:
        reason = _skip_reason(e)
        if reason:
            not_reviewed.append(NotReviewed(e.path, reason))
        else:
            wanted.append(e)
    blobs = read_blobs(repo, {e.new_sha for e in wanted}, max_bytes)
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

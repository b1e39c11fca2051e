"""The last review, kept for `commitgate fix`.

Every review run (not a dry run) writes its findings, numbered as
`commitgate fix --list` shows them, and each finding's file as it was
reviewed, to `last-PROFILE.json` in this worktree's git directory (one file
per profile: the tests hook, which runs after the review at the same commit,
must not replace the findings that blocked it). `fix` then works after a
blocked commit without asking for the review again, and knows whether a
file changed since.

pre-commit may split a long file list over several runs of the hook: a run
over the same index (or the same refs) as the record adds to it instead of
replacing it.
"""

from __future__ import annotations

import contextlib
import json
import os
import shlex
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from commitgate.git.change import Change
from commitgate.review.baseline import IN_BASELINE
from commitgate.review.findings import Finding
from commitgate.severity import Severity

if TYPE_CHECKING:
    from commitgate import git
    from commitgate.review.flow import Target
    from commitgate.review.outcome import Outcome

VERSION = 1


class Kept(NamedTuple):
    number: int  # as `fix --list` shows it, from 1
    finding: Finding
    fixed: bool = False  # a fix for it was applied


class LastReview(NamedTuple):
    made: float  # when, seconds since the epoch
    description: str  # what was reviewed: "staged change", "a1b2c3..d4e5f6"
    profile: str
    recheck: str  # the command that reviews the fixed files again
    findings: tuple[Kept, ...]
    files: dict[str, tuple[str, ...]]  # each finding's file, as reviewed
    stamp: str  # what was reviewed: the index as it stood, or the refs

    def numbered(self, numbers: Sequence[int]) -> list[Kept]:
        known = {k.number: k for k in self.findings}
        return [known[n] for n in numbers if n in known]


def path(repo: git.Repo, profile: str) -> str:
    return os.path.join(repo.git_dir, "commitgate", f"last-{profile}.json")


def stamp(repo: git.Repo, target: Target) -> str:
    """What the review read, cheaply: two runs with the same stamp reviewed
    parts of one change (the index file is rewritten by every `git add`)."""
    if target.from_ref:
        return f"refs {target.from_ref} {target.to_ref}"
    index = os.environ.get("GIT_INDEX_FILE") or os.path.join(repo.git_dir, "index")
    try:
        st = os.stat(os.path.join(repo.root, index))
    except OSError:
        return "index none"
    return f"index {st.st_mode} {st.st_size} {st.st_mtime_ns} {target.whole}"


def recheck(target: Target, profile: str, paths: Sequence[str]) -> str:
    """The command that reviews the fixed files again."""
    return recheck_for(profile, paths, whole=target.whole)


def recheck_for(profile: str, paths: Sequence[str], whole: bool = False) -> str:
    if not paths:
        return ""
    quoted = " ".join(shlex.quote(p) for p in paths)
    flags = "" if profile == "review" else f" --profile {profile}"
    if whole:
        return f"commitgate{flags} --whole {quoted}"
    return f"git add -- {quoted} && commitgate{flags} {quoted}"


def save(repo: git.Repo, target: Target, change: Change, outcome: Outcome) -> str | None:
    """Keep this review; None, or why it could not be kept."""
    now = stamp(repo, target)
    earlier = load(repo, outcome.profile)
    shown = [f for f in outcome.findings if f.held != IN_BASELINE]
    reviewed = {f.path for f in shown}
    findings: list[Finding] = []
    files: dict[str, tuple[str, ...]] = {}
    if earlier is not None and earlier.stamp == now and earlier.profile == outcome.profile:
        # Another part of the same change (pre-commit split its file list).
        here = set(outcome.files) | {n.path for n in outcome.not_reviewed}
        findings = [k.finding for k in earlier.findings if k.finding.path not in here]
        files = {p: lines for p, lines in earlier.files.items() if p not in here}
    findings += shown
    lines = {f.path: f.lines for f in change.files}
    files.update({p: lines[p] for p in reviewed if p in lines})
    paths = sorted({f.path for f in findings})
    return keep(
        repo,
        outcome.profile,
        outcome.description,
        recheck(target, outcome.profile, paths),
        now,
        findings,
        files,
    )


def keep(
    repo: git.Repo,
    profile: str,
    description: str,
    recheck: str,
    stamp: str,
    findings: Sequence[Finding],
    files: dict[str, tuple[str, ...]],
) -> str | None:
    """Write a record: these findings, numbered from 1, and the lines of
    their files as reviewed. None, or why it could not be written."""
    doc = {
        "version": VERSION,
        "made": time.time(),
        "description": description,
        "profile": profile,
        "recheck": recheck,
        "stamp": stamp,
        "findings": [
            {"number": n, "fixed": False, **f.to_json()} for n, f in enumerate(findings, 1)
        ],
        "files": {p: list(ls) for p, ls in files.items()},
    }
    return _write(path(repo, profile), doc)


def mark_fixed(repo: git.Repo, profile: str, numbers: Sequence[int]) -> None:
    """Record that fixes for these findings were applied."""
    where = path(repo, profile)
    doc = _read(where)
    if doc is None:
        return
    for f in doc["findings"]:
        if f.get("number") in numbers:
            f["fixed"] = True
    _write(where, doc)


def latest(repo: git.Repo) -> LastReview | None:
    """The last review that has a blocking finding not yet fixed, of any
    profile; else the last review of all."""
    from commitgate.review.profiles import PROFILES

    kept = [r for r in (load(repo, name) for name in PROFILES) if r is not None]
    kept.sort(key=lambda r: r.made, reverse=True)
    open_ = [r for r in kept if any(k.finding.blocking and not k.fixed for k in r.findings)]
    return (open_ or kept)[0] if kept else None


def load(repo: git.Repo, profile: str) -> LastReview | None:
    """The last review of this profile, or None when there is none this
    version can read."""
    doc = _read(path(repo, profile))
    if doc is None:
        return None
    try:
        kept = tuple(
            Kept(int(f["number"]), _finding(f), bool(f.get("fixed"))) for f in doc["findings"]
        )
        files = {str(p): tuple(str(x) for x in ls) for p, ls in doc["files"].items()}
        return LastReview(
            float(doc["made"]),
            str(doc["description"]),
            str(doc["profile"]),
            str(doc["recheck"]),
            kept,
            files,
            str(doc["stamp"]),
        )
    except (KeyError, TypeError, ValueError, AttributeError):
        return None


_FIELDS = (
    "path",
    "line",
    "title",
    "message",
    "end_line",
    "category",
    "suggestion",
    "confidence",
    "held",
    "blocking",
    "model",
    "verified_by",
    "fingerprint",
    "moved_from",
)


def _finding(d: dict[str, Any]) -> Finding:
    values = {k: d[k] for k in _FIELDS if k in d}
    return Finding(severity=Severity.parse(str(d["severity"])), **values)


def _read(where: str) -> dict[str, Any] | None:
    try:
        with open(where, encoding="utf-8") as f:
            doc = json.load(f)
    except (OSError, ValueError):
        return None
    if not isinstance(doc, dict) or doc.get("version") != VERSION:
        return None
    return doc


def _write(where: str, doc: dict[str, Any]) -> str | None:
    tmp = f"{where}.{os.getpid()}.tmp"
    try:
        os.makedirs(os.path.dirname(where), exist_ok=True)
        with open(tmp, "w", encoding="utf-8") as f:
            # ASCII: a path that is not UTF-8 (a lone surrogate) is kept as
            # an escape, and read back as the same path.
            json.dump(doc, f)
        os.replace(tmp, where)
    except OSError as e:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        return f"could not keep the review for `commitgate fix` in {where}: {e.strerror or e}"
    return None

"""From the last review's findings to patches that apply.

Everything that can be refused without the model is refused before a token
is spent: a file that is gone, not UTF-8, or whose finding's lines changed
since the review. The model's edits are then checked one finding at a time,
in the order of the review: they must name the finding's file, keep clear of
another fix's lines, leave a Python file compiling, and make a patch that
`git apply --check` takes. A finding whose fix fails any of these is refused
with the reason; the others still get theirs.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, NamedTuple

from commitgate import git
from commitgate.config import Settings
from commitgate.fix import ask, edits, patch
from commitgate.fix.edits import Edit, Refused
from commitgate.git import worktree
from commitgate.model.session import Question
from commitgate.model.wire import Usage
from commitgate.outbound import neversend
from commitgate.review.last import Kept, LastReview

if TYPE_CHECKING:
    import httpx

    from commitgate.model.cost import Cost


class FileFix(NamedTuple):
    """The fixes of one file, as one patch."""

    path: str
    numbers: tuple[int, ...]
    patch: bytes
    note: str = ""  # what the user should know before staging it


class Refusal(NamedTuple):
    number: int
    why: str


class Plan(NamedTuple):
    files: list[FileFix]
    refused: list[Refusal]
    explanations: dict[int, str]  # what each fix does, in the model's words
    usage: Usage
    attempts: int
    cost: Cost | None
    elapsed: float
    notes: list[str]
    unavailable: bool  # no fix could be asked for (no credential, no server)


class _File(NamedTuple):
    text: edits.Text
    reviewed: tuple[str, ...]
    shown: tuple[str, ...]  # as the model sees it: secrets replaced


def fix_model(settings: Settings) -> str:
    return settings.fix_model or settings.model


def propose(
    settings: Settings,
    repo: git.Repo,
    record: LastReview,
    chosen: Sequence[Kept],
    env: Mapping[str, str],
    transport: httpx.BaseTransport | None = None,
) -> Plan:
    """Patches for the chosen findings, none of them applied."""
    started = time.monotonic()
    refused: list[Refusal] = []
    files: dict[str, _File] = {}
    asked: list[tuple[Kept, Question]] = []
    for kept in chosen:
        try:
            f = files.get(kept.finding.path) or _open(settings, repo, record, kept)
        except Refused as e:
            refused.append(Refusal(kept.number, str(e)))
            continue
        files[kept.finding.path] = f
        finding = kept.finding
        where = edits.mapping(f.reviewed, f.text.lines)
        try:
            edits.check_lines(
                where, finding.line, finding.end_line or finding.line, finding.path, "the finding's"
            )
        except Refused as e:
            refused.append(Refusal(kept.number, str(e)))
            continue
        q = ask.question(
            fix_model(settings), settings.reasoning_effort, kept.number, finding, f.shown
        )
        asked.append((kept, q))

    sent = ask.send(settings, repo, env, [q for _, q in asked], transport)
    replies = {asked[i][0].number: reply for i, reply in sent.replies.items()}

    proposals: dict[str, list[tuple[Kept, ask.Proposed]]] = {}
    explanations: dict[int, str] = {}
    for kept, _ in asked:
        reply = replies.get(kept.number)
        if reply is None or reply.findings is None:
            why = reply.error if reply is not None else "no answer"
            refused.append(Refusal(kept.number, f"no fix: {why}"))
            continue
        proposed: ask.Proposed = reply.findings
        explanations[kept.number] = proposed.explanation
        path = kept.finding.path
        others = sorted({e.path for e in proposed.edits if e.path != path})
        if others:
            refused.append(
                Refusal(
                    kept.number,
                    f"the fix reaches for {', '.join(others)}, not only {path}: not applied",
                )
            )
        elif not proposed.edits:
            why = proposed.explanation or "no reason given"
            refused.append(Refusal(kept.number, f"the model proposed no change: {why}"))
        else:
            proposals.setdefault(path, []).append((kept, proposed))

    out: list[FileFix] = []
    for path, fixes in proposals.items():
        made = _combine(repo, path, files[path], fixes, refused)
        if made is not None:
            out.append(made)
    refused.sort()
    return Plan(
        out,
        refused,
        explanations,
        sent.usage,
        sent.attempts,
        sent.cost,
        time.monotonic() - started,
        sent.notes,
        sent.unavailable and not out,
    )


def _open(settings: Settings, repo: git.Repo, record: LastReview, kept: Kept) -> _File:
    path = kept.finding.path
    reviewed = record.files.get(path)
    if reviewed is None:
        raise Refused(f"{path}: the last review did not keep this file: review again")
    if neversend.glob_for(path, settings.never_send) is not None:
        raise Refused(f"{path} is never sent to the model (never-send)")
    data, why = worktree.read(repo.root, path, settings.max_file_bytes)
    if data is None:
        if why == "does not exist in the working tree":
            raise Refused(f"{path} no longer exists")
        raise Refused(f"{path}: {why}")
    if len(data) > settings.max_file_bytes:
        raise Refused(f"{path} is larger than max-file-bytes")
    text = edits.read(path, data)
    shown = reviewed
    if settings.redact:
        from commitgate.outbound.redact import redact

        shown = redact(path, reviewed).lines
    return _File(text, reviewed, shown)


def _combine(
    repo: git.Repo,
    path: str,
    f: _File,
    fixes: Sequence[tuple[Kept, ask.Proposed]],
    refused: list[Refusal],
) -> FileFix | None:
    """One patch for the fixes of a file that go together, in the review's
    order; each fix that does not fit is refused with the reason."""
    old = f.text.data()
    taken: list[Edit] = []
    numbers: list[int] = []
    new = old
    for kept, proposed in fixes:
        try:
            candidate = edits.apply(f.text, f.reviewed, [*taken, *proposed.edits], f.shown)
            if candidate == new:
                raise Refused(f"{path}: the fix changes nothing")
            patch.compiles(path, old, candidate)
            patch.check(repo, path, patch.unified(path, old, candidate))
        except Refused as e:
            refused.append(Refusal(kept.number, str(e)))
            continue
        taken += proposed.edits
        numbers.append(kept.number)
        new = candidate
    if not numbers:
        return None
    note = ""
    if f.text.lines != f.reviewed:
        note = (
            f"{path} holds changes that were not reviewed (unstaged, or made since): stage "
            f"only the fix with `git add -p -- {path}`"
        )
    return FileFix(path, tuple(numbers), patch.unified(path, old, new), note)


def apply(repo: git.Repo, fix: FileFix) -> None:
    """Write one file's fixes to the working tree, if it is still as it was
    when they were made (Refused otherwise)."""
    patch.apply(repo, fix.path, fix.patch)

"""One review, top to bottom: collect the change, render and plan it, ask
the model (or the cache), check the findings, decide. Each step is a module
of its own; this one only wires them together."""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, NamedTuple

from commitgate import (
    ask,
    baseline,
    cache,
    git,
    neversend,
    plan,
    profiles,
    prompt,
    routing,
    suppress,
    testmap,
    verify,
)
from commitgate.change import Change, ChangedFile, NotReviewed
from commitgate.config import Settings
from commitgate.findings import Checker, Finding, merge_duplicates
from commitgate.gate import Decision, decide
from commitgate.glob import matcher
from commitgate.outcome import Outcome
from commitgate.session import Session

if TYPE_CHECKING:
    import httpx


class Target(NamedTuple):
    """What the command line asked to review."""

    paths: Sequence[str] | None = None  # None: the whole change
    from_ref: str | None = None
    to_ref: str | None = None
    whole: bool = False  # review the files whole, even when staged
    more_calls_follow: bool = False  # pre-commit split its file list; see precommit.py


def review(
    settings: Settings,
    repo: git.Repo,
    target: Target,
    *,
    env: Mapping[str, str],
    dry_run: bool = False,
    use_cache: bool = True,
    transport: httpx.BaseTransport | None = None,
    accepted: frozenset[str] | None = None,
) -> Outcome:
    """`accepted`: the fingerprints of findings that never block; by default,
    those of the baseline file."""
    change = git.collect(
        repo,
        target.paths,
        from_ref=target.from_ref,
        to_ref=target.to_ref,
        whole=target.whole,
        max_bytes=settings.max_file_bytes,
    )
    change = _select(change, settings)
    return review_change(
        settings,
        repo,
        change,
        env=env,
        dry_run=dry_run,
        use_cache=use_cache,
        no_tail=target.more_calls_follow,
        transport=transport,
        accepted=accepted,
        context=(
            tests_context(repo, change, settings)
            if settings.profile == profiles.TESTS.name
            else None
        ),
    )


def review_change(
    settings: Settings,
    repo: git.Repo,
    change: Change,
    *,
    env: Mapping[str, str],
    citable: Sequence[ChangedFile] | None = None,
    dry_run: bool = False,
    use_cache: bool = True,
    no_tail: bool = False,
    transport: httpx.BaseTransport | None = None,
    accepted: frozenset[str] | None = None,
    context: Mapping[str, str] | None = None,
) -> Outcome:
    """Review a change already collected; findings may cite only the files
    in `citable` (default: all of the change). `context`: text shown beside
    a file, by path (it is part of what the file's verdict is cached under)."""
    started = time.monotonic()
    profile = profiles.get(settings.profile)
    instructions = profile.instructions(settings.instructions)
    change = neversend.hold_back(change, settings.never_send)
    # What is sent is redacted; findings are checked against the files as
    # they are (redaction keeps every line in its place).
    sent, redacted = sendable(change.files, settings)
    units = _render(sent, settings, instructions, context or {})
    outcome = Outcome(
        description=change.description,
        model=settings.model,
        profile=settings.profile,
        files=[f.path for f in change.files],
        changed_lines=sum(f.changed_line_count() for f in change.files),
        not_reviewed=list(change.not_reviewed),
        findings=[],
        decision=Decision(False, ()),
        on_error=_policy(settings, env),
        dry_run=dry_run,
        root=repo.root,
        redacted=redacted,
    )
    if not units:
        return outcome
    note = routing.off_gateway_note(settings)
    if note:
        outcome.notes.append(note)
    if accepted is None:
        # Read before anything is sent: a broken baseline costs no tokens.
        accepted = baseline.accepted(repo.root, settings)

    from commitgate.progress import Progress

    store = _open_cache(settings, repo, outcome) if use_cache and settings.cache else None
    session = Session(settings, env, common_dir=repo.common_dir, transport=transport)
    try:
        asked = ask.ask(
            units,
            session,
            instructions=instructions,
            description=change.description,
            model_for=_router(settings),
            cache=store,
            dry_run=dry_run,
            no_tail=no_tail,
            progress=None if dry_run else Progress.for_terminal(),
        )
        outcome.batches = asked.sent
        outcome.notes += asked.notes
        outcome.units = len(units)
        outcome.cached_units = sum(v.cached for v in asked.verdicts)
        if dry_run:
            if asked.sent:
                from commitgate import cost

                outcome.cost = cost.of_input(
                    [(m, b.request_tokens) for m, b in zip(asked.models, asked.sent)],
                    settings,
                    repo.common_dir,
                )
            return outcome
        checker = Checker(change.files if citable is None else citable, settings.unchanged_lines)
        findings = merge_duplicates(_check(asked, checker, change, outcome), checker.dropped)
        outcome.dropped = checker.dropped
        if session.no_credential and settings.on_error == "auto":
            # A missing key is a setup problem, not a network hiccup: letting
            # every commit through with a warning would only hide it.
            outcome.on_error = "fail"
        # Read from the files as they are, not from what was sent (see suppress.py).
        kept = suppress.apply(findings, change.files)
        outcome.suppressed = kept.removed
        outcome.notes += kept.notes
        findings, decision = decide(baseline.hold(kept.findings, accepted), settings)
        if settings.verify and verify.candidates(findings, settings.verify_model):
            verified = verify.second_opinion(
                findings,
                {f.path: f for f in change.files},
                units,
                session,
                model=settings.verify_model,
                effort=settings.verify_reasoning_effort,
                cache=store,
            )
            outcome.dismissed, outcome.notes = verified.dismissed, outcome.notes + verified.notes
            findings, decision = decide(verified.findings, settings)
        outcome.findings, outcome.decision = findings, decision
    finally:
        session.close()
        if store is not None:
            store.close()
        outcome.usage = session.usage
        outcome.notes += session.notes
    if session.usage.requests:
        from commitgate import cost

        outcome.cost = cost.of_run(session.usage_by_model, settings, repo.common_dir)
    outcome.elapsed = time.monotonic() - started
    return outcome


def _check(asked: ask.Asked, checker: Checker, change: Change, outcome: Outcome) -> list[Finding]:
    """The findings of every verdict, checked; the files whose review failed
    are moved to the not-reviewed list, each with its own reason."""
    findings = []
    failed: dict[str, str] = {}
    for verdict in asked.verdicts:
        if verdict.error is not None:
            # A file split over several requests is reviewed only if all were.
            failed.setdefault(verdict.unit.path, verdict.error)
            continue
        for raw in verdict.findings or ():
            finding = checker.check(raw, model=verdict.model, cached=verdict.cached)
            if finding is not None:
                findings.append(finding)
    if failed:
        new = [why for why in dict.fromkeys(failed.values()) if why not in outcome.failures]
        outcome.failures += new
        outcome.files = [p for p in outcome.files if p not in failed]
        outcome.not_reviewed += [NotReviewed(p, failed[p]) for p in sorted(failed)]
        outcome.changed_lines = sum(
            f.changed_line_count() for f in change.files if f.path not in failed
        )
    return findings


def _router(settings: Settings) -> Callable[[prompt.Unit], str]:
    """Sensitive paths go straight to the stronger model."""
    sensitive = matcher(tuple(settings.sensitive))
    return lambda u: settings.verify_model if sensitive(u.path) else settings.model


def _open_cache(settings: Settings, repo: git.Repo, outcome: Outcome) -> cache.Cache | None:
    directory = cache.location(settings.cache_dir, repo.root, repo.common_dir)
    store, problem = cache.open_cache(directory)
    if problem:
        outcome.notes.append(problem)
    return store


def _select(change: Change, settings: Settings) -> Change:
    """Leave out what the configuration keeps out of this review, saying so."""
    # The baseline is the tool's own data: reviewing it would cost tokens,
    # and its titles of accepted problems invite findings about them.
    own = os.path.normpath(settings.baseline).replace(os.sep, "/") if settings.baseline else None
    excluded = matcher(settings.exclude)
    outside = matcher(settings.paths) if settings.paths else None
    keep, gone = [], []
    for f in change.files:
        if f.path == own:
            gone.append(NotReviewed(f.path, "the commitgate baseline"))
        elif excluded(f.path):
            gone.append(NotReviewed(f.path, "excluded by configuration"))
        elif outside is not None and not outside(f.path):
            gone.append(NotReviewed(f.path, f"outside the paths of [{settings.profile}]"))
        else:
            keep.append(f)
    change.files = keep
    change.not_reviewed = gone + change.not_reviewed
    return change


def sendable(
    files: Sequence[ChangedFile], settings: Settings
) -> tuple[list[ChangedFile], Counter[str]]:
    """The files as they may leave the machine: with their secrets replaced
    (unless redact = false), and what was replaced, by kind."""
    if not files or not settings.redact:
        return list(files), Counter()
    from commitgate import redact  # compiles its patterns: not for an empty run

    return redact.redact_files(files)


def _render(
    files: Sequence[ChangedFile],
    settings: Settings,
    instructions: str,
    context: Mapping[str, str],
) -> list[prompt.Unit]:
    """The change as units of review, each within a request's budget, each
    with its file's `context` (what the model needs beside it) if any."""
    budget = ask.request_budget(settings, settings.model, instructions)
    max_chars = int(budget * plan.CHARS_PER_TOKEN)
    return [
        u
        for f in files
        for u in prompt.units(f, settings.context_lines, max_chars, context.get(f.path, ""))
    ]


def tests_context(repo: git.Repo, change: Change, settings: Settings) -> dict[str, str]:
    """For the test-gap review: each changed file's existing tests, as they
    may be sent (never-send files left out, secrets replaced)."""
    tests = testmap.related_tests(repo, [f.path for f in change.files])
    in_change = [f.path for f in change.files]
    out = {}
    for path, found in tests.items():
        allowed = [t for t in found if neversend.glob_for(t, settings.never_send) is None]
        out[path] = testmap.context(repo, allowed, skip=in_change, redact=settings.redact)
    return out


def _policy(settings: Settings, env: Mapping[str, str]) -> str:
    if settings.on_error != "auto":
        return settings.on_error
    ci = env.get("CI", "").strip().lower()
    return "fail" if ci and ci not in ("0", "false", "no") else "warn"

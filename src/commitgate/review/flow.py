"""One review, top to bottom. `review_change` is the whole flow as a list of
steps; each step is a function below, named as the domain names it, and
each does its work in a module of its own. A new step goes into that list
in its place, and its result into `Outcome`, which is assembled in one
place (`_outcome`).
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, NamedTuple

from commitgate import cache, git
from commitgate.config import Settings
from commitgate.git.change import Change, ChangedFile, NotReviewed
from commitgate.glob import matcher
from commitgate.model import routing
from commitgate.model.session import Session
from commitgate.model.tokens import CHARS_PER_TOKEN
from commitgate.outbound import neversend
from commitgate.review import (
    ask,
    baseline,
    escalate,
    gate,
    last,
    passes,
    profiles,
    prompt,
    rules,
    scope,
    suppress,
    verify,
)
from commitgate.review.context import tests_context
from commitgate.review.findings import Checker, Finding, merge_duplicates
from commitgate.review.outcome import Outcome

if TYPE_CHECKING:
    import httpx

    from commitgate.model.cost import Cost


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
    keep: bool = False,
) -> Outcome:
    """Collect what `target` names, and review it. `accepted`: the
    fingerprints of findings that never block; by default, those of the
    baseline file. `keep`: keep the review for `commitgate fix` (last.py)."""
    return review_collected(
        settings,
        repo,
        target,
        env=env,
        dry_run=dry_run,
        use_cache=use_cache,
        transport=transport,
        accepted=accepted,
        keep=keep,
    )[1]


def review_collected(
    settings: Settings,
    repo: git.Repo,
    target: Target,
    *,
    env: Mapping[str, str],
    dry_run: bool = False,
    use_cache: bool = True,
    transport: httpx.BaseTransport | None = None,
    accepted: frozenset[str] | None = None,
    keep: bool = False,
) -> tuple[Change, Outcome]:
    """`review`, and the change it collected (the files as reviewed, before
    anything was held back or redacted): what `commitgate tests --write`
    writes tests against."""
    change = collect(settings, repo, target)
    outcome = review_change(
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
    blocking = sorted({f.path for f in outcome.findings if f.blocking})
    outcome.recheck = last.recheck(target, outcome.profile, blocking)
    if keep and not dry_run:
        problem = last.save(repo, target, change, outcome)
        outcome.notes += [problem] if problem else []
        outcome.kept = problem is None
    return change, outcome


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
    change, sent, redacted = hold_back_and_redact(change, settings)
    if not sent:
        return _outcome(settings, repo, change, env, redacted, dry_run=dry_run)
    guidance = read_guidance(repo, sent, settings)
    instructions, beside = instruct(settings, guidance, context or {})
    if accepted is None:
        # Read before anything is sent: a broken baseline costs no tokens.
        accepted = baseline.accepted(repo.root, settings, repo)
    notes: list[str] = []
    with _connections(settings, repo, env, use_cache, transport, notes) as (store, session):
        # What the server can take (its context, its slots) decides the plan.
        session.prepare(discover=not dry_run)
        change, units = render(change, sent, session, instructions, beside)
        if not units:
            return _outcome(settings, repo, change, env, redacted, dry_run=dry_run, notes=notes)
        route = escalate.route(settings, change.mode, sent)
        asking = Asking(change, sent, session, store, instructions, beside, no_tail, dry_run, route)
        units, runs = ask_model(asking, units)
        asked = _merged(runs)
        if dry_run:
            cost = price_plan(asked, settings, repo)
            if settings.untrusted_server:
                notes.append(f"a real run would send nothing: {settings.untrusted_server}")
            if settings.passes > 1:
                notes.append(f"passes = {settings.passes}: a real run sends each request so often")
            return _outcome(
                settings,
                repo,
                change,
                env,
                redacted,
                units,
                asked,
                cost=cost,
                dry_run=True,
                notes=notes,
                guidance=guidance,
                escalated=route.why,
            )
        checked = check(runs, change.files if citable is None else citable, settings)
        kept = suppress_and_baseline(checked.findings, change.files, accepted)
        decided = decide(kept.findings, settings)
        decided, opinion = second_opinion(decided, change, units, session, store, settings)
    cost = price(session, settings, repo)
    return _outcome(
        settings,
        repo,
        change,
        env,
        redacted,
        units,
        asked,
        checked,
        kept,
        decided,
        opinion,
        session,
        cost,
        notes=notes,
        elapsed=time.monotonic() - started,
        guidance=guidance,
        escalated=route.why,
    )


# ---- the steps, in order ----------------------------------------------------


def collect(settings: Settings, repo: git.Repo, target: Target) -> Change:
    """The change the target names, less what the configuration keeps out
    of this review (each file left out is listed, with why)."""
    change = git.collect(
        repo,
        target.paths,
        from_ref=target.from_ref,
        to_ref=target.to_ref,
        whole=target.whole,
        max_bytes=settings.max_file_bytes,
    )
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


def hold_back_and_redact(
    change: Change, settings: Settings
) -> tuple[Change, list[ChangedFile], Counter[str]]:
    """The change less the files that are never sent; those files as they
    may leave the machine, their secrets replaced; and what was replaced.
    Findings are later checked against the files as they are (redaction
    keeps every line in its place)."""
    change = neversend.hold_back(change, settings.never_send)
    sent, redacted = sendable(change.files, settings)
    return change, sent, redacted


def read_guidance(
    repo: git.Repo, sent: Sequence[ChangedFile], settings: Settings
) -> rules.Guidance:
    """The repository's own review guidance for these files (rules.py), as
    it may leave the machine: secrets replaced."""
    found = rules.find(
        repo,
        [f.path for f in sent],
        settings.scoped_instructions,
        settings.source,
        at=settings.trusted_at,
    )
    if not settings.redact or not (found.root or found.beside):
        return found
    from commitgate.outbound.redact import redact

    def clean(r: rules.Rules) -> rules.Rules:
        return r._replace(text="\n".join(redact(r.path, r.text.splitlines()).lines))

    return rules.Guidance(
        clean(found.root) if found.root else None,
        {p: tuple(clean(r) for r in rs) for p, rs in found.beside.items()},
    )


def instruct(
    settings: Settings, guidance: rules.Guidance, context: Mapping[str, str]
) -> tuple[str, dict[str, str]]:
    """What the model is told (the profile's instructions, the team's, the
    repository's own guidance, in that order: the same for every request
    of the repository, so the provider's prompt cache serves it as a
    prefix), and what goes beside each file (its context, and its folder's
    guidance)."""
    instructions = profiles.get(settings.profile).instructions(settings.instructions)
    if guidance.root is not None:
        instructions += "\n\n" + rules.instructions(guidance.root)
    beside = dict(context)
    for path, found in guidance.beside.items():
        beside[path] = "\n".join(t for t in (beside.get(path, ""), rules.beside(found)) if t)
    return instructions, beside


def render(
    change: Change,
    sent: Sequence[ChangedFile],
    session: Session,
    instructions: str,
    context: Mapping[str, str],
) -> tuple[Change, list[prompt.Unit]]:
    """The files to send as units of review, each within a request's
    budget, each with its file's `context` (what the model needs beside it)
    if any. A file with a line longer than a request can carry (minified
    code, a data blob) is not reviewed, and listed: no request may pass
    max-request-tokens or the model's window."""
    settings = session.settings
    budget = ask.request_budget(session, settings.model, instructions)
    max_chars = int(budget * CHARS_PER_TOKEN)
    units: list[prompt.Unit] = []
    too_long: dict[str, str] = {}
    for f in sent:
        # A unit is split at lines: only a line longer than a whole request
        # (with its number and mark) can make one too large.
        n, longest = max(enumerate(f.lines, 1), key=lambda item: len(item[1]), default=(0, ""))
        if len(longest) + 16 > max_chars:
            too_long[f.path] = (
                f"line {n} is too long to review ({len(longest):,} characters; a request "
                f"carries at most {budget:,} tokens, max-request-tokens)"
            )
            continue
        shown = scope.spans(f, settings.context, settings.context_lines)
        units += prompt.units(f, settings.context_lines, max_chars, context.get(f.path, ""), shown)
    if too_long:
        change.files = [f for f in change.files if f.path not in too_long]
        change.not_reviewed += [NotReviewed(p, why) for p, why in too_long.items()]
    return change, units


class Asking(NamedTuple):
    """What asking the model needs, the same for every pass."""

    change: Change
    sent: Sequence[ChangedFile]
    session: Session
    store: cache.Cache | None
    instructions: str
    beside: Mapping[str, str]  # what is shown beside each file (its context)
    no_tail: bool
    dry_run: bool
    route: escalate.Route  # which model reviews what


def ask_model(a: Asking, units: list[prompt.Unit]) -> tuple[list[prompt.Unit], list[ask.Asked]]:
    """Each unit's verdict, from the cache or the model (in a dry run, only
    the plan of what would be sent), once per review pass (passes.py)."""
    units, first = _one_pass(a, units, 0)
    passes = 1 if a.dry_run else a.session.settings.passes
    return units, [first] + [_one_pass(a, units, p)[1] for p in range(1, passes)]


def _one_pass(
    a: Asking, units: list[prompt.Unit], passno: int
) -> tuple[list[prompt.Unit], ask.Asked]:
    """One pass. A server whose context turns out smaller than it was taken
    to be (llama-cpp-python says so only when a prompt does not fit) gets
    its files again, split to fit, once."""
    from commitgate.progress import Progress

    def asking(todo: Sequence[prompt.Unit]) -> ask.Asked:
        return ask.ask(
            todo,
            a.session,
            instructions=a.instructions,
            description=a.change.description,
            model_for=a.route.model_for,
            cache=a.store,
            dry_run=a.dry_run,
            no_tail=a.no_tail,
            progress=None if a.dry_run else Progress.for_terminal(),
            passno=passno,
        )

    asked = asking(units)
    if not asked.too_large:
        return units, asked
    paths = {u.path for u in asked.too_large}
    _, again = render(
        a.change, [f for f in a.sent if f.path in paths], a.session, a.instructions, a.beside
    )
    retried = asking(again)
    session = a.session
    window = session.profile.window or session.window(session.settings.model)
    notes = [
        f"{session.settings.server.host} holds {window:,} tokens a request (as it counts "
        f"them): {len(paths)} file(s) split again to fit",
        *asked.notes,
        *retried.notes,
    ]
    merged = ask.Asked(
        [v for v in asked.verdicts if v.unit.path not in paths] + retried.verdicts,
        asked.sent + retried.sent,
        notes,
        asked.models + retried.models,
        retried.too_large,
    )
    return [u for u in units if u.path not in paths] + again, merged


def _merged(runs: Sequence[ask.Asked]) -> ask.Asked:
    """The passes as one, for the report: every request made, every note."""
    return runs[0]._replace(
        sent=[b for run in runs for b in run.sent],
        models=[m for run in runs for m in run.models],
        notes=list(dict.fromkeys(n for run in runs for n in run.notes)),
    )


class Checked(NamedTuple):
    findings: list[Finding]
    dropped: Counter[str]  # why the findings that were not kept were dropped
    failed: dict[str, str]  # path -> why its review failed


def check(runs: Sequence[ask.Asked], citable: Sequence[ChangedFile], settings: Settings) -> Checked:
    """The findings of every usable verdict, validated and anchored to the
    lines they may cite, duplicates merged, and with several passes, one per
    problem (passes.agree); and the files whose review failed, each with its
    own reason (in any pass: a file is reviewed only when every pass was had)."""
    checker = Checker(citable, settings.unchanged_lines, settings.reanchor)
    found_by_pass: list[list[Finding]] = []
    failed: dict[str, str] = {}
    for asked in runs:
        findings = []
        for verdict in asked.verdicts:
            if verdict.error is not None:
                # A file split over several requests is reviewed only if all were.
                failed.setdefault(verdict.unit.path, verdict.error)
                continue
            for raw in verdict.findings or ():
                finding = checker.check(raw, model=verdict.model, cached=verdict.cached)
                if finding is not None:
                    findings.append(finding)
        found_by_pass.append(merge_duplicates(findings, checker.dropped))
    findings = passes.agree(found_by_pass, settings.agree) if len(runs) > 1 else found_by_pass[0]
    # A finding on a file whose review failed (another request of the change
    # cited it) is not shown: that file is listed as not reviewed.
    unreviewed = [f for f in findings if f.path in failed]
    if unreviewed:
        checker.dropped["on a file not reviewed"] += len(unreviewed)
        findings = [f for f in findings if f.path not in failed]
    return Checked(findings, checker.dropped, failed)


def suppress_and_baseline(
    findings: Sequence[Finding], files: Sequence[ChangedFile], accepted: frozenset[str]
) -> suppress.Suppressed:
    """Remove what `commitgate: ignore` comments suppress (read from the
    files as they are, not from what was sent), and hold what the baseline
    accepts."""
    kept = suppress.apply(findings, files)
    return kept._replace(findings=baseline.hold(kept.findings, accepted))


class Decided(NamedTuple):
    findings: list[Finding]  # each marked blocking or not
    decision: gate.Decision


def decide(findings: Sequence[Finding], settings: Settings) -> Decided:
    """Which findings block, and whether the commit goes through."""
    return Decided(*gate.decide(findings, settings))


def second_opinion(
    decided: Decided,
    change: Change,
    units: Sequence[prompt.Unit],
    session: Session,
    store: cache.Cache | None,
    settings: Settings,
) -> tuple[Decided, verify.Verified | None]:
    """The decision again, after the stronger model's word on the findings
    that would block; and that word (None when none was asked for: verify is
    off, or nothing would block)."""
    if not settings.verify or not verify.candidates(
        decided.findings, settings.verify_model, settings.model
    ):
        return decided, None
    verified = verify.second_opinion(
        decided.findings,
        {f.path: f for f in change.files},
        units,
        session,
        model=settings.verify_model,
        effort=settings.verify_reasoning_effort,
        cache=store,
    )
    return decide(verified.findings, settings), verified


def price(session: Session, settings: Settings, repo: git.Repo) -> Cost | None:
    """What the requests cost, each model at its own price."""
    if not session.usage.requests:
        return None
    from commitgate.model import cost

    return cost.of_run(session.usage_by_model, settings, repo.common_dir)


def price_plan(asked: ask.Asked, settings: Settings, repo: git.Repo) -> Cost | None:
    """What sending the planned requests would cost (input only)."""
    if not asked.sent:
        return None
    from commitgate.model import cost

    return cost.of_input(
        [(m, b.request_tokens) for m, b in zip(asked.models, asked.sent)],
        settings,
        repo.common_dir,
    )


# ---- the outcome, assembled -------------------------------------------------


def _outcome(
    settings: Settings,
    repo: git.Repo,
    change: Change,
    env: Mapping[str, str],
    redacted: Counter[str],
    units: Sequence[prompt.Unit] = (),
    asked: ask.Asked | None = None,
    checked: Checked | None = None,
    kept: suppress.Suppressed | None = None,
    decided: Decided | None = None,
    opinion: verify.Verified | None = None,
    session: Session | None = None,
    cost: Cost | None = None,
    *,
    dry_run: bool = False,
    notes: Sequence[str] = (),
    elapsed: float = 0.0,
    guidance: rules.Guidance | None = None,
    escalated: str = "",
) -> Outcome:
    """The Outcome of a run, from what its steps gave, in their order; a step
    that did not run (nothing to review, a dry run) gave nothing."""
    failed = checked.failed if checked else {}
    reviewed = [f for f in change.files if f.path not in failed]
    outcome = Outcome(
        description=change.description,
        model=settings.model,
        profile=settings.profile,
        files=[f.path for f in reviewed],
        changed_lines=sum(f.changed_line_count() for f in reviewed),
        not_reviewed=[*change.not_reviewed, *(NotReviewed(p, failed[p]) for p in sorted(failed))],
        findings=[],
        decision=gate.Decision(False, ()),
        on_error=_policy(settings, env),
        dry_run=dry_run,
        root=repo.root,
        redacted=redacted,
        failures=list(dict.fromkeys(failed.values())),
        units=len(units),
        cost=cost,
        elapsed=elapsed,
        server="" if settings.server.is_default else settings.base_url,
        server_chosen_by="" if settings.server.is_default else settings.server_chosen_by,
    )
    outcome.notes += settings.warnings
    if escalated:
        outcome.model, outcome.escalated = settings.escalate_model, escalated
    if guidance is not None:
        outcome.rules = [(r.path, len(r.text), r.cut) for r in guidance.used]
    gateway_note = routing.off_gateway_note(settings) if units else None
    outcome.notes += [gateway_note] if gateway_note else []
    outcome.notes += notes
    if asked is not None:
        outcome.batches = asked.sent
        outcome.notes += asked.notes
        outcome.cached_units = sum(v.cached for v in asked.verdicts)
    if checked is not None:
        outcome.dropped = checked.dropped
    if kept is not None:
        outcome.suppressed = kept.removed
        outcome.notes += kept.notes
    if decided is not None:
        outcome.findings, outcome.decision = decided
    if opinion is not None:
        outcome.dismissed = opinion.dismissed
        outcome.notes += opinion.notes
    if session is not None:
        outcome.usage = session.usage
        outcome.attempts = session.attempts
        outcome.served = dict(session.served)
        outcome.speeds, outcome.unmeasured = list(session.speeds), session.unmeasured
        outcome.notes += session.notes
        if session.no_credential and settings.on_error == "auto":
            # A missing key is a setup problem, not a network hiccup: letting
            # every commit through with a warning would only hide it.
            outcome.on_error = "fail"
    return outcome


# ---- helpers ----------------------------------------------------------------


@contextmanager
def _connections(
    settings: Settings,
    repo: git.Repo,
    env: Mapping[str, str],
    use_cache: bool,
    transport: httpx.BaseTransport | None,
    notes: list[str],
) -> Iterator[tuple[cache.Cache | None, Session]]:
    """The review cache (unless it is off; one that cannot be opened is a
    note, never a failed review) and the session with the model service,
    both closed when the review is done."""
    store = None
    if use_cache and settings.cache:
        directory = cache.location(settings.cache_dir, repo.root, repo.common_dir)
        store, problem = cache.open_cache(directory)
        notes += [problem] if problem else []
    session = Session(settings, env, common_dir=repo.common_dir, transport=transport)
    try:
        yield store, session
    finally:
        session.close()
        if store is not None:
            store.close()


def sendable(
    files: Sequence[ChangedFile], settings: Settings
) -> tuple[list[ChangedFile], Counter[str]]:
    """The files as they may leave the machine: with their secrets replaced
    (unless redact = false), and what was replaced, by kind."""
    if not files or not settings.redact:
        return list(files), Counter()
    from commitgate.outbound import redact  # compiles its patterns: not for an empty run

    return redact.redact_files(files)


def _policy(settings: Settings, env: Mapping[str, str]) -> str:
    if settings.on_error != "auto":
        return settings.on_error
    ci = env.get("CI", "").strip().lower()
    return "fail" if ci and ci not in ("0", "false", "no") else "warn"

"""One review, top to bottom: collect the change, plan the requests, ask the
model, check the findings, decide. Each step is a module of its own; this
one only wires them together."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, NamedTuple

from commitgate import dispatch, git, neversend, plan, prompt, routing
from commitgate.change import Change, ChangedFile, NotReviewed
from commitgate.config import Settings
from commitgate.findings import Checker, UnusableAnswer, merge_duplicates, parse_answer
from commitgate.gate import Decision, decide
from commitgate.glob import matcher
from commitgate.outcome import Outcome
from commitgate.wire import ModelRequest, Usage

if TYPE_CHECKING:
    import httpx

    from commitgate.client import Deadline, ModelClient


class Target(NamedTuple):
    """What the command line asked to review."""

    paths: Sequence[str] | None = None  # None: the whole change
    from_ref: str | None = None
    to_ref: str | None = None
    whole: bool = False  # review the files whole, even when staged


class Asked(NamedTuple):
    """The model's raw findings for one batch, or why there are none."""

    batch: plan.Batch
    findings: list[object] | None
    usage: Usage
    error: str | None = None


def review(
    settings: Settings,
    repo: git.Repo,
    target: Target,
    *,
    env: Mapping[str, str],
    dry_run: bool = False,
    transport: httpx.BaseTransport | None = None,
) -> Outcome:
    started = time.monotonic()
    change = _exclude(
        git.collect(
            repo,
            target.paths,
            from_ref=target.from_ref,
            to_ref=target.to_ref,
            whole=target.whole,
            max_bytes=settings.max_file_bytes,
        ),
        settings.exclude,
    )
    change = _hold_back(change, settings.never_send)
    # What is sent is redacted; findings are checked against the files as
    # they are (redaction keeps every line in its place).
    sent, redacted = _redact(change.files) if settings.redact else (change.files, Counter())
    max_chars = int(settings.max_request_tokens * plan.CHARS_PER_TOKEN)
    units = [u for f in sent for u in prompt.units(f, settings.context_lines, max_chars)]
    batches = plan.pack(units, settings.max_request_tokens)
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
        batches=batches,
        dry_run=dry_run,
        redacted=redacted,
    )
    note = routing.off_gateway_note(settings)
    if note and batches:
        outcome.notes.append(note)
    if dry_run or not batches:
        return outcome

    from commitgate.client import NO_CREDENTIAL, find_credential

    credential = find_credential(env)
    if credential is None:
        if settings.on_error == "auto":
            # A missing key is a setup problem, not a network hiccup: letting
            # every commit through with a warning would only hide it.
            outcome.on_error = "fail"
        outcome.failures.append(NO_CREDENTIAL)
        outcome.files = []
        outcome.not_reviewed += [
            NotReviewed(p, "not sent: no credentials")
            for p in sorted({f.path for f in change.files})
        ]
        return outcome

    from commitgate.client import Deadline, Endpoint, ModelClient, RetryPolicy

    endpoint = Endpoint(
        settings.base_url,
        settings.api,
        settings.stream,
        settings.connect_timeout,
        settings.timeout,
        settings.ca_bundle,
        settings.allow_http,
    )
    deadline = Deadline(settings.deadline)
    with ModelClient(
        endpoint, credential, RetryPolicy(settings.retries), transport=transport
    ) as client:
        results = dispatch.run(
            batches,
            lambda b: _ask(client, settings, change, b, deadline),
            concurrency=settings.max_concurrency,
            deadline=deadline,
        )
        outcome.notes += client.notes

    checker = Checker(change.files, settings.unchanged_lines)
    findings = []
    failed: set[str] = set()
    for batch, result in zip(batches, results):
        if isinstance(result, dispatch.TimedOut):
            error: str | None = result.reason
        else:
            outcome.usage += result.usage
            error = result.error
            for raw in result.findings or ():
                finding = checker.check(raw, model=settings.model)
                if finding is not None:
                    findings.append(finding)
        if error is not None:
            if error not in outcome.failures:
                outcome.failures.append(error)
            failed.update(u.path for u in batch.units)
    if failed:
        outcome.files = [p for p in outcome.files if p not in failed]
        outcome.not_reviewed += [
            NotReviewed(p, "no usable review (see above)") for p in sorted(failed)
        ]
    dropped: Counter[str] = checker.dropped
    outcome.findings, outcome.decision = decide(merge_duplicates(findings, dropped), settings)
    outcome.dropped = dropped
    outcome.elapsed = time.monotonic() - started
    return outcome


def _ask(
    client: ModelClient,
    settings: Settings,
    change: Change,
    batch: plan.Batch,
    deadline: Deadline,
) -> Asked:
    from commitgate.client import ServiceError

    req = ModelRequest(
        model=settings.model,
        instructions=prompt.REVIEW_INSTRUCTIONS,
        input=prompt.review_input([u.text for u in batch.units], change.description),
        schema=prompt.ANSWER_SCHEMA,
        max_output_tokens=settings.max_output_tokens,
        reasoning_effort=settings.reasoning_effort,
        extra=routing.provider_options(settings),
    )
    usage = Usage()
    problem = ""
    # An answer that is cut short or unreadable is asked for once more; a
    # second bad answer is reported, never read as "no findings".
    for _ in range(2):
        try:
            answer = client.complete(req, deadline)
        except ServiceError as e:
            return Asked(batch, None, usage, str(e))
        usage += answer.usage
        if answer.status != "completed":
            problem = f"the answer was cut short ({answer.status})"
            continue
        try:
            return Asked(batch, parse_answer(answer.text), usage)
        except UnusableAnswer as e:
            problem = str(e)
    return Asked(batch, None, usage, f"unusable answer from {settings.model}, twice: {problem}")


def _exclude(change: Change, patterns: Sequence[str]) -> Change:
    if not patterns:
        return change
    excluded = matcher(tuple(patterns))
    keep = [f for f in change.files if not excluded(f.path)]
    gone = [
        NotReviewed(f.path, "excluded by configuration") for f in change.files if excluded(f.path)
    ]
    change.files = keep
    change.not_reviewed = gone + change.not_reviewed
    return change


def _hold_back(change: Change, patterns: Sequence[str]) -> Change:
    held = [(f, neversend.glob_for(f.path, patterns)) for f in change.files]
    change.files = [f for f, glob in held if glob is None]
    change.not_reviewed = [
        NotReviewed(f.path, f"never sent: matches never-send glob {glob!r}")
        for f, glob in held
        if glob is not None
    ] + change.not_reviewed
    return change


def _redact(files: Sequence[ChangedFile]) -> tuple[list[ChangedFile], Counter[str]]:
    if not files:
        return list(files), Counter()
    from commitgate import redact  # compiles its patterns: not for an empty run

    out = []
    found: Counter[str] = Counter()
    for f in files:
        clean, kinds = redact.redact_file(f)
        out.append(clean)
        found += kinds
    return out, found


def _policy(settings: Settings, env: Mapping[str, str]) -> str:
    if settings.on_error != "auto":
        return settings.on_error
    ci = env.get("CI", "").strip().lower()
    return "fail" if ci and ci not in ("0", "false", "no") else "warn"

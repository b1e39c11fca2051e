"""Asking the model: what the cache does not know is packed into requests,
sent concurrently within the run's deadline and token budget, and each
answer is stored for next time.

The result is one Verdict per unit: the model's raw findings for it, or why
there are none. Nothing here reads the findings; findings.py does.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from commitgate import cache as cache_mod
from commitgate import dispatch, plan, prompt
from commitgate.config import Settings
from commitgate.findings import UnusableAnswer, parse_answer
from commitgate.wire import ModelRequest, Usage

if TYPE_CHECKING:
    import httpx

    from commitgate.client import ModelClient
    from commitgate.deadline import Deadline
    from commitgate.progress import Progress


class Verdict(NamedTuple):
    unit: prompt.Unit
    findings: list[Any] | None  # None: no usable review, see error
    cached: bool = False
    error: str | None = None


class Asked(NamedTuple):
    verdicts: list[Verdict]
    usage: Usage
    sent: list[plan.Batch]  # the requests made (or, in a dry run, planned)
    notes: list[str]
    no_credential: bool = False  # there was something to ask, and no key to ask with


class _Answer(NamedTuple):
    findings: list[Any] | None
    usage: Usage
    error: str | None = None


def unit_key(unit: prompt.Unit, settings: Settings, instructions: str) -> str:
    """Everything that decides a unit's verdict, and nothing else: the text
    shown (which includes the context lines and any redaction), the model,
    how hard it thinks, and what it was told."""
    return cache_mod.key(
        prompt.PROMPT_VERSION,
        settings.model,
        settings.reasoning_effort,
        instructions,
        unit.text,
    )


def ask(
    units: Sequence[prompt.Unit],
    settings: Settings,
    *,
    description: str,
    env: Mapping[str, str],
    cache: cache_mod.Cache | None = None,
    dry_run: bool = False,
    no_tail: bool = False,
    transport: httpx.BaseTransport | None = None,
    progress: Progress | None = None,
) -> Asked:
    instructions = prompt.REVIEW_INSTRUCTIONS
    notes: list[str] = []
    keys = {u: unit_key(u, settings, instructions) for u in units}
    known: dict[str, Any] = {}
    if cache is not None:
        try:
            known = cache.get_many(sorted(set(keys.values())))
        except cache_mod.CacheError as e:
            notes.append(f"review cache not read ({e})")
            cache = None
    verdicts: dict[prompt.Unit, Verdict] = {}
    for u in units:
        hit = known.get(keys[u])
        if isinstance(hit, dict) and isinstance(hit.get("findings"), list):
            verdicts[u] = Verdict(u, hit["findings"], cached=True)
    todo = [u for u in units if u not in verdicts]
    budget = request_budget(settings, instructions)
    batches = plan.pack(todo, budget, no_tail=no_tail, limit=context_room(settings, instructions))
    if dry_run or not batches:
        # A dry run shows what would be sent: only what the cache lacks.
        return Asked([verdicts.get(u) or Verdict(u, []) for u in units], Usage(), batches, notes)
    # Only now, with something to send, is the client (and httpx) loaded.
    from commitgate.client import NO_CREDENTIAL, Endpoint, ModelClient, RetryPolicy, find_credential

    credential = find_credential(env)
    if credential is None:
        for u in todo:
            verdicts[u] = Verdict(u, None, error=NO_CREDENTIAL)
        return Asked([verdicts[u] for u in units], Usage(), [], notes, no_credential=True)
    from commitgate.deadline import Deadline

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
    spent = _Spending(settings.max_run_tokens, plan.estimate_tokens(instructions))
    usage = Usage()
    sent: list[plan.Batch] = []

    def done(i: int, result: _Answer | dispatch.TimedOut | dispatch.Refused) -> None:
        nonlocal usage
        batch = batches[i]
        if isinstance(result, (dispatch.TimedOut, dispatch.Refused)):
            error: str | None = result.reason
            per_unit: list[list[Any]] = [[] for _ in batch.units]
        else:
            sent.append(batch)
            usage += result.usage
            spent.settle(batch, result.usage)
            error = result.error
            per_unit = _attribute(batch, result.findings or [])
        for u, found in zip(batch.units, per_unit):
            verdicts[u] = Verdict(u, None if error else found, error=error)
        if cache is not None and error is None:
            try:
                cache.put_many((keys[u], {"findings": f}) for u, f in zip(batch.units, per_unit))
            except cache_mod.CacheError as e:
                notes.append(f"review cache not written ({e})")
        if progress is not None:
            progress.update(len(batch.units), sum(len(f) for f in per_unit))

    if progress is not None:
        progress.start(len(batches))
    with ModelClient(endpoint, credential, RetryPolicy(settings.retries), transport) as client:
        dispatch.run(
            batches,
            lambda b: _ask_batch(client, settings, instructions, description, b, deadline),
            concurrency=settings.max_concurrency,
            deadline=deadline,
            admit=spent.admit,
            on_result=done,
        )
        notes += client.notes
    if progress is not None:
        progress.finish()
    if spent.refused:
        notes.append(
            f"{spent.refused} request(s) not sent: the run would have passed max-run-tokens "
            f"= {settings.max_run_tokens:,}"
        )
    return Asked([verdicts[u] for u in units], usage, sent, notes)


def context_room(settings: Settings, instructions: str) -> int:
    """What the model's context window leaves for the change after the
    instructions, the framing and the answer."""
    window = plan.context_window(settings.model)
    return window - plan.estimate_tokens(instructions) - settings.max_output_tokens - 2000


def request_budget(settings: Settings, instructions: str) -> int:
    """Tokens one request may carry: max-request-tokens, and never more than
    the model's context window leaves."""
    return max(1000, min(settings.max_request_tokens, context_room(settings, instructions)))


class _Spending:
    """The run's token budget (0: none), shared by the worker threads: a
    request is admitted only if what was used, plus the estimates of the
    requests in flight, plus its own estimate, stays within it."""

    def __init__(self, limit: int, overhead: int) -> None:
        self.limit = limit
        self.overhead = overhead  # the instructions, sent with every request
        self.used = 0
        self.in_flight = 0
        self.refused = 0
        self._lock = threading.Lock()

    def admit(self, batch: plan.Batch) -> str | None:
        if not self.limit:
            return None
        cost = batch.tokens + self.overhead
        with self._lock:
            if self.used + self.in_flight + cost <= self.limit:
                self.in_flight += cost
                return None
            self.refused += 1
        return f"not sent: the run's token budget (max-run-tokens = {self.limit:,}) is spent"

    def settle(self, batch: plan.Batch, usage: Usage) -> None:
        if not self.limit:
            return
        with self._lock:
            self.in_flight -= batch.tokens + self.overhead
            self.used += usage.input_tokens + usage.output_tokens


def _attribute(batch: plan.Batch, raw: list[Any]) -> list[list[Any]]:
    """Split a request's findings among its units, by path and line; a
    finding that fits none stays with the first unit, so that the checker
    (and a later cache hit) still sees and counts it."""
    per_unit: list[list[Any]] = [[] for _ in batch.units]
    for finding in raw:
        path = finding.get("path") if isinstance(finding, Mapping) else None
        line = finding.get("line") if isinstance(finding, Mapping) else None
        same = [
            i for i, u in enumerate(batch.units) if path in (u.path, prompt.prompt_path(u.path))
        ]
        within = [
            i
            for i in same
            if isinstance(line, int)
            and batch.units[i].first_line <= line <= batch.units[i].last_line
        ]
        per_unit[(within or same or [0])[0]].append(finding)
    return per_unit


def _ask_batch(
    client: ModelClient,
    settings: Settings,
    instructions: str,
    description: str,
    batch: plan.Batch,
    deadline: Deadline,
) -> _Answer:
    from commitgate.client import ServiceError

    req = ModelRequest(
        model=settings.model,
        instructions=instructions,
        input=prompt.review_input([u.text for u in batch.units], description),
        schema=prompt.ANSWER_SCHEMA,
        max_output_tokens=settings.max_output_tokens,
        reasoning_effort=settings.reasoning_effort,
    )
    usage = Usage()
    problem = ""
    # An answer that is cut short or unreadable is asked for once more; a
    # second bad answer is reported, never read as "no findings".
    for _ in range(2):
        try:
            answer = client.complete(req, deadline)
        except ServiceError as e:
            return _Answer(None, usage, str(e))
        usage += answer.usage
        if answer.status != "completed":
            problem = f"the answer was cut short ({answer.status})"
            continue
        try:
            return _Answer(parse_answer(answer.text), usage)
        except UnusableAnswer as e:
            problem = str(e)
    return _Answer(None, usage, f"unusable answer from {settings.model}, twice: {problem}")

"""Asking for the review: what the cache does not know is packed into
requests, one model at a time, sent through the run's Session, and each
answer is stored for next time, file by file.

The result is one Verdict per unit: the model's raw findings for it, or why
there are none. Nothing here reads the findings; findings.py does.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from commitgate import cache as cache_mod
from commitgate.model import tokens
from commitgate.model.session import Question, Reply, Session
from commitgate.review import plan, prompt
from commitgate.review.findings import parse_answer

if TYPE_CHECKING:
    from commitgate.progress import Progress


class Verdict(NamedTuple):
    unit: prompt.Unit
    findings: list[Any] | None  # None: no usable review, see error
    model: str
    cached: bool = False
    error: str | None = None


class Asked(NamedTuple):
    verdicts: list[Verdict]
    sent: list[plan.Batch]  # the requests made (or, in a dry run, planned)
    notes: list[str]
    models: list[str]  # the model of each request in `sent`
    # Units of requests that did not fit the server's context, which said
    # how large it is: to be split smaller, and asked again.
    too_large: tuple[prompt.Unit, ...] = ()


def unit_key(
    unit: prompt.Unit,
    model: str,
    effort: str,
    instructions: str,
    server: str = "",
    passno: int = 0,
) -> str:
    """Everything that decides a unit's verdict, and nothing else: the text
    shown (which includes the context lines and any redaction), the model,
    how hard it thinks, what it was told, and the server that answered (the
    same model name on another server is another model)."""
    parts = (prompt.PROMPT_VERSION, server, model, effort, instructions, unit.text)
    return cache_mod.key(*parts, *((f"pass {passno}",) if passno else ()))


def ask(
    units: Sequence[prompt.Unit],
    session: Session,
    *,
    instructions: str,
    description: str,
    model_for: Callable[[prompt.Unit], str] | None = None,
    cache: cache_mod.Cache | None = None,
    dry_run: bool = False,
    no_tail: bool = False,
    progress: Progress | None = None,
    passno: int = 0,
) -> Asked:
    """`passno`: which of several review passes this is (see passes.py);
    each has its own verdicts in the cache."""
    settings = session.settings
    notes: list[str] = []
    models = {u: model_for(u) if model_for else settings.model for u in units}
    effort = settings.reasoning_effort
    server = settings.server.key
    keys = {u: unit_key(u, models[u], effort, instructions, server, passno) for u in units}
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
            verdicts[u] = Verdict(u, hit["findings"], models[u], cached=True)

    def plan_for(todo: Sequence[prompt.Unit]) -> tuple[list[plan.Batch], list[str]]:
        """The requests for these units, one model at a time, within what
        the server's context (as now known) takes."""
        batches: list[plan.Batch] = []
        batch_models: list[str] = []
        for model in sorted({models[u] for u in todo}):
            mine = [u for u in todo if models[u] == model]
            budget = request_budget(session, model, instructions)
            room = context_room(session, model, instructions)
            overhead = tokens.estimate_tokens(instructions) + tokens.FRAMING
            packed = [
                b._replace(overhead=overhead)
                for b in plan.pack(mine, budget, no_tail=no_tail, limit=room)
            ]
            batches += packed
            batch_models += [model] * len(packed)
        return batches, batch_models

    batches, batch_models = plan_for([u for u in units if u not in verdicts])
    if dry_run or not batches:
        # A dry run shows what would be sent: only what the cache lacks.
        return Asked(
            [verdicts.get(u) or Verdict(u, [], models[u]) for u in units],
            batches,
            notes,
            batch_models,
        )

    sent: list[plan.Batch] = []
    sent_models: list[str] = []
    too_large: list[plan.Batch] = []

    def send(batches: Sequence[plan.Batch], batch_models: Sequence[str]) -> None:
        questions = [
            Question(
                model,
                instructions,
                prompt.review_input([u.text for u in batch.units], description, passno),
                batch.tokens,
                effort,
                prompt.ANSWER_SCHEMA,
                "review",
                parse_answer,
            )
            for batch, model in zip(batches, batch_models)
        ]

        def done(i: int, reply: Reply) -> None:
            batch, model = batches[i], batch_models[i]
            if reply.overflow is not None:
                too_large.append(batch)
            if reply.error is None:
                sent.append(batch)
                sent_models.append(model)
                per_unit = _attribute(batch, reply.findings or [])
            else:
                per_unit = [[] for _ in batch.units]
            for u, found in zip(batch.units, per_unit):
                verdicts[u] = Verdict(u, None if reply.error else found, model, error=reply.error)
            if cache is not None and reply.error is None:
                try:
                    cache.put_many(
                        (keys[u], {"findings": f}) for u, f in zip(batch.units, per_unit)
                    )
                except cache_mod.CacheError as e:
                    notes.append(f"review cache not written ({e})")
            if progress is not None:
                progress.update(len(batch.units), sum(len(f) for f in per_unit))

        session.run(questions, done)

    if progress is not None:
        progress.start(len(batches))
    send(batches, batch_models)
    if progress is not None:
        progress.finish()
    overflowed = tuple(u for b in too_large for u in b.units)
    return Asked([verdicts[u] for u in units], sent, notes, sent_models, overflowed)


def context_room(session: Session, model: str, instructions: str) -> int:
    """What the context window leaves for the change after the instructions,
    the framing and the answer: the window the server said it has, else the
    model's as known (session.window)."""
    window = session.window(model)
    slack = min(2000, window // 8)  # what the estimate may miss
    taken = tokens.estimate_tokens(instructions) + tokens.FRAMING + session.output_tokens(model)
    return window - taken - slack


def request_budget(session: Session, model: str, instructions: str) -> int:
    """Tokens one request may carry: max-request-tokens, and never more than
    the context window leaves."""
    room = context_room(session, model, instructions)
    # Never nothing: a window too small for anything fails at the server,
    # which then says so.
    return max(100, min(session.settings.max_request_tokens, room))


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

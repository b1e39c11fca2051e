"""Findings matched to the bugs a case expects, and the figures a team
judges a gate by.

A finding is on a bug when it names the bug's file and its line (or span)
comes within NEAR lines of the bug's. Per case: the bugs caught (some
finding on them) and blocked (a blocking finding on them), and whether the
case as a whole would have been blocked. Over the corpus:

- recall: the share of expected bugs that a blocking finding sits on (at
  fail-on: what the gate stops);
- blocking precision: the share of blocking findings that sit on a bug;
- false-block rate: the share of clean cases that would have been blocked;
- F1 at fail-on: from recall and blocking precision;
- and, as a looser view, the share of bugs with any finding on them.

A case whose review could not be had (no answer, an unusable one) counts
as unreviewed: never as "no findings", and not in the shares above.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from commitgate.eval.corpus import Bug, Case
from commitgate.eval.run import Reviewed
from commitgate.review.findings import Finding

# How far (in lines) a finding may be from a bug and still be on it: a
# model's line numbers are often off by one or two.
NEAR = 3


class Scored(NamedTuple):
    case: Case
    reviewed: bool  # a usable review was had
    blocked: bool  # the case would have been blocked
    caught: tuple[bool, ...]  # per expected bug: some finding on it
    stopped: tuple[bool, ...]  # per expected bug: a blocking finding on it
    findings: tuple[tuple[Finding, bool], ...]  # each finding, and whether it is on a bug
    tokens: int
    cost: float | None
    seconds: float
    why_unreviewed: str = ""

    @property
    def blocking(self) -> list[tuple[Finding, bool]]:
        return [(f, on) for f, on in self.findings if f.blocking]


def on_bug(f: Finding, bug: Bug, near: int = NEAR) -> bool:
    end = max(f.line, f.end_line or f.line)
    return f.path == bug.path and f.line <= bug.last + near and end >= bug.first - near


def score(result: Reviewed) -> Scored:
    case, outcome = result.case, result.outcome
    reviewed = not outcome.failures
    findings = tuple((f, any(on_bug(f, b) for b in case.bugs)) for f in outcome.findings)
    u = outcome.usage
    return Scored(
        case,
        reviewed,
        outcome.decision.blocked,
        tuple(any(on_bug(f, b) for f in outcome.findings) for b in case.bugs),
        tuple(any(f.blocking and on_bug(f, b) for f in outcome.findings) for b in case.bugs),
        findings,
        u.input_tokens + u.output_tokens,
        outcome.cost.usd if outcome.cost is not None else None,
        result.seconds,
        "; ".join(outcome.failures),
    )


class Summary(NamedTuple):
    cases: int
    bug_cases: int
    clean_cases: int
    unreviewed: int
    bugs: int  # expected bugs in the reviewed cases
    bugs_blocked: int
    bugs_caught: int
    bug_cases_blocked: int
    clean_cases_blocked: int
    blocking_findings: int
    blocking_on_bugs: int
    findings: int
    findings_on_bugs: int
    tokens: int
    cost: float | None  # None: some case had no known price
    seconds: float

    @property
    def recall(self) -> float | None:
        return self.bugs_blocked / self.bugs if self.bugs else None

    @property
    def caught_share(self) -> float | None:
        return self.bugs_caught / self.bugs if self.bugs else None

    @property
    def precision(self) -> float | None:
        """Of the blocking findings; None when nothing blocked."""
        return self.blocking_on_bugs / self.blocking_findings if self.blocking_findings else None

    @property
    def false_block_rate(self) -> float | None:
        reviewed_clean = self.clean_cases
        return self.clean_cases_blocked / reviewed_clean if reviewed_clean else None

    @property
    def f1(self) -> float | None:
        r, p = self.recall, self.precision
        if r is None:
            return None
        p = p or 0.0
        return 2 * p * r / (p + r) if p + r else 0.0


def summarise(scored: Sequence[Scored]) -> Summary:
    done = [s for s in scored if s.reviewed]
    costs = [s.cost for s in scored]
    return Summary(
        cases=len(scored),
        bug_cases=sum(s.case.kind == "bug" for s in done),
        clean_cases=sum(s.case.kind == "clean" for s in done),
        unreviewed=len(scored) - len(done),
        bugs=sum(len(s.case.bugs) for s in done),
        bugs_blocked=sum(sum(s.stopped) for s in done),
        bugs_caught=sum(sum(s.caught) for s in done),
        bug_cases_blocked=sum(s.blocked for s in done if s.case.kind == "bug"),
        clean_cases_blocked=sum(s.blocked for s in done if s.case.kind == "clean"),
        blocking_findings=sum(len(s.blocking) for s in done),
        blocking_on_bugs=sum(on for s in done for _, on in s.blocking),
        findings=sum(len(s.findings) for s in done),
        findings_on_bugs=sum(on for s in done for _, on in s.findings),
        tokens=sum(s.tokens for s in scored),
        cost=None if any(c is None for c in costs) else sum(c or 0.0 for c in costs),
        seconds=sum(s.seconds for s in scored),
    )

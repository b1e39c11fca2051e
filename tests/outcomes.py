"""Outcomes to render, made by hand: every kind of finding the reports meet."""

from __future__ import annotations

from collections import Counter

from commitgate import config
from commitgate.config import Settings
from commitgate.git.change import NotReviewed
from commitgate.model.cost import Cost
from commitgate.model.wire import Usage
from commitgate.review.findings import NOT_CHANGED, Finding
from commitgate.review.gate import Decision
from commitgate.review.outcome import Outcome
from commitgate.severity import Severity

SETTINGS: Settings = config.load("/nonexistent", env={})

BLOCKING = Finding(
    path="src/app.py",
    line=2,
    end_line=4,
    severity=Severity.HIGH,
    title="SQL query built from request parameter",
    message="`name` is interpolated; a name of `x' OR '1'='1` returns every row.",
    category="security",
    suggestion='cursor.execute("... WHERE name = %s", (name,))',
    confidence=0.9,
    blocking=True,
    model="openai/gpt-5.1-codex-mini",
    fingerprint="0123456789abcdef0123456789abcdef",
)
BELOW_FAIL_ON = Finding(
    path="docs and notes/ünïcode.py",
    line=1,
    severity=Severity.MEDIUM,
    title="Off by one, sometimes",
    message="The loop stops one short\nwhen the list is empty.",
    category="correctness",
    model="openai/gpt-5.1-codex-mini",
    fingerprint="f" * 32,
)
HELD = Finding(
    path="a:b,c%d.py",
    line=7,
    severity=Severity.CRITICAL,
    title="Crash on start-up, 100% of the time",
    message="Line one\r\nline two: with, commas",
    category="error-handling",
    held=NOT_CHANGED,
    model="openai/gpt-5.1-codex-mini",
    fingerprint="e" * 32,
)
LOW = Finding(
    path="src/app.py",
    line=9,
    severity=Severity.LOW,
    title="A small leak",
    message="The file is not closed.",
    category="no-such-category",
    model="openai/gpt-5.1-codex-mini",
)


def outcome(
    findings: list[Finding] | None = None, *, blocked: bool = True, **changes: object
) -> Outcome:
    o = Outcome(
        description="the change origin/main...HEAD",
        model="openai/gpt-5.1-codex-mini",
        profile="review",
        files=["src/app.py", "docs and notes/ünïcode.py", "a:b,c%d.py"],
        changed_lines=42,
        not_reviewed=[NotReviewed("logo.png", "binary")],
        findings=[BLOCKING, BELOW_FAIL_ON, HELD, LOW] if findings is None else findings,
        decision=Decision(True, ("1 high finding at or above fail-on",))
        if blocked
        else Decision(False, ()),
        dropped=Counter({"duplicate": 1}),
        usage=Usage(12_000, 2_000, 900, 512, None, 2, 0),
        cost=Cost(0.0041, True, "models"),
        root="/work/repo",
    )
    for name, value in changes.items():
        setattr(o, name, value)
    return o

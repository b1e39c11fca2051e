"""GitHub Actions: workflow-command annotations, which GitHub shows on the
lines of a pull request's diff, and the run's Markdown summary for the job
page.

A finding that blocks is an `error`, a medium or worse one that does not is
a `warning`, the rest are `notice`s. GitHub shows at most 10 annotations of
each level per step, so blocking and more severe findings come first.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from commitgate.config import Settings
from commitgate.review.findings import Finding
from commitgate.review.outcome import Outcome
from commitgate.severity import Severity

SUMMARY_CAP = 1024 * 1024  # bytes GitHub keeps of one step's summary


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(kind: str, message: str, **properties: object) -> str:
    props = ",".join(
        f"{name}={escape_property(str(value))}"
        for name, value in properties.items()
        if value is not None
    )
    return f"::{kind}{' ' + props if props else ''}::{escape_data(message)}"


def level(f: Finding) -> str:
    if f.blocking:
        return "error"
    return "warning" if f.severity >= Severity.MEDIUM else "notice"


def workflow_commands(outcome: Outcome) -> list[str]:
    if outcome.dry_run:
        return []
    lines = []
    if outcome.failures:
        what = "NOT fully reviewed" if outcome.files else "NOT reviewed"
        lines.append(
            command(
                "error" if outcome.status == "error" else "warning",
                "\n".join(outcome.failures),
                title=f"commitgate: the change was {what}",
            )
        )
    ordered = sorted(outcome.findings, key=lambda f: (not f.blocking, -f.severity, f.path, f.line))
    for f in ordered:
        message = f.message
        if f.suggestion:
            message += f"\n\nfix: {f.suggestion}"
        if f.held:
            message += f"\n\n(does not block: {f.held})"
        lines.append(
            command(
                level(f),
                message,
                file=f.path,
                line=f.line,
                endLine=max(f.line, f.end_line or 0),
                title=f"commitgate: {f.severity.label}: {f.title}",
            )
        )
    return lines


def render(outcome: Outcome, settings: Settings) -> str:
    lines = workflow_commands(outcome)
    return "".join(line + "\n" for line in lines)


def append_summary(
    outcome: Outcome, settings: Settings, path: str, clean: Callable[[str], str] = str
) -> None:
    """Append the Markdown report to the step summary file. Several runs in
    one step (pre-commit may call a hook more than once) share its cap.
    Raises OSError."""
    from commitgate.report import markdown

    try:
        used = os.path.getsize(path)
    except OSError:
        used = 0
    budget = SUMMARY_CAP - used - 2
    if budget < 1024:
        return  # GitHub would drop the whole summary: leave what is there
    text = clean(markdown.render(outcome, settings, max_bytes=budget))
    with open(path, "a", encoding="utf-8", errors="backslashreplace") as f:
        f.write(("\n" if used else "") + text)

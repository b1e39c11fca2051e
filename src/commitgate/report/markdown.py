"""The report for pull request comments and the Actions step summary:
the verdict, its facts, and a table of findings, blocking ones first.

Everything from the model or the repository is shown as text, never as
Markdown: a finding's words come from a model that read the change, and the
change could carry links, images or HTML meant for whoever reads the page.
"""

from __future__ import annotations

import re

from commitgate.config import Settings
from commitgate.report.text import facts, headline
from commitgate.review.findings import Finding
from commitgate.review.outcome import Outcome

# A pull request comment holds at most 65,536 characters.
MAX_BYTES = 65_000

# `$` too: GitHub renders $...$ as mathematics.
_INLINE = set("\\`*_[]<>!|~&$")
# What starts a block (heading, list, rule) at the start of a line.
_LINE_START = set("#+-=")
_ORDERED = re.compile(r"^(\d+)([.)])")
_VERDICT = {
    "passed": "passed",
    "blocked": "blocked",
    "error": "not reviewed",
    "unreviewed": "not reviewed (let through)",
    "dry-run": "dry run",
}


def escape(text: str) -> str:
    """Plain text as Markdown inline text, on one line (breaks become <br>)."""
    lines = []
    for line in text.splitlines():
        line = "".join("\\" + c if c in _INLINE else c for c in line.strip())
        if line[:1] in _LINE_START:
            line = "\\" + line
        line = _ORDERED.sub(r"\1\\\2", line)
        lines.append(line)
    return "<br>".join(line for line in lines if line)


def _row(f: Finding) -> str:
    cell = f"**{escape(f.title)}**<br>{escape(f.message)}"
    if f.suggestion:
        cell += f"<br>*fix:* {escape(f.suggestion)}"
    if f.held:
        cell += f"<br>*does not block: {escape(f.held)}*"
    where = escape(f"{f.path}:{f.line}" + (f"-{f.end_line}" if f.end_line else ""))
    blocks = "**yes**" if f.blocking else "no"
    return f"| {f.severity.label} | {blocks} | {where} | {cell} |"


def _size(text: str) -> int:
    return len(text.encode("utf-8", "backslashreplace"))


def render(outcome: Outcome, settings: Settings, max_bytes: int = MAX_BYTES) -> str:
    lines = [f"### commitgate: {_VERDICT.get(outcome.status, outcome.status)}", ""]
    if outcome.decision.blocked:
        why = "; ".join(outcome.decision.reasons)
        lines.append(escape(f"blocked: {why} (fail-on = {settings.fail_on_label})") + "  ")
    lines += [escape(line) + "  " for line in headline(outcome, settings)[1:] + facts(outcome)]
    tail: list[str] = []
    if outcome.findings:
        ordered = sorted(
            outcome.findings, key=lambda f: (not f.blocking, -f.severity, f.path, f.line)
        )
        rows = [_row(f) for f in ordered]
        table = ["", "| severity | blocks | where | finding |", "|---|---|---|---|"]
        budget = max_bytes - _size("\n".join(lines + table)) - 200
        shown = 0
        for row in rows:
            budget -= _size(row) + 1
            if budget < 0:
                break
            shown += 1
        lines += table + rows[:shown]
        if shown < len(rows):
            more = len(rows) - shown
            tail = ["", f"... and {more} more findings, not shown here: see the text report."]
    text = "\n".join([*lines, *tail]) + "\n"
    while _size(text) > max_bytes:  # only when the facts alone are too long
        text = text[: max(0, len(text) - (_size(text) - max_bytes) - 1)] + "\n"
    return text

"""The report for GitLab's Code Quality widget: a JSON array of issues, as
`artifacts: reports: codequality:` takes it (a subset of the Code Climate
issue format, the shape ruff's and semgrep's `gitlab` outputs have).

GitLab keys each issue by its fingerprint: two issues that share one show as
one, and the merge request widget calls an issue new when the target
branch's report has no issue of that fingerprint. So the fingerprint is
unique in a report and stable from run to run: the finding's content
fingerprint (its file and the text of its line, which survive the code
moving), its category, and which of the findings of that line and category
it is; never the model's words, which vary, nor the line number, which
shifts with every edit above.

GitLab stops reading the report at the first issue it finds invalid, so
every issue has every field GitLab requires, whatever the path or text.
Failures and files not reviewed have no place in the format (an issue names
a file and a line): the job's log and exit code carry them.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from typing import Any

from commitgate.config import Settings
from commitgate.review.findings import Finding
from commitgate.review.outcome import Outcome
from commitgate.review.prompt import CATEGORIES
from commitgate.severity import Severity

CHECK_NAMES = {category: f"commitgate/{category}" for category in CATEGORIES}
FINGERPRINT = "commitgate/v1"

# GitLab's scale has five steps, as commitgate's has: one to one.
SEVERITIES = {
    Severity.INFO: "info",
    Severity.LOW: "minor",
    Severity.MEDIUM: "major",
    Severity.HIGH: "critical",
    Severity.CRITICAL: "blocker",
}
# What the gate blocked on is never shown as less than this (a fail-on of
# low or info blocks on findings GitLab would otherwise list as minor).
BLOCKING_AT_LEAST = Severity.MEDIUM

# Code Climate's categories, which GitLab ignores and other readers of the
# format may use; every other category of ours is a risk of a bug.
_CODE_CLIMATE = {
    "security": "Security",
    "performance": "Performance",
    "compatibility": "Compatibility",
}


def severity(f: Finding) -> str:
    level = max(f.severity, BLOCKING_AT_LEAST) if f.blocking else f.severity
    return SEVERITIES[level]


def text(value: str) -> str:
    """Valid Unicode: a path that is not UTF-8 (held with surrogateescape)
    shows its stray bytes as `\\xe9`, as the model was shown it."""
    return value.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _category(f: Finding) -> str:
    return f.category if f.category in CHECK_NAMES else "other"


def _place(f: Finding) -> str:
    """What identifies the finding's line across runs: its content
    fingerprint, else (a finding made without one) its path and line."""
    return f.fingerprint or f"{text(f.path)}:{f.line}"


def fingerprints(findings: list[Finding]) -> list[str]:
    """One fingerprint per finding, unique in the list: findings of one line
    and category are told apart by their order, most severe first (then by
    title, for an order that does not depend on the model's)."""
    order = sorted(
        range(len(findings)),
        key=lambda i: (-findings[i].severity, findings[i].title, findings[i].message),
    )
    seen: Counter[tuple[str, str]] = Counter()
    out = [""] * len(findings)
    for i in order:
        key = (_place(findings[i]), _category(findings[i]))
        nth = seen[key]
        seen[key] += 1
        digest = hashlib.sha256(f"{FINGERPRINT}\0{key[0]}\0{key[1]}\0{nth}".encode())
        out[i] = digest.hexdigest()[:32]
    return out


def _description(f: Finding) -> str:
    out = f"{f.title}: {f.message}"
    if f.suggestion:
        out += f" Fix: {f.suggestion}"
    if f.held:
        out += f" (Does not block: {f.held}.)"
    return out


def issue(f: Finding, fingerprint: str) -> dict[str, Any]:
    category = _category(f)
    return {
        "description": text(_description(f)),
        "check_name": CHECK_NAMES[category],
        "fingerprint": fingerprint,
        "severity": severity(f),
        "location": {
            "path": text(f.path),
            "lines": {"begin": f.line, "end": max(f.line, f.end_line or 0)},
        },
        # Code Climate's own fields, for other readers of the format.
        "type": "issue",
        "categories": [_CODE_CLIMATE.get(category, "Bug Risk")],
    }


def document(outcome: Outcome) -> list[dict[str, Any]]:
    findings = list(outcome.findings)
    return [issue(f, fp) for f, fp in zip(findings, fingerprints(findings))]


def render(outcome: Outcome, settings: Settings) -> str:
    return json.dumps(document(outcome), indent=2, ensure_ascii=False) + "\n"

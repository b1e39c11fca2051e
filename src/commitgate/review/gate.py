"""The decision: does the commit go through?"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import NamedTuple

from commitgate.config import Settings
from commitgate.review.findings import Finding
from commitgate.severity import Severity


class Decision(NamedTuple):
    blocked: bool
    reasons: tuple[str, ...]  # what blocked it, one line each


def decide(findings: Sequence[Finding], settings: Settings) -> tuple[list[Finding], Decision]:
    """Mark the findings that block, and say whether the commit is blocked.

    A finding blocks when nothing holds it back (see Finding.held: here, a
    confidence below `min-confidence`) and its severity reaches the `fail-on`
    of its path; findings below `fail-on` still block together when a
    severity has more of them than `max-findings` allows.
    """
    marked = [_hold_unsure(f, settings) for f in findings]
    marked = [f.replace(blocking=not f.held and _reaches(f, settings)) for f in marked]
    reasons: list[str] = []
    by_severity: Counter[Severity] = Counter(f.severity for f in marked if f.blocking)
    for sev in sorted(by_severity, reverse=True):
        n = by_severity[sev]
        reasons.append(f"{n} {sev.label} finding{'s' * (n != 1)} at or above fail-on")

    # max-findings: counted per set of limits (the top-level one, or an override's).
    groups: dict[int, tuple[Mapping[Severity, int], Counter[Severity]]] = {}
    for f in marked:
        if f.held:
            continue
        limits = settings.max_findings_for(f.path)
        if limits:
            groups.setdefault(id(limits), (limits, Counter()))[1][f.severity] += 1
    over: set[tuple[int, Severity]] = set()
    for key, (limits, counts) in groups.items():
        for sev, limit in sorted(limits.items(), reverse=True):
            if counts[sev] > limit:
                over.add((key, sev))
                n = counts[sev]
                reasons.append(
                    f"{n} {sev.label} finding{'s' * (n != 1)}, more than "
                    f"max-findings.{sev.label} = {limit}"
                )
    if over:
        marked = [
            f.replace(blocking=True)
            if not f.held and (id(settings.max_findings_for(f.path)), f.severity) in over
            else f
            for f in marked
        ]
    return marked, Decision(bool(reasons), tuple(reasons))


def _reaches(f: Finding, settings: Settings) -> bool:
    threshold = settings.fail_on_for(f.path)
    return threshold is not None and f.severity >= threshold


def _hold_unsure(f: Finding, settings: Settings) -> Finding:
    # No confidence counts as sure: an answer with only the required fields
    # is valid, and a threshold that let every such answer through would
    # quietly turn the gate off for servers that never send one.
    if f.held or f.confidence is None:
        return f
    least = settings.min_confidence_for(f.path)
    if f.confidence >= least:
        return f
    return f.replace(held=f"confidence {f.confidence:g} below min-confidence {least:g}")

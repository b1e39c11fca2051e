"""The report for people: one line per finding, its message below, a summary."""

from __future__ import annotations

from collections import Counter
from urllib.parse import urlsplit

from commitgate.config import Settings
from commitgate.outcome import Outcome
from commitgate.plan import estimate_tokens
from commitgate.prompt import REVIEW_INSTRUCTIONS
from commitgate.severity import Severity


def _n(count: int, word: str) -> str:
    return f"{count:,} {word}{'s' * (count != 1)}"


def _indent(text: str, prefix: str = "    ") -> str:
    return "\n".join(prefix + line if line.strip() else "" for line in text.splitlines())


def render(outcome: Outcome, settings: Settings) -> str:
    out: list[str] = []
    if outcome.dry_run:
        return _dry_run(outcome, settings)
    for f in outcome.findings:
        out.append(f"{f.path}:{f.line}: {f.severity.label}: {f.title}")
        out.append(_indent(f.message))
        if f.suggestion:
            out.append(_indent(f"fix: {f.suggestion}"))
        if f.held:
            out.append(_indent(f"(does not block: {f.held})"))
        out.append("")
    out.extend(_summary(outcome, settings))
    return "\n".join(out) + "\n"


def _headline(outcome: Outcome, settings: Settings) -> list[str]:
    status = outcome.status
    if status == "blocked":
        return [
            f"commitgate: BLOCKED: {'; '.join(outcome.decision.reasons)} "
            f"(fail-on = {settings.fail_on.label})"
        ]
    if status in ("error", "unreviewed"):
        lines = [
            "commitgate: the change was NOT reviewed"
            if not outcome.files
            else "commitgate: the change was NOT fully reviewed"
        ]
        lines += [f"  {why}" for why in outcome.failures]
        if status == "unreviewed":
            lines.append(
                "  letting the commit through because on-error = warn "
                '(set on-error = "fail" to block instead)'
            )
        return lines
    if not outcome.files and not outcome.findings:
        return ["commitgate: passed: nothing to review"]
    return ["commitgate: passed"]


def _summary(outcome: Outcome, settings: Settings) -> list[str]:
    lines = _headline(outcome, settings)
    if outcome.files:
        lines.append(
            f"  reviewed: {outcome.description}, {_n(len(outcome.files), 'file')}, "
            f"{_n(outcome.changed_lines, 'changed line')}, by {outcome.model}"
        )
    if outcome.not_reviewed:
        shown = ", ".join(f"{nr.path} ({nr.reason})" for nr in outcome.not_reviewed[:10])
        more = len(outcome.not_reviewed) - 10
        lines.append(f"  not reviewed: {shown}" + (f", and {more} more" if more > 0 else ""))
    if outcome.redacted:
        lines.append(f"  {_redacted(outcome)}")
    if outcome.findings or outcome.dropped:
        counts = Counter(f.severity for f in outcome.findings)
        parts = [f"{counts[s]} {s.label}" for s in sorted(Severity, reverse=True) if counts[s]]
        text = f"  findings: {', '.join(parts) or 'none'}"
        blocking = sum(f.blocking for f in outcome.findings)
        if outcome.findings and blocking != len(outcome.findings):
            text += f" ({blocking} blocking)"
        if outcome.dropped:
            why = ", ".join(f"{n} {reason}" for reason, n in sorted(outcome.dropped.items()))
            text += f"; dropped {sum(outcome.dropped.values())}: {why}"
        lines.append(text)
    u = outcome.usage
    if u.requests:
        text = (
            f"  tokens: {u.input_tokens:,} in ({u.cached_tokens:,} cached), "
            f"{u.output_tokens:,} out ({u.reasoning_tokens:,} reasoning), "
            f"{_n(u.requests, 'request')}, {outcome.elapsed:.1f}s"
        )
        if u.cost is not None:
            text += f", ${u.cost:.4f}"
        lines.append(text)
    lines += [f"  note: {note}" for note in outcome.notes]
    return lines


def _redacted(outcome: Outcome) -> str:
    kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(outcome.redacted.items()))
    return (
        f"secrets: {_n(sum(outcome.redacted.values()), 'value')} replaced before sending ({kinds})"
    )


def _dry_run(outcome: Outcome, settings: Settings) -> str:
    host = urlsplit(settings.base_url).hostname or settings.base_url
    overhead = estimate_tokens(REVIEW_INSTRUCTIONS) + 300  # the schema and framing
    lines = [f"commitgate: dry run, nothing sent ({outcome.description})"]
    if not outcome.batches:
        lines.append("  nothing to review")
    else:
        lines.append(
            f"  would send {_n(len(outcome.batches), 'request')} to {settings.model} at {host}:"
        )
    total = 0
    for i, batch in enumerate(outcome.batches, 1):
        tokens = batch.tokens + overhead
        total += tokens
        lines.append(f"    request {i}: ~{tokens:,} tokens")
        for unit in batch.units:
            count = unit.text.count("\n")
            lines.append(f"      {unit.path} ({_n(count, 'line')} shown)")
    if outcome.not_reviewed:
        lines.append("  not reviewed:")
        lines += [f"    {nr.path}: {nr.reason}" for nr in outcome.not_reviewed]
    if outcome.redacted:
        lines.append(f"  {_redacted(outcome)}")
    if total:
        lines.append(
            f"  estimated input: ~{total:,} tokens, {_n(outcome.changed_lines, 'changed line')}"
        )
    return "\n".join(lines) + "\n"

"""The report for people: one line per finding, its message below, a summary."""

from __future__ import annotations

import json
from collections import Counter
from urllib.parse import urlsplit

from commitgate.color import BOLD_RED, GREEN, RED, SEVERITY, SUBTLE, YELLOW, paint, plain
from commitgate.config import Settings
from commitgate.review.baseline import IN_BASELINE
from commitgate.review.outcome import Outcome
from commitgate.severity import Severity


def _n(count: int, word: str) -> str:
    return f"{count:,} {word}{'s' * (count != 1)}"


def shown(path: str) -> str:
    """A path as one line of text: quoted, as JSON, if it holds a line break
    or another control character (git allows them in names)."""
    if any(ord(c) < 32 or ord(c) == 127 for c in path):
        return json.dumps(path, ensure_ascii=False)
    return path


def _listed(items: list[str], most: int = 10) -> str:
    more = len(items) - most
    return ", ".join(items[:most]) + (f", and {more} more" if more > 0 else "")


def _indent(text: str, prefix: str = "    ") -> str:
    return "\n".join(prefix + line if line.strip() else "" for line in text.splitlines())


def render(outcome: Outcome, settings: Settings, color: bool = False) -> str:
    out: list[str] = []
    if outcome.dry_run:
        return _dry_run(outcome, settings)
    for f in outcome.findings:
        if f.held == IN_BASELINE:
            continue  # accepted before: counted in the summary, listed in JSON
        severity = paint(f.severity.label, SEVERITY[f.severity], color)
        out.append(f"{shown(f.path)}:{f.line}: {severity}: {plain(f.title)}")
        out.append(_indent(plain(f.message)))
        if f.suggestion:
            out.append(_indent(f"fix: {plain(f.suggestion)}"))
        if f.moved_from is not None:
            moved = f"(cited line {f.moved_from}; moved to the changed line it names)"
            out.append(paint(_indent(moved), SUBTLE, color))
        if f.held:
            out.append(paint(_indent(f"(does not block: {plain(f.held)})"), SUBTLE, color))
        elif f.verified_by:
            confirmed = f"(confirmed by {outcome.named(f.verified_by)})"
            out.append(paint(_indent(confirmed), SUBTLE, color))
        out.append("")
    if outcome.dismissed:
        out.append(f"dismissed by the second opinion ({outcome.named(settings.verify_model)}):")
        for f in outcome.dismissed:
            severity = paint(f.severity.label, SEVERITY[f.severity], color)
            line = f"  {shown(f.path)}:{f.line}: {severity}: {plain(f.title)}"
            out.append(paint(line, SUBTLE, color))
        out.append("")
    head = headline(outcome, settings)
    hue = {"blocked": BOLD_RED, "error": RED, "unreviewed": YELLOW}.get(outcome.status, GREEN)
    out.append(paint(head[0], hue, color))
    out += [f"  {line}" for line in head[1:] + facts(outcome)]
    if outcome.status == "blocked" and outcome.kept:
        out.append(
            "  to fix: commitgate fix (a patch for each blocking finding, shown before it is "
            "written), or commitgate fix --prompt for your coding agent"
        )
    return "\n".join(out) + "\n"


def headline(outcome: Outcome, settings: Settings) -> list[str]:
    """The verdict in one line, then why the change was not reviewed, if it was not."""
    status = outcome.status
    if status == "blocked":
        return [
            f"commitgate: BLOCKED: {'; '.join(outcome.decision.reasons)} "
            f"(fail-on = {settings.fail_on_label})"
        ]
    if status in ("error", "unreviewed"):
        lines = [
            "commitgate: the change was NOT reviewed"
            if not outcome.files
            else "commitgate: the change was NOT fully reviewed"
        ]
        for why in outcome.failures:
            # When part of the change was reviewed, say which part was not.
            failed = [shown(nr.path) for nr in outcome.not_reviewed if nr.reason == why]
            why = plain(why)
            lines.append(f"{_listed(failed)}: {why}" if outcome.files and failed else why)
        if status == "unreviewed":
            lines.append(
                "letting the commit through because on-error = warn "
                '(set on-error = "fail" to block instead)'
            )
        return lines
    if not outcome.files and not outcome.findings:
        if outcome.not_reviewed:
            # Files were there, and none of them could be reviewed: a pass
            # that says only "passed" would read as a clean review.
            n = len(outcome.not_reviewed)
            return [f"commitgate: passed, but nothing was reviewed: {_n(n, 'file')} not reviewed"]
        return ["commitgate: passed: nothing to review"]
    return ["commitgate: passed"]


def facts(outcome: Outcome) -> list[str]:
    """What was reviewed, what was not, what was found and what it cost."""
    lines = []
    if outcome.files:
        which = f" ({_listed([shown(p) for p in outcome.files])})" if outcome.failures else ""
        text = (
            f"reviewed: {outcome.description}, {_n(len(outcome.files), 'file')}{which}, "
            f"{_n(outcome.changed_lines, 'changed line')}, "
            f"by {outcome.named(outcome.model)}{_at(outcome)}"
        )
        if outcome.escalated:
            text += f" (escalated: {outcome.escalated})"
        if outcome.cached_units:
            text += (
                " (all from the cache)"
                if outcome.cached_units == outcome.units
                else f" ({outcome.cached_units} of {outcome.units} parts from the cache)"
            )
        lines.append(text)
    # Files that failed are named above, with the failure.
    skipped = [nr for nr in outcome.not_reviewed if nr.reason not in outcome.failures]
    if skipped:
        lines.append(
            f"not reviewed: {_listed([f'{shown(nr.path)} ({plain(nr.reason)})' for nr in skipped])}"
        )
    if outcome.redacted:
        lines.append(_redacted(outcome))
    if outcome.rules:
        lines.append(_rules(outcome))
    if outcome.findings or outcome.dropped or outcome.suppressed or outcome.dismissed:
        new = [f for f in outcome.findings if f.held != IN_BASELINE]
        counts = Counter(f.severity for f in new)
        parts = [f"{counts[s]} {s.label}" for s in sorted(Severity, reverse=True) if counts[s]]
        text = f"findings: {', '.join(parts) or 'none'}"
        blocking = sum(f.blocking for f in new)
        if new and blocking != len(new):
            text += f" ({blocking} blocking)"
        if len(new) != len(outcome.findings):
            text += f"; {len(outcome.findings) - len(new)} in the baseline (not shown)"
        if outcome.suppressed:
            text += f"; {outcome.suppressed} suppressed by comments"
        if outcome.dismissed:
            text += f"; {len(outcome.dismissed)} dismissed by the second opinion"
        if outcome.dropped:
            why = ", ".join(f"{n} {reason}" for reason, n in sorted(outcome.dropped.items()))
            text += f"; dropped {sum(outcome.dropped.values())}: {why}"
        lines.append(text)
    u = outcome.usage
    sent = max(outcome.attempts, u.requests)
    if sent:
        # Every request sent counts, retries and timeouts too: the answers
        # alone would hide a storm of retries.
        answered = f" ({u.requests} answered)" if sent > u.requests else ""
        # "~": a server that reports no usage had its tokens estimated.
        about = "~" if u.estimated else ""
        text = (
            f"tokens: {about}{u.input_tokens:,} in ({u.cached_tokens:,} cached), "
            f"{u.output_tokens:,} out ({u.reasoning_tokens:,} reasoning), "
            f"{_n(sent, 'request')}{answered}, {outcome.elapsed:.1f}s"
        )
        text += _speed(outcome)
        if outcome.cost is not None:
            text += f", {outcome.cost.label()}"
        if u.estimated:
            text += f" (estimated: {u.estimated} of {_n(u.requests, 'answer')} reported no usage)"
        lines.append(text)
    lines += [f"note: {plain(note)}" for note in outcome.notes]
    return lines


def _speed(outcome: Outcome) -> str:
    """Time to the first token and throughput, as measured from the stream;
    never a made-up figure for answers that were not streamed."""
    if outcome.first_token is None:
        return ", speed not measured (stream = false)" if outcome.unmeasured else ""
    text = f", first token {outcome.first_token:.1f}s"
    if outcome.per_second is not None:
        text += f", {outcome.per_second:,.0f} tokens/s"
    return text


def _at(outcome: Outcome) -> str:
    """Where the review was done, when not at the default gateway."""
    if not outcome.server:
        return ""
    return f" at {urlsplit(outcome.server).hostname or outcome.server}"


def _rules(outcome: Outcome) -> str:
    """The repository's own guidance that went with the review."""
    from commitgate.review.rules import MAX_CHARS

    listed = [
        shown(p) + (f" (cut at {MAX_CHARS:,} characters)" if cut else "")
        for p, _, cut in outcome.rules
    ]
    return f"review guidance: {_listed(listed)}"


def _redacted(outcome: Outcome) -> str:
    kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(outcome.redacted.items()))
    count = _n(sum(outcome.redacted.values()), "value")
    return f"secrets: {count} replaced before sending ({kinds})"


def _dry_run(outcome: Outcome, settings: Settings) -> str:
    host = settings.server.host
    lines = [f"commitgate: dry run, nothing sent ({outcome.description})"]
    if outcome.cached_units:
        lines.append(
            f"  {outcome.cached_units} of {outcome.units} parts already reviewed (in the cache)"
        )
    if not outcome.batches:
        lines.append("  nothing to send")
    else:
        escalated = f" (escalated: {outcome.escalated})" if outcome.escalated else ""
        lines.append(
            f"  would send {_n(len(outcome.batches), 'request')} to {outcome.model} at "
            f"{host}{escalated}:"
        )
    total = 0
    for i, batch in enumerate(outcome.batches, 1):
        tokens = batch.request_tokens
        total += tokens
        lines.append(f"    request {i}: ~{tokens:,} tokens")
        for unit in batch.units:
            count = unit.text.count("\n")
            lines.append(f"      {shown(unit.path)} ({_n(count, 'line')} shown)")
    if outcome.not_reviewed:
        lines.append("  not reviewed:")
        lines += [f"    {shown(nr.path)}: {plain(nr.reason)}" for nr in outcome.not_reviewed]
    if outcome.redacted:
        lines.append(f"  {_redacted(outcome)}")
    if outcome.rules:
        lines.append(f"  {_rules(outcome)}")
    lines += [f"  note: {plain(note)}" for note in outcome.notes]
    if total:
        text = f"  estimated input: ~{total:,} tokens, {_n(outcome.changed_lines, 'changed line')}"
        if outcome.cost is not None:
            text += f", {outcome.cost.label()} (input only)"
        lines.append(text)
    return "\n".join(lines) + "\n"

"""The report for programs: one JSON document."""

from __future__ import annotations

import json
from typing import Any

from commitgate.config import Settings
from commitgate.review.baseline import IN_BASELINE
from commitgate.review.outcome import Outcome

SCHEMA_VERSION = 1


def document(outcome: Outcome, settings: Settings) -> dict[str, Any]:
    u, cost = outcome.usage, outcome.cost
    doc: dict[str, Any] = {
        "version": SCHEMA_VERSION,
        "status": outcome.status,
        "exit_code": outcome.exit_code,
        "reviewed": outcome.reviewed and not outcome.dry_run,
        "reason": "; ".join(outcome.failures) or None,
        "decision": {
            "blocked": outcome.decision.blocked,
            "reasons": list(outcome.decision.reasons),
            "fail_on": settings.fail_on_label,
            "on_error": outcome.on_error,
        },
        "change": outcome.description,
        "model": outcome.model,
        # Why the change went to escalate-model ("14 files > 10"), or null.
        "escalated": outcome.escalated or None,
        # The model the server said answered, for each model asked for where
        # they differ.
        "served_by": dict(sorted(outcome.served.items())),
        # null for the default gateway; else where the review went, and who
        # chose that server ("user" or "repository").
        "server": (
            {"url": outcome.server, "chosen_by": outcome.server_chosen_by}
            if outcome.server
            else None
        ),
        "profile": outcome.profile,
        "files": outcome.files,
        "changed_lines": outcome.changed_lines,
        "not_reviewed": [{"path": nr.path, "reason": nr.reason} for nr in outcome.not_reviewed],
        "findings": [f.to_json() for f in outcome.findings],
        "dismissed": [f.to_json() for f in outcome.dismissed],
        "dropped": dict(sorted(outcome.dropped.items())),
        # Secret values replaced before sending, by kind; never the values.
        "redacted": dict(sorted(outcome.redacted.items())),
        "suppressed": outcome.suppressed,
        "baselined": sum(f.held == IN_BASELINE for f in outcome.findings),
        "usage": {
            "input_tokens": u.input_tokens,
            "cached_input_tokens": u.cached_tokens,
            "output_tokens": u.output_tokens,
            "reasoning_tokens": u.reasoning_tokens,
            "requests": u.requests,  # answers received
            # Answers whose server reported no usage: their tokens are estimates.
            "estimated_usage": u.estimated,
            "attempts": outcome.attempts,  # requests sent, retries and timeouts included
            # The gateway's figure, else an estimate from prices (see cost.py).
            "cost_usd": None if cost is None or outcome.dry_run else cost.usd,
            "cost_estimated": None if cost is None or outcome.dry_run else cost.estimated,
            "cost_source": None if cost is None or outcome.dry_run else cost.source,
        },
        "cache": {"units": outcome.units, "cached": outcome.cached_units},
        # Measured from the stream: per answer, and the medians; null (and
        # not_measured counted) for answers that were not streamed.
        "speed": {
            "first_token_seconds": _round(outcome.first_token),
            "output_tokens_per_second": _round(outcome.per_second),
            "not_measured": outcome.unmeasured,
            "answers": [
                {
                    "model": model,
                    "first_token_seconds": _round(first),
                    "output_tokens_per_second": _round(rate),
                }
                for model, first, rate in outcome.speeds
            ],
        },
        # The repository's own review guidance sent (REVIEW.md, AGENTS.md...,
        # [[instructions]]), and whether it was cut.
        "rules": [{"path": p, "chars": n, "cut": cut} for p, n, cut in outcome.rules],
        "notes": outcome.notes,
        "elapsed_seconds": round(outcome.elapsed, 3),
    }
    if outcome.dry_run:
        doc["requests"] = [
            {"files": [unit.path for unit in b.units], "estimated_tokens": b.request_tokens}
            for b in outcome.batches
        ]
        doc["estimated_input_cost_usd"] = None if cost is None else cost.usd
    return doc


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 3)


def render(outcome: Outcome, settings: Settings) -> str:
    return json.dumps(document(outcome, settings), indent=2, ensure_ascii=False) + "\n"

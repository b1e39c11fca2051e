"""The report for programs: one JSON document."""

from __future__ import annotations

import json
from typing import Any

from commitgate.config import Settings
from commitgate.outcome import Outcome
from commitgate.plan import estimate_tokens
from commitgate.prompt import REVIEW_INSTRUCTIONS

SCHEMA_VERSION = 1


def document(outcome: Outcome, settings: Settings) -> dict[str, Any]:
    u = outcome.usage
    doc: dict[str, Any] = {
        "version": SCHEMA_VERSION,
        "status": outcome.status,
        "exit_code": outcome.exit_code,
        "reviewed": outcome.reviewed and not outcome.dry_run,
        "reason": "; ".join(outcome.failures) or None,
        "decision": {
            "blocked": outcome.decision.blocked,
            "reasons": list(outcome.decision.reasons),
            "fail_on": settings.fail_on.label,
            "on_error": outcome.on_error,
        },
        "change": outcome.description,
        "model": outcome.model,
        "profile": outcome.profile,
        "files": outcome.files,
        "changed_lines": outcome.changed_lines,
        "not_reviewed": [{"path": nr.path, "reason": nr.reason} for nr in outcome.not_reviewed],
        "findings": [f.to_json() for f in outcome.findings],
        "dropped": dict(sorted(outcome.dropped.items())),
        # Secret values replaced before sending, by kind; never the values.
        "redacted": dict(sorted(outcome.redacted.items())),
        "usage": {
            "input_tokens": u.input_tokens,
            "cached_input_tokens": u.cached_tokens,
            "output_tokens": u.output_tokens,
            "reasoning_tokens": u.reasoning_tokens,
            "requests": u.requests,
            "cost_usd": u.cost,
        },
        "notes": outcome.notes,
        "elapsed_seconds": round(outcome.elapsed, 3),
    }
    if outcome.dry_run:
        overhead = estimate_tokens(REVIEW_INSTRUCTIONS) + 300
        doc["requests"] = [
            {"files": [unit.path for unit in b.units], "estimated_tokens": b.tokens + overhead}
            for b in outcome.batches
        ]
    return doc


def render(outcome: Outcome, settings: Settings) -> str:
    return json.dumps(document(outcome, settings), indent=2, ensure_ascii=False) + "\n"

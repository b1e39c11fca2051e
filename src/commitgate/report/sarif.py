"""The report for code scanning: SARIF 2.1.0, as github/codeql-action/upload-sarif
takes it.

Rule ids come from the fixed set of categories (prompt.CATEGORIES), never
from the model's words, so alerts stay grouped from run to run. The level
says what the gate did: `error` for a finding that blocks, `warning` for a
medium or worse one that does not (below fail-on, or on a line the change did
not touch), `note` for low and info. partialFingerprints carry the finding's
content fingerprint, which survives the code moving.
"""

from __future__ import annotations

import json
import pathlib
from typing import Any
from urllib.parse import quote

from commitgate import HOME_PAGE, __version__
from commitgate.config import Settings
from commitgate.review.findings import Finding
from commitgate.review.outcome import Outcome
from commitgate.review.prompt import CATEGORIES
from commitgate.severity import Severity

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = HOME_PAGE
SRCROOT = "%SRCROOT%"
RULE_IDS = {category: f"commitgate/{category}" for category in CATEGORIES}
FINGERPRINT = "commitgate/v1"


def level(f: Finding) -> str:
    if f.blocking:
        return "error"
    return "warning" if f.severity >= Severity.MEDIUM else "note"


def uri(path: str) -> str:
    """A repository-relative URI reference. Everything but `/` is
    percent-encoded: spaces, non-ASCII (as UTF-8), `%`, and a `:` that would
    otherwise read as a scheme. Paths that are not UTF-8 keep their bytes."""
    return quote(path, safe="/", errors="surrogateescape")


def _short(description: str) -> str:
    """The description's first clause, for shortDescription."""
    for stop in (":", "."):
        description = description.split(stop, 1)[0]
    return description.strip()


def _rules() -> list[dict[str, Any]]:
    return [
        {
            "id": RULE_IDS[category],
            "name": category,
            "shortDescription": {"text": _short(description)},
            "fullDescription": {"text": description},
            "help": {"text": description},
            "defaultConfiguration": {"level": "warning"},
            "properties": {"tags": [category]},
        }
        for category, description in CATEGORIES.items()
    ]


def _location(path: str) -> dict[str, Any]:
    return {"uri": uri(path), "uriBaseId": SRCROOT}


def _result(f: Finding, index: dict[str, int]) -> dict[str, Any]:
    text = f"{f.title}\n\n{f.message}"
    if f.suggestion:
        text += f"\n\nFix: {f.suggestion}"
    if f.held:
        text += f"\n\n(Does not block: {f.held}.)"
    properties: dict[str, Any] = {
        "severity": f.severity.label,
        "blocking": f.blocking,
        "title": f.title,
        "model": f.model,
    }
    if f.confidence is not None:
        properties["confidence"] = f.confidence
    if f.held:
        properties["held"] = f.held
    category = f.category if f.category in RULE_IDS else "other"
    result: dict[str, Any] = {
        "ruleId": RULE_IDS[category],
        "ruleIndex": index[category],
        "level": level(f),
        "message": {"text": text},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": _location(f.path),
                    "region": {"startLine": f.line, "endLine": max(f.line, f.end_line or 0)},
                }
            }
        ],
        "properties": properties,
    }
    if f.fingerprint:
        result["partialFingerprints"] = {FINGERPRINT: f.fingerprint}
    return result


def _notifications(outcome: Outcome) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = [
        {"level": "error", "message": {"text": why}} for why in outcome.failures
    ]
    for nr in outcome.not_reviewed:
        out.append(
            {
                "level": "warning",
                "message": {"text": f"{nr.path} was not reviewed: {nr.reason}"},
                "locations": [{"physicalLocation": {"artifactLocation": _location(nr.path)}}],
            }
        )
    out += [{"level": "note", "message": {"text": note}} for note in outcome.notes]
    return out


def document(outcome: Outcome, settings: Settings) -> dict[str, Any]:
    index = {category: i for i, category in enumerate(CATEGORIES)}
    u, cost = outcome.usage, outcome.cost
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "commitgate",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": INFORMATION_URI,
                "rules": _rules(),
            }
        },
        "invocations": [
            {
                "executionSuccessful": outcome.reviewed,
                "exitCode": outcome.exit_code,
                "toolExecutionNotifications": _notifications(outcome),
            }
        ],
        "results": [_result(f, index) for f in outcome.findings],
        "properties": {
            "status": outcome.status,
            "change": outcome.description,
            "model": outcome.model,
            "failOn": settings.fail_on_label,
            "blockedBecause": list(outcome.decision.reasons),
            "reviewed": list(outcome.files),
            "notReviewed": [{"path": nr.path, "reason": nr.reason} for nr in outcome.not_reviewed],
            "usage": {
                "inputTokens": u.input_tokens,
                "cachedInputTokens": u.cached_tokens,
                "outputTokens": u.output_tokens,
                "reasoningTokens": u.reasoning_tokens,
                "requests": u.requests,
                "costUsd": None if cost is None else cost.usd,
                "costEstimated": None if cost is None else cost.estimated,
            },
        },
    }
    if outcome.root:
        # Lets a SARIF viewer find the files; code scanning resolves the
        # relative URIs against its checkout and ignores this.
        root = pathlib.PurePath(outcome.root)
        if root.is_absolute():
            run["originalUriBaseIds"] = {SRCROOT: {"uri": root.as_uri().rstrip("/") + "/"}}
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}


def render(outcome: Outcome, settings: Settings) -> str:
    return json.dumps(document(outcome, settings), indent=2, ensure_ascii=False) + "\n"

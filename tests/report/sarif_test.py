"""SARIF: valid against the official 2.1.0 schema, and what code scanning needs."""

from __future__ import annotations

import json
from typing import Any

import pytest

from commitgate.report import render, sarif
from commitgate.review.prompt import CATEGORIES
from tests import outcomes
from tests.openai_schema import sarif_validator


def doc(outcome: Any = None) -> dict[str, Any]:
    o = outcomes.outcome() if outcome is None else outcome
    data: dict[str, Any] = json.loads(render(o, "sarif", outcomes.SETTINGS))
    sarif_validator().validate(data)
    return data


def test_valid_and_shaped_for_upload_sarif() -> None:
    d = doc()
    assert d["version"] == "2.1.0"
    [run] = d["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "commitgate"
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": "file:///work/repo/"}}
    for r in run["results"]:
        assert r["ruleId"] == driver["rules"][r["ruleIndex"]]["id"]
        loc = r["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert loc["region"]["startLine"] <= loc["region"]["endLine"]
        assert r["message"]["text"]


def test_rules_are_the_fixed_categories_with_descriptions() -> None:
    rules = doc()["runs"][0]["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [f"commitgate/{c}" for c in CATEGORIES]
    security = rules[0]
    assert security["shortDescription"]["text"] == "A security weakness"
    assert security["fullDescription"]["text"] == CATEGORIES["security"]
    assert all(r["shortDescription"]["text"] for r in rules)


def test_results() -> None:
    blocking, medium, held, low = doc()["runs"][0]["results"]
    assert blocking["ruleId"] == "commitgate/security"
    assert blocking["level"] == "error"
    assert blocking["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "src/app.py", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 2, "endLine": 4},
    }
    assert blocking["partialFingerprints"] == {"commitgate/v1": outcomes.BLOCKING.fingerprint}
    assert blocking["properties"] == {
        "severity": "high",
        "blocking": True,
        "title": outcomes.BLOCKING.title,
        "model": "openai/gpt-5.1-codex-mini",
        "confidence": 0.9,
    }
    assert blocking["message"]["text"].startswith(
        "SQL query built from request parameter\n\n`name` is interpolated"
    )
    assert "Fix: cursor.execute(" in blocking["message"]["text"]
    # Not blocking: warning from medium up, note below.
    assert (medium["level"], held["level"], low["level"]) == ("warning", "warning", "note")
    assert held["properties"]["held"] == "not on a line this change touched"
    assert held["locations"][0]["physicalLocation"]["region"] == {"startLine": 7, "endLine": 7}
    # An unknown category files under "other"; no fingerprint, no partialFingerprints.
    assert low["ruleId"] == "commitgate/other" and "partialFingerprints" not in low


@pytest.mark.parametrize(
    ("path", "uri"),
    [
        ("src/app.py", "src/app.py"),
        ("docs and notes/ünïcode.py", "docs%20and%20notes/%C3%BCn%C3%AFcode.py"),
        ("a:b,c%d.py", "a%3Ab%2Cc%25d.py"),
        ("weird/\udcff.py", "weird/%FF.py"),  # not UTF-8: its bytes
        ("#hash?.py", "%23hash%3F.py"),
    ],
)
def test_uris_are_repository_relative_and_encoded(path: str, uri: str) -> None:
    assert sarif.uri(path) == uri


def test_files_not_reviewed_and_failures_are_notifications() -> None:
    o = outcomes.outcome(blocked=False, failures=["api.example did not answer in time"])
    [invocation] = doc(o)["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    assert invocation["exitCode"] == 3
    errors, binary = invocation["toolExecutionNotifications"]
    assert errors == {"level": "error", "message": {"text": "api.example did not answer in time"}}
    assert binary["level"] == "warning"
    assert binary["message"]["text"] == "logo.png was not reviewed: binary"
    assert binary["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "logo.png"


def test_run_properties_carry_status_and_cost() -> None:
    run = doc()["runs"][0]
    assert run["invocations"][0] == {
        "executionSuccessful": True,
        "exitCode": 1,
        "toolExecutionNotifications": [
            {
                "level": "warning",
                "message": {"text": "logo.png was not reviewed: binary"},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": {"uri": "logo.png", "uriBaseId": "%SRCROOT%"}
                        }
                    }
                ],
            }
        ],
    }
    props = run["properties"]
    assert props["status"] == "blocked" and props["failOn"] == "high"
    assert props["notReviewed"] == [{"path": "logo.png", "reason": "binary"}]
    assert props["usage"]["costUsd"] == 0.0041 and props["usage"]["costEstimated"] is True


def test_nothing_found_nothing_reviewed_dry_run_all_valid() -> None:
    assert doc(outcomes.outcome([], blocked=False))["runs"][0]["results"] == []
    empty = outcomes.outcome([], blocked=False, files=[], not_reviewed=[], root="", cost=None)
    run = doc(empty)["runs"][0]
    assert "originalUriBaseIds" not in run and run["properties"]["usage"]["costUsd"] is None
    dry = doc(outcomes.outcome([], blocked=False, dry_run=True))["runs"][0]
    assert dry["properties"]["status"] == "dry-run"

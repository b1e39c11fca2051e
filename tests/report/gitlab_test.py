"""GitLab Code Quality: an array of issues with every field GitLab requires.

GitLab publishes no JSON Schema for this report in a package registry (npm's
`codeclimate-types` ships TypeScript types only; the `gitlab` formatters of
eslint, markdownlint-cli2, prettier and stylelint ship none). So the schema
below is written from GitLab's documentation ("Code Quality report format",
docs.gitlab.com/ci/testing/code_quality): a single JSON array whose objects
have at least `description`, `check_name`, `fingerprint` (strings),
`severity` (one of `info`, `minor`, `major`, `critical`, `blocker`),
`location.path` (a string) and `location.lines.begin` (an integer). That is
stricter than what GitLab's parser itself checks of each issue (description,
fingerprint, severity and location, with those types), and GitLab stops
reading a report at the first issue that fails that check.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from commitgate.main import main
from commitgate.report import gitlab, render
from commitgate.review.findings import NOT_CHANGED, Finding
from commitgate.review.prompt import CATEGORIES
from commitgate.severity import Severity
from tests import outcomes
from tests.conftest import TEST_KEY, GitRepo
from tests.fake_gateway import FakeGateway

SCHEMA: dict[str, Any] = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "type": "array",
    "items": {
        "type": "object",
        "required": ["description", "check_name", "fingerprint", "severity", "location"],
        "properties": {
            "description": {"type": "string", "minLength": 1},
            "check_name": {"type": "string", "minLength": 1},
            "fingerprint": {"type": "string", "minLength": 1},
            "severity": {"enum": ["info", "minor", "major", "critical", "blocker"]},
            "location": {
                "type": "object",
                "required": ["path", "lines"],
                "properties": {
                    "path": {"type": "string", "minLength": 1},
                    "lines": {
                        "type": "object",
                        "required": ["begin"],
                        "properties": {
                            "begin": {"type": "integer", "minimum": 1},
                            "end": {"type": "integer", "minimum": 1},
                        },
                    },
                },
            },
        },
    },
}


def doc(outcome: Any = None) -> list[dict[str, Any]]:
    o = outcomes.outcome() if outcome is None else outcome
    text = render(o, "gitlab", outcomes.SETTINGS)
    assert not text.startswith("\ufeff")  # GitLab's parser refuses a byte order mark
    text.encode("utf-8")  # strictly: no lone surrogate anywhere
    data: list[dict[str, Any]] = json.loads(text)
    jsonschema.Draft7Validator.check_schema(SCHEMA)
    jsonschema.Draft7Validator(SCHEMA).validate(data)
    fingerprints = [i["fingerprint"] for i in data]
    assert len(set(fingerprints)) == len(fingerprints)  # GitLab keeps one issue per fingerprint
    for i in data:
        lines = i["location"]["lines"]
        assert lines["begin"] <= lines["end"]
    return data


def finding(**changes: Any) -> Finding:
    return outcomes.BLOCKING.replace(**changes)


def test_every_finding_is_an_issue() -> None:
    blocking, medium, held, low = doc()
    assert blocking == {
        "description": "SQL query built from request parameter: "
        + outcomes.BLOCKING.message
        + ' Fix: cursor.execute("... WHERE name = %s", (name,))',
        "check_name": "commitgate/security",
        "fingerprint": blocking["fingerprint"],
        "severity": "critical",
        "location": {"path": "src/app.py", "lines": {"begin": 2, "end": 4}},
        "type": "issue",
        "categories": ["Security"],
    }
    assert medium["location"] == {
        "path": "docs and notes/ünïcode.py",
        "lines": {"begin": 1, "end": 1},
    }
    assert medium["description"] == (
        "Off by one, sometimes: The loop stops one short\nwhen the list is empty."
    )
    assert (medium["check_name"], medium["categories"]) == ("commitgate/correctness", ["Bug Risk"])
    assert held["location"]["path"] == "a:b,c%d.py"  # nothing escaped that JSON does not need
    assert held["description"].endswith(f" (Does not block: {NOT_CHANGED}.)")
    # An unknown category files under "other", as in SARIF.
    assert low["check_name"] == "commitgate/other"


def test_check_names_are_the_fixed_categories() -> None:
    assert list(gitlab.CHECK_NAMES.values()) == [f"commitgate/{c}" for c in CATEGORIES]
    for category in CATEGORIES:
        [issue] = doc(outcomes.outcome([finding(category=category)]))
        assert issue["check_name"] == f"commitgate/{category}"


@pytest.mark.parametrize(
    ("severity", "blocking", "expected"),
    [
        (Severity.INFO, False, "info"),
        (Severity.LOW, False, "minor"),
        (Severity.MEDIUM, False, "major"),
        (Severity.HIGH, False, "critical"),
        (Severity.CRITICAL, False, "blocker"),
        # What blocks is at least major (fail-on = low or info blocks on these).
        (Severity.INFO, True, "major"),
        (Severity.LOW, True, "major"),
        (Severity.MEDIUM, True, "major"),
        (Severity.HIGH, True, "critical"),
        (Severity.CRITICAL, True, "blocker"),
    ],
)
def test_severity(severity: Severity, blocking: bool, expected: str) -> None:
    [issue] = doc(outcomes.outcome([finding(severity=severity, blocking=blocking)]))
    assert issue["severity"] == expected


def test_fingerprints_are_stable_and_unique() -> None:
    first = [i["fingerprint"] for i in doc()]
    assert [i["fingerprint"] for i in doc()] == first
    assert all(len(fp) == 32 and int(fp, 16) >= 0 for fp in first)
    # Not the finding's content fingerprint itself: that one is the line's.
    assert outcomes.BLOCKING.fingerprint not in first
    # The order of the findings, the model's words, the line number (the
    # code moved) and the severity leave a finding's fingerprint alone.
    moved = finding(line=12, end_line=None, title="Injection", message="other words")
    reordered = outcomes.outcome([outcomes.LOW, moved, outcomes.HELD, outcomes.BELOW_FAIL_ON])
    assert {i["fingerprint"] for i in doc(reordered)} == set(first)
    [issue] = doc(outcomes.outcome([finding(severity=Severity.LOW, blocking=False)]))
    assert issue["fingerprint"] == first[0]
    # Another line's text, another file or another category: another issue.
    for other in (
        finding(fingerprint="1" * 32),
        finding(path="src/other.py", fingerprint=""),
        finding(category="correctness"),
    ):
        assert doc(outcomes.outcome([other]))[0]["fingerprint"] not in first


def test_findings_of_one_line_are_told_apart() -> None:
    """Two findings on one line, of one category (their titles differ too
    much to be merged as one problem): two issues, each keeping its
    fingerprint from run to run, whatever order the model gave them in."""
    a = finding(title="SQL injection", severity=Severity.CRITICAL)
    b = finding(title="Connection never closed", severity=Severity.MEDIUM, blocking=False)
    one = doc(outcomes.outcome([a, b]))
    other = doc(outcomes.outcome([b, a]))
    assert one[0]["fingerprint"] != one[1]["fingerprint"]
    assert (one[0]["fingerprint"], one[1]["fingerprint"]) == (
        other[1]["fingerprint"],
        other[0]["fingerprint"],
    )
    # A finding made without a content fingerprint: its path and line stand in.
    bare = [finding(fingerprint=""), finding(fingerprint="", title="Another")]
    assert len({i["fingerprint"] for i in doc(outcomes.outcome(bare))}) == 2


def test_nothing_found_is_an_empty_array() -> None:
    empty = outcomes.outcome([], blocked=False)
    assert render(empty, "gitlab", outcomes.SETTINGS) == "[]\n"
    assert doc(outcomes.outcome([], blocked=False, dry_run=True)) == []
    # A failed review has no issue to show: the job's exit code says it.
    assert doc(outcomes.outcome([], blocked=False, failures=["the service is down"])) == []


@pytest.mark.parametrize(
    ("path", "shown"),
    [
        ("docs and notes/ünïcode.py", "docs and notes/ünïcode.py"),
        ('quote"and\\backslash.py', 'quote"and\\backslash.py'),
        ("line\nbreak\tand\x1bescape.py", "line\nbreak\tand\x1bescape.py"),
        ("weird/\udcff.py", "weird/\\xff.py"),  # not UTF-8: its bytes, as text
        ("caf\udce9/\u202eevil.py", "caf\\xe9/\u202eevil.py"),
    ],
)
def test_odd_paths_are_valid_json(path: str, shown: str) -> None:
    [issue] = doc(outcomes.outcome([finding(path=path)]))
    assert issue["location"]["path"] == shown


def test_control_characters_stay_inside_their_string() -> None:
    hostile = finding(title='"}], "x": [{', message="a\x1b[2Jb\x00c\r\nd\u2028e", suggestion=None)
    text = render(outcomes.outcome([hostile]), "gitlab", outcomes.SETTINGS)
    assert "\x1b" not in text and "\x00" not in text and "\r" not in text
    [issue] = doc(outcomes.outcome([hostile]))
    assert issue["description"] == '"}], "x": [{: a\x1b[2Jb\x00c\r\nd\u2028e'
    assert set(issue) == {
        "description",
        "check_name",
        "fingerprint",
        "severity",
        "location",
        "type",
        "categories",
    }


def test_a_review_to_a_file_through_the_command_line(
    repo: GitRepo, env: FakeGateway, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The planted bug of a file whose name is not UTF-8, and one whose name
    holds a line break: a report GitLab can read, with the text report on
    stdout and the key nowhere."""
    if sys.platform == "darwin":
        pytest.skip("macOS file systems refuse names that are not UTF-8")
    repo.write("app.py", "x = 1\n")
    repo.stage()
    repo.commit()
    (repo.path / os.fsdecode(b"caf\xe9.py")).write_bytes(b"x = 1  # BUG:high\n")
    repo.write("two\nlines.py", "y = 2  # BUG:low\n")
    repo.stage()
    report = tmp_path / "gl-code-quality-report.json"
    code = main(["--format", "gitlab", "--output", str(report)])
    out, err = capsys.readouterr()
    assert code == 1, err
    assert "commitgate: BLOCKED" in out
    raw = report.read_bytes()
    assert TEST_KEY.encode() not in raw + out.encode("utf-8", "backslashreplace")
    data = json.loads(raw.decode("utf-8"))  # strictly UTF-8
    jsonschema.Draft7Validator(SCHEMA).validate(data)
    assert [(i["location"]["path"], i["severity"]) for i in data] == [
        ("caf\\xe9.py", "critical"),
        ("two\nlines.py", "minor"),
    ]

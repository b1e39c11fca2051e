from __future__ import annotations

import json
import os
import random
from pathlib import Path

import pytest

from commitgate import config
from commitgate.errors import ConfigError
from commitgate.git.change import ChangedFile
from commitgate.review import baseline
from commitgate.review.baseline import IN_BASELINE, Entry
from commitgate.review.findings import NOT_CHANGED, Checker, Finding
from commitgate.severity import Severity

CODE = ("import os", "", "def run(cmd):", "    os.system(cmd)", "    return 0")


def check(lines: tuple[str, ...], line: int, **kw: object) -> Finding:
    raw = {"path": "app.py", "line": line, "severity": "high", "title": "t", "message": "m"}
    raw.update(kw)
    f = Checker([ChangedFile("app.py", "whole", lines)]).check(raw)
    assert f is not None
    return f


def test_moving_code_keeps_the_match_and_editing_the_line_ends_it() -> None:
    before = check(CODE, 4)
    moved = ("import os", "import sys", "X = 1", *CODE[1:])
    assert moved[5] == "    os.system(cmd)"
    assert check(moved, 6).fingerprint == before.fingerprint
    reindented = tuple(line.replace("    ", "\t") for line in CODE)
    assert check(reindented, 4).fingerprint == before.fingerprint
    edited = (*CODE[:3], "    os.system(cmd + args)", *CODE[4:])
    assert check(edited, 4).fingerprint != before.fingerprint
    # A copy of the line above it is another occurrence, and the original
    # below no longer matches: the baseline never silences both.
    copied = (*CODE[:3], "    os.system(cmd)", *CODE[3:])
    assert check(copied, 5).fingerprint != before.fingerprint


def test_hold_marks_listed_findings_whatever_else_held_them() -> None:
    a = check(CODE, 4)
    b = check(CODE, 1).replace(held=NOT_CHANGED)
    c = check(CODE, 5)
    held = baseline.hold([a, b, c], frozenset({a.fingerprint, b.fingerprint}))
    assert [f.held for f in held] == [IN_BASELINE, IN_BASELINE, ""]


def finding(path: str, line: str, sev: Severity, title: str, category: str = "other") -> Finding:
    return Finding(path, 1, sev, title, "m", category=category, fingerprint=f"{path}-{line}")


FINDINGS = [
    finding("src/b.py", "1", Severity.LOW, "minor"),
    finding("a.py", "9", Severity.HIGH, "shell injection", "security"),
    finding("a.py", "9", Severity.MEDIUM, "unchecked return"),  # same line: one entry
    finding("a.py", "2", Severity.CRITICAL, 'quote " and caf\u00e9'),
]

EXPECTED = """\
{
  "version": 1,
  "comment": "Findings accepted by `commitgate baseline`: these never block. \
Refresh with `commitgate baseline`; commit this file.",
  "findings": [
    {"path": "a.py", "fingerprint": "a.py-2", "severity": "critical", "category": "other", \
"title": "quote \\" and caf\u00e9"},
    {"path": "a.py", "fingerprint": "a.py-9", "severity": "high", "category": "security", \
"title": "shell injection"},
    {"path": "src/b.py", "fingerprint": "src/b.py-1", "severity": "low", "category": "other", \
"title": "minor"}
  ]
}
"""


def test_file_format() -> None:
    assert baseline.dumps(baseline.entries(FINDINGS)) == EXPECTED
    assert json.loads(EXPECTED)["version"] == 1
    assert baseline.dumps([]) == EXPECTED.split('"findings"')[0] + '"findings": []\n}\n'
    json.loads(baseline.dumps([]))


def test_same_findings_in_any_order_give_the_same_bytes() -> None:
    shuffled = FINDINGS[:]
    for seed in range(5):
        random.Random(seed).shuffle(shuffled)
        assert baseline.dumps(baseline.entries(shuffled)) == EXPECTED


def test_a_refresh_keeps_the_old_wording() -> None:
    old = baseline.entries(FINDINGS)
    reworded = [f.replace(title=f.title + " (again)", severity=Severity.INFO) for f in FINDINGS]
    new = baseline.entries([*reworded, finding("c.py", "1", Severity.LOW, "new")], old)
    assert new == [old[0], old[1], Entry("c.py", "c.py-1", "low", "other", "new"), old[2]]
    # Findings gone since are gone from the refresh.
    assert baseline.entries(reworded[:1], old) == [old[2]]


def test_read_round_trip(tmp_path: Path) -> None:
    entries = baseline.entries(FINDINGS)
    p = tmp_path / "b.json"
    baseline.write(str(p), baseline.dumps(entries))
    assert baseline.read(str(p), "b.json") == entries
    assert p.read_bytes() == EXPECTED.encode()
    # A hand-written entry needs only path and fingerprint.
    p.write_text('{"version": 1, "findings": [{"path": "x", "fingerprint": "y"}]}')
    assert baseline.read(str(p), "b.json") == [Entry("x", "y", "", "", "")]


def test_a_path_that_is_not_utf8_is_escaped() -> None:
    path = os.fsdecode(b"bad\xffname.py")
    text = baseline.dumps(baseline.entries([finding(path, "1", Severity.LOW, "t\u00e9")]))
    text.encode("utf-8")  # no surrogates left
    assert "\\udcff" in text and "t\\u00e9" in text


def test_write_keeps_the_mode_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    p = tmp_path / "b.json"
    p.write_text("old")
    p.chmod(0o600)
    baseline.write(str(p), "new\n")
    assert p.read_text() == "new\n"
    assert p.stat().st_mode & 0o777 == 0o600
    assert os.listdir(tmp_path) == ["b.json"]
    with pytest.raises(FileNotFoundError):
        baseline.write(str(tmp_path / "missing" / "b.json"), "x")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("<<<<<<< HEAD\n", "not a commitgate baseline: invalid JSON at line 1: "),
        ("[]", 'not a commitgate baseline: no "findings" list'),
        ('{"version": 1}', 'no "findings" list'),
        ('{"findings": []}', "baseline version None is not one this commitgate reads (1)"),
        ('{"version": 2, "findings": []}', "baseline version 2 is not one"),
        ('{"version": 1, "findings": [1]}', "findings[0]: must be an object"),
        (
            '{"version": 1, "findings": [{"path": "a"}]}',
            "findings[0]: 'fingerprint' must be a non-empty string",
        ),
        (
            '{"version": 1, "findings": [{"path": "a", "fingerprint": "f", "title": 3}]}',
            "findings[0]: 'title' must be a string",
        ),
    ],
)
def test_malformed_file(tmp_path: Path, text: str, reason: str) -> None:
    p = tmp_path / "b.json"
    p.write_text(text)
    with pytest.raises(ConfigError) as e:
        baseline.read(str(p), "ci/b.json")
    assert str(e.value).startswith("ci/b.json: ")
    assert reason in str(e.value)


def test_not_utf8(tmp_path: Path) -> None:
    (tmp_path / "b.json").write_bytes(b"\xff\xfe{}")
    with pytest.raises(ConfigError, match=r"b\.json: not a commitgate baseline: not UTF-8"):
        baseline.read(str(tmp_path / "b.json"), "b.json")


def settings(root: Path, text: str = "") -> config.Settings:
    (root / "commitgate.toml").write_text(text)
    return config.load(str(root), env={})


def test_accepted(tmp_path: Path) -> None:
    # No file at the default place: nothing accepted, no error.
    assert baseline.accepted(str(tmp_path), settings(tmp_path)) == frozenset()
    (tmp_path / ".commitgate-baseline.json").write_text(EXPECTED)
    assert baseline.accepted(str(tmp_path), settings(tmp_path)) == {
        "a.py-2",
        "a.py-9",
        "src/b.py-1",
    }
    assert baseline.accepted(str(tmp_path), settings(tmp_path, 'baseline = ""')) == frozenset()
    # A file the configuration names must exist: a typo must not turn it off.
    with pytest.raises(ConfigError) as e:
        baseline.accepted(str(tmp_path), settings(tmp_path, 'baseline = "ci/base.json"'))
    assert str(e.value) == (
        "commitgate.toml: baseline file 'ci/base.json' does not exist: "
        'create it with `commitgate baseline`, or set baseline = ""'
    )
    (tmp_path / ".commitgate-baseline.json").write_text("{")
    with pytest.raises(ConfigError, match=r"^\.commitgate-baseline\.json: not a commitgate"):
        baseline.accepted(str(tmp_path), settings(tmp_path))

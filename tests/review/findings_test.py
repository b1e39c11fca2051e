from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest

from commitgate.git.change import ChangedFile, Hunk
from commitgate.model.session import UnusableAnswer
from commitgate.review.findings import (
    NOT_CHANGED,
    Checker,
    Finding,
    fingerprint,
    merge_duplicates,
    parse_answer,
)
from commitgate.severity import Severity

FILES = [
    ChangedFile("a.py", "modified", tuple(f"l{i}" for i in range(1, 21)), (Hunk(5, 2, ()),)),
    ChangedFile("new.py", "added", ("x", "y")),
]


def raw(**kw: Any) -> dict[str, Any]:
    base = {"path": "a.py", "line": 5, "severity": "high", "title": "t", "message": "m"}
    base.update(kw)
    return base


def test_parse_answer() -> None:
    ok = json.dumps(raw())
    assert parse_answer('{"findings": []}') == []
    assert parse_answer(f'```json\n{{"findings": [{ok}]}}\n```') == [raw()]
    assert parse_answer(f"[{ok}]") == [raw()]
    for bad in ("", "  ", "not json", '{"findings": 3}', '"x"', '{"finding": []}', "```\n{\n```"):
        with pytest.raises(UnusableAnswer):
            parse_answer(bad)


@pytest.mark.parametrize(
    ("finding", "problem"),
    [
        (1, "not an object"),
        ({}, "missing path"),
        (raw(severity="severe"), "unknown severity"),
        (raw(message=""), "missing message"),
        (raw(line="two"), "line not a whole number"),
    ],
)
def test_a_malformed_finding_is_dropped_not_the_answer(finding: object, problem: str) -> None:
    """One bad finding must not throw away the rest of a well-formed answer:
    it is dropped, and counted with its reason."""
    answer = json.dumps({"findings": [raw(), finding]})
    found = parse_answer(answer)
    assert len(found) == 2
    c = Checker(FILES)
    assert c.check(found[0]) is not None
    assert c.check(found[1]) is None
    assert c.dropped == Counter({problem: 1})


def test_five_fields_are_enough() -> None:
    c = Checker(FILES)
    f = c.check(raw())
    assert f == Finding("a.py", 5, Severity.HIGH, "t", "m", fingerprint=f.fingerprint if f else "")
    assert f.category == "other" and f.confidence is None and not f.held


def test_all_fields() -> None:
    f = Checker(FILES).check(
        raw(
            end_line=6,
            category="security",
            suggestion="fix it",
            confidence=0.8,
            title="  multi\nline  title ",
        ),
        model="m1",
    )
    assert f is not None
    assert (f.end_line, f.category, f.suggestion, f.confidence, f.title, f.model) == (
        6,
        "security",
        "fix it",
        0.8,
        "multi line title",
        "m1",
    )


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"severity": "severe"}, "unknown severity"),
        ({"severity": None}, "missing severity"),
        ({"title": ""}, "missing title"),
        ({"message": None}, "missing message"),
        ({"path": "other.py"}, "path not in the change"),
        ({"line": 0}, "line not in the file"),
        ({"line": 99}, "line not in the file"),
        ({"line": "x"}, "line not a whole number"),
        ({"line": True}, "line not a whole number"),
    ],
)
def test_invalid_findings_are_dropped_and_counted(change: dict[str, Any], reason: str) -> None:
    c = Checker(FILES)
    assert c.check(raw(**change)) is None
    assert c.dropped == Counter({reason: 1})


def test_not_an_object() -> None:
    c = Checker(FILES)
    assert c.check("x") is None and c.dropped == Counter({"not an object": 1})


def test_values_are_normalised() -> None:
    f = Checker(FILES).check(
        raw(line="6", end_line=3, confidence=7, category="made-up", severity=" HIGH ")
    )
    assert f is not None
    assert (f.line, f.end_line, f.confidence, f.category) == (6, None, 1.0, "other")
    f = Checker(FILES).check(raw(end_line=500, confidence=True))
    assert f is not None and f.end_line == 20 and f.confidence is None


def test_anchoring() -> None:
    c = Checker(FILES)
    off = c.check(raw(line=10))
    assert off is not None and off.held == NOT_CHANGED
    spanning = c.check(raw(line=2, end_line=8))
    assert spanning is not None and spanning.line == 5 and not spanning.held
    assert c.check(raw(path="new.py", line=2)) is not None  # every line of a new file is changed
    dropping = Checker(FILES, unchanged_lines="drop")
    assert dropping.check(raw(line=10)) is None
    assert dropping.dropped == Counter({"not on a changed line": 1})


def test_merge_duplicates_keeps_the_most_severe() -> None:
    a = Finding("a.py", 5, Severity.MEDIUM, "SQL injection in query", "m")
    b = Finding("a.py", 5, Severity.HIGH, "SQL injection in the query", "m")
    c = Finding("a.py", 5, Severity.LOW, "Unclosed file handle", "m")
    d = Finding("a.py", 6, Severity.LOW, "SQL injection in query", "m")
    dropped: Counter[str] = Counter()
    assert merge_duplicates([a, b, c, d], dropped) == [b, c, d]
    assert dropped == Counter({"duplicate": 1})


def test_fingerprint_survives_code_moving_and_rewording() -> None:
    lines = ["a", "x = 1", "b", "x = 1"]
    moved = ["new", "new", "a", "x  =  1", "b", "x = 1"]
    assert fingerprint("p", lines, 2) == fingerprint("p", moved, 4)
    assert fingerprint("p", lines, 4) == fingerprint("p", moved, 6)
    assert fingerprint("p", lines, 2) != fingerprint("p", lines, 4)  # second occurrence
    assert fingerprint("p", lines, 2) != fingerprint("q", lines, 2)
    c = Checker(FILES)
    a, b = c.check(raw(title="one")), c.check(raw(title="other words", severity="low"))
    assert a is not None and b is not None and a.fingerprint == b.fingerprint


def test_a_finding_beside_the_changed_line_it_names_is_moved_there() -> None:
    lines = (
        "def price(qty, unit):",
        "    total = qty * unit",  # 2: unchanged
        "    discount = total / 10",  # 3: changed
        "",  # 4: blank, what a weak model cites
        "    return total - discount",
    )
    f = ChangedFile("shop.py", "modified", lines, (Hunk(3, 1, ("    discount = 0",)),))
    checker = Checker([f])
    moved = checker.check(
        {
            "path": "shop.py",
            "line": 4,
            "severity": "high",
            "title": "discount taken of the total",
            "message": "`discount` should be per unit",
        }
    )
    assert moved is not None and (moved.line, moved.moved_from, moved.held) == (3, 4, "")
    # Naming nothing on the changed line: left where it was, and held.
    stays = checker.check(
        {"path": "shop.py", "line": 1, "severity": "high", "title": "t", "message": "qty unchecked"}
    )
    assert stays is not None and (stays.line, stays.moved_from) == (1, None)
    assert stays.held == NOT_CHANGED
    # Too far away to be a slip of the line number.
    far = ChangedFile(
        "a.py", "modified", tuple(f"x{i} = {i}" for i in range(20)), (Hunk(2, 1, ()),)
    )
    found = Checker([far]).check(
        {"path": "a.py", "line": 9, "severity": "high", "title": "x1 is wrong", "message": "x1"}
    )
    assert found is not None and found.line == 9 and found.held == NOT_CHANGED

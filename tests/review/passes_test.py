"""Several passes: one finding per problem, held unless enough agree."""

from __future__ import annotations

import json
from typing import Any

import pytest

from commitgate.main import main
from commitgate.review.findings import Finding
from commitgate.review.passes import agree
from commitgate.severity import Severity
from tests.conftest import GitRepo
from tests.fake_gateway import FakeGateway, ReviewInput


def f(
    line: int, title: str, category: str = "correctness", sev: Severity = Severity.HIGH
) -> Finding:
    return Finding("a.py", line, sev, title, "m", category=category)


def test_agreement() -> None:
    runs = [
        [f(10, "off by one in the loop"), f(30, "unused", "other", Severity.LOW)],
        [f(11, "loop is off by one", sev=Severity.CRITICAL)],
        [f(10, "off-by-one"), f(50, "leak", "resource")],
    ]
    out = agree(runs, 2)
    by_line = {x.line: x for x in out}
    assert set(by_line) == {11, 30, 50}  # one per problem, the most severe report of it
    assert (by_line[11].passes, by_line[11].held) == (3, "")
    assert by_line[30].held == "reported by 1 of 3 review passes (agree = 2)"
    assert all(x.passes for x in out)


def test_passes_through_the_command_line(
    env: FakeGateway, repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    """Three passes; the planted bug is seen by two of them, a doubt by one."""
    seen: list[str] = []

    def reviewer(ri: ReviewInput) -> dict[str, Any]:
        seen.append(ri.input)
        n = len(seen)
        bug = {"path": "app.py", "line": 2, "severity": "high", "title": "divides by zero",
               "message": "x / 0", "category": "correctness"}  # fmt: skip
        doubt = {**bug, "line": 3, "title": "unclear return", "category": "other"}
        return {"findings": [bug] if n != 2 else [doubt]}

    env.reviewer = reviewer
    repo.write("commitgate.toml", "verify = false\npasses = 3\nagree = 2\n")
    repo.write("app.py", "def f(x):\n    return x / 0\n    pass\n")
    repo.stage()
    code = main(["--format", "json"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 1 and len(env.posts) == 3
    assert "review pass 2" in seen[1] and "review pass 3" in seen[2]
    [bug, doubt] = doc["findings"]
    assert (bug["passes"], bug["blocking"]) == (2, True)
    assert doubt["held"] == "reported by 1 of 3 review passes (agree = 2)"
    # Each pass has its own verdicts in the cache: a re-run asks nothing.
    assert main([]) == 1 and len(env.posts) == 3


def test_agree_cannot_pass_passes(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write("commitgate.toml", "passes = 2\nagree = 3\n")
    assert main([]) == 2
    assert "'agree' (3) must be at most 'passes' (2)" in capsys.readouterr().err

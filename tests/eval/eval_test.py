"""`commitgate eval` against the loopback gateway with scripted answers, so
that every figure is known exactly."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from commitgate.main import main
from tests.conftest import GitRepo
from tests.fake_gateway import FakeGateway, ReviewInput, Status

BUGGY = "def total(xs):\n    n = 0\n    for x in xs[1:]:\n        n += x\n    return n\n"
CLEAN = "def total(xs):\n    return sum(xs)\n"
BEFORE = "def total(xs):\n    n = 0\n    for x in xs:\n        n += x\n    return n\n"


def case(root: Path, name: str, after: str, bug: str = "", before: str = BEFORE) -> None:
    (root / name / "before").mkdir(parents=True)
    (root / name / "after").mkdir()
    (root / name / "before" / "sums.py").write_text(before)
    (root / name / "after" / "sums.py").write_text(after)
    kind = "bug" if bug else "clean"
    text = f'kind = "{kind}"\nmessage = "Sum the items"\n' + bug
    (root / name / "case.toml").write_text(text)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    bug = '[[bug]]\npath = "sums.py"\nlines = [3, 3]\nseverity = "high"\n'
    case(root, "a-caught", BUGGY, bug)
    case(root, "b-missed", BUGGY.replace("n += x", "n += x  # two"), bug)
    case(root, "c-clean", CLEAN)
    case(root, "d-clean-blocked", CLEAN.replace("sum(xs)", "sum(list(xs))"))
    return root


def scripted(ri: ReviewInput) -> dict[str, Any]:
    """A reviewer that knows the answers: on the bug in a-caught, nothing in
    b-missed, a false block in d-clean-blocked, a low finding in c-clean."""
    text = ri.input
    if "xs[1:]" in text and "# two" not in text:
        return {"findings": [f(3, "high", "loop skips the first item")]}
    if "sum(list(xs))" in text:
        return {"findings": [f(2, "high", "needless list")]}
    if "return sum(xs)" in text:
        return {"findings": [f(2, "low", "style")]}
    return {"findings": []}


def f(line: int, severity: str, title: str) -> dict[str, Any]:
    return {"path": "sums.py", "line": line, "severity": severity, "title": title, "message": "m"}


def run_eval(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any]]:
    code = main(["eval", "--format", "json", *args])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, json.loads(out)


def test_the_scoring_is_exact(
    env: FakeGateway, corpus: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    env.reviewer = scripted
    (tmp_path / "settings.toml").write_text("verify = false\n")
    code, doc = run_eval(capsys, str(corpus), "--config", str(tmp_path / "settings.toml"))
    assert code == 0
    m = doc["summary"]
    assert (m["cases"], m["bug_cases"], m["clean_cases"], m["unreviewed"]) == (4, 2, 2, 0)
    assert (m["bugs"], m["bugs_blocked"], m["bugs_caught"]) == (2, 1, 1)
    assert (m["blocking_findings"], m["blocking_on_bugs"]) == (2, 1)
    assert (m["clean_cases_blocked"], m["bug_cases_blocked"]) == (1, 1)
    assert m["recall"] == 0.5 and m["blocking_precision"] == 0.5
    assert m["false_block_rate"] == 0.5 and m["f1"] == 0.5
    by_id = {c["id"]: c for c in doc["cases"]}
    assert by_id["a-caught"]["bugs"][0] == {
        "path": "sums.py",
        "lines": [3, 3],
        "severity": "high",
        "caught": True,
        "blocked": True,
    }
    assert by_id["c-clean"]["blocked"] is False and len(by_id["c-clean"]["findings"]) == 1
    assert m["tokens"] > 0 and all(c["tokens"] > 0 for c in doc["cases"])

    main(["eval", str(corpus), "--config", str(tmp_path / "settings.toml")])
    text = capsys.readouterr().out
    assert "recall at fail-on: 1 of 2 (50%) bugs blocked" in text
    assert "false blocks: 1 of 2 (50%) clean cases" in text
    assert "a-caught" in text and "blocked, on the bug" in text


def test_an_unusable_review_is_not_a_pass(
    env: FakeGateway, corpus: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    env.reviewer = lambda ri: "I think the code is fine."
    (tmp_path / "s.toml").write_text("verify = false\nretries = 0\n")
    code, doc = run_eval(capsys, str(corpus), "--config", str(tmp_path / "s.toml"))
    assert code == 3  # nothing could be reviewed: the figures mean nothing
    assert doc["summary"]["unreviewed"] == 4 and doc["summary"]["recall"] is None
    assert all(not c["reviewed"] and "unusable answer" in c["why_unreviewed"] for c in doc["cases"])


def test_the_users_repository_is_never_touched(
    repo: GitRepo,
    env: FakeGateway,
    corpus: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    env.reviewer = scripted
    repo.write("app.py", "x = 1\n")
    repo.stage()
    repo.commit()
    repo.write("app.py", "x = 2\n")
    repo.stage()
    before = repo.snapshot()
    # As inside a hook: git's own variables point at the user's repository.
    monkeypatch.setenv("GIT_INDEX_FILE", str(repo.path / ".git" / "index"))
    monkeypatch.setenv("GIT_DIR", str(repo.path / ".git"))
    code, doc = run_eval(capsys, str(corpus), "--only", "a-")
    assert code == 0 and doc["cases"][0]["reviewed"]
    assert repo.snapshot() == before
    assert repo.git("log", "--oneline").count("\n") == 1


def test_a_case_from_a_commit(
    repo: GitRepo, env: FakeGateway, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    repo.write("sums.py", BEFORE)
    repo.write("other.py", "unchanged = True\n")
    repo.stage()
    repo.commit("base")
    repo.write("sums.py", BUGGY)
    repo.stage()
    repo.commit("Skip the header row")
    out_dir = tmp_path / "made"
    code = main(
        ["eval", "--case-from", "HEAD", "--expect", "sums.py:3", "--case-dir", str(out_dir)]
    )
    assert code == 0 and "wrote" in capsys.readouterr().out
    assert (out_dir / "before" / "sums.py").read_text() == BEFORE
    assert (out_dir / "after" / "sums.py").read_text() == BUGGY
    assert not (out_dir / "after" / "other.py").exists()
    text = (out_dir / "case.toml").read_text()
    assert 'kind = "bug"' in text and "lines = [3, 3]" in text and "Skip the header" in text
    env.reviewer = scripted
    code, doc = run_eval(capsys, str(out_dir))
    assert doc["cases"][0]["bugs"][0]["blocked"] is True


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--expect", "x.py:1"], "--expect and --case-dir go with --case-from"),
        (["--case-from", "HEAD", "--expect", "nope"], "give path:line"),
        (["/nonexistent/corpus"], "not a case or a folder of cases"),
        (["--only", "zzz"], "no case matches"),
    ],
)
def test_bad_input(
    repo: GitRepo,
    env: FakeGateway,
    corpus: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    words: str,
) -> None:
    repo.commit()
    if args[0] == "--only":
        args = [str(corpus), *args]
    code = main(["eval", *args])
    _, err = capsys.readouterr()
    assert code == 2 and words in err and "Traceback" not in err


def test_a_server_failure_is_counted_per_case(
    env: FakeGateway, corpus: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    env.reviewer = scripted
    env.faults.append(Status(400))  # the first case's request is refused
    (tmp_path / "s.toml").write_text("verify = false\nretries = 0\n")
    code, doc = run_eval(capsys, str(corpus), "--config", str(tmp_path / "s.toml"))
    assert code == 0
    assert doc["summary"]["unreviewed"] == 1 and doc["summary"]["cases"] == 4
    assert not doc["cases"][0]["reviewed"] and os.environ.get("GIT_DIR") is None

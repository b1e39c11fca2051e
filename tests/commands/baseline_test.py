"""`commitgate baseline`, and runs against its file, end to end through the
command line and the loopback gateway."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from typing import Any

import pytest

from commitgate.main import main
from tests.conftest import GitRepo
from tests.fake_gateway import FakeGateway, ReviewInput, marker_reviewer

BASELINE = ".commitgate-baseline.json"

APP = """\
import os


def run(cmd):
    os.system(cmd)  # BUG:high
    return 0


def total(a, b, c, d, e):
    s = a + b
    s = s + c
    s = s + d
    s = s + e
    return s
"""

# `run` moved below `total`, and a new problem added.
APP_MOVED = """\
import os


def total(a, b, c, d, e):
    s = a + b
    s = s + c
    s = s + d
    s = s + e
    return s


def run(cmd):
    os.system(cmd)  # BUG:high
    return 0


def parse(text):
    return eval(text)  # BUG:high
"""


def sure_unless_marked(review_input: ReviewInput) -> dict[str, Any]:
    """marker_reviewer, with a confidence: 0.2 on lines that say UNSURE, else 0.9."""
    answer = marker_reviewer(review_input)
    text: dict[tuple[str, int], str] = {}
    path = ""
    for line in review_input.input.splitlines():
        if line.startswith("### FILE "):
            path = json.JSONDecoder().raw_decode(line, len("### FILE "))[0]
        elif m := re.match(r"^(\d+)[+ ](.*)$", line):
            text[path, int(m.group(1))] = m.group(2)
    for f in answer["findings"]:
        f["confidence"] = 0.2 if "UNSURE" in text[f["path"], f["line"]] else 0.9
    return answer


@pytest.fixture
def env(env: FakeGateway) -> FakeGateway:
    env.reviewer = sure_unless_marked
    return env


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def sent(gateway: FakeGateway) -> str:
    return "\n".join(r.body.decode() for r in gateway.posts)


def test_only_new_findings_block_after_a_baseline(
    repo: GitRepo, env: FakeGateway, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write("app.py", APP)
    repo.write("lib/util.py", "x = 1  # BUG:critical\n")
    repo.write("vendor/v.py", "y = 2  # BUG:critical\n")
    repo.write("commitgate.toml", 'exclude = ["vendor/"]\n')
    repo.stage()
    repo.commit()

    code, out, err = run(capsys, "baseline")
    assert code == 0, err
    assert out.startswith(
        f"commitgate: wrote {BASELINE}: 2 accepted findings (1 critical, 1 high) in 2 files\n"
        "  reviewed: 3 files, 16 lines, by openai/gpt-5.1-codex-mini\n"
        "  not reviewed: vendor/v.py (excluded by configuration)\n"
    )
    assert out.endswith(f"  commit it: git add {BASELINE}\n")
    written = (repo.path / BASELINE).read_bytes()
    doc = json.loads(written)
    assert [(e["path"], e["severity"], e["title"]) for e in doc["findings"]] == [
        ("app.py", "high", "planted high bug"),
        ("lib/util.py", "critical", "planted critical bug"),
    ]
    assert str(repo.path) not in written.decode()

    # Committed, the file is not sent for review, and a refresh changes no byte.
    repo.stage()
    repo.commit()
    before = len(env.posts)
    assert run(capsys, "baseline")[0] == 0
    assert (repo.path / BASELINE).read_bytes() == written
    assert BASELINE not in sent(env)
    assert len(env.posts) == before  # the same content: answered from the cache

    code, out, _ = run(capsys, "--all-files")
    assert code == 0
    assert "app.py:" not in out
    assert "findings: none; 2 in the baseline (not shown)" in out
    assert f"{BASELINE} (the commitgate baseline)" in out

    # The accepted problem moves; a new one is added: only the new one blocks.
    repo.write("app.py", APP_MOVED)
    repo.stage()
    code, out, _ = run(capsys)
    assert "13+    os.system(cmd)  # BUG:high" in sent(env)  # moved, so changed
    assert code == 1
    assert "commitgate: BLOCKED: 1 high finding at or above fail-on" in out
    assert "app.py:18: high: planted high bug" in out and "app.py:13" not in out
    assert "in the baseline (not shown)" in out
    doc = json.loads(run(capsys, "--format", "json")[1])
    held = {f["line"]: f["held"] for f in doc["findings"]}
    assert held == {13: "in the baseline", 18: ""}
    assert doc["baselined"] == 1

    # Once the line itself is edited, it is a new finding.
    repo.write("app.py", APP_MOVED.replace("os.system(cmd)", "os.system(cmd + ' -v')"))
    repo.stage()
    doc = json.loads(run(capsys, "--format", "json")[1])
    assert {f["line"]: f["held"] for f in doc["findings"]} == {13: "", 18: ""}


def test_confidence_suppression_and_baseline_together(
    repo: GitRepo, env: FakeGateway, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write("app.py", "a = 1  # BUG:high\n")
    repo.stage()
    repo.commit()
    assert run(capsys, "baseline")[0] == 0
    repo.write(
        "app.py",
        "a = 1  # BUG:high\n"
        "b = 2  # BUG:critical UNSURE\n"
        "c = 3  # BUG:critical  # commitgate: ignore[other]\n"
        "d = 4  # BUG:high\n",
    )
    repo.stage()
    code, out, _ = run(capsys)
    assert code == 1
    assert "BLOCKED: 1 high finding at or above fail-on" in out
    assert "app.py:2: critical: planted critical bug" in out
    assert "(does not block: confidence 0.2 below min-confidence 0.5)" in out
    assert "app.py:3" not in out and "app.py:4: high" in out
    assert (
        "findings: 1 critical, 1 high (1 blocking); 1 in the baseline (not shown); "
        "1 suppressed by comments" in out
    )
    # What is suppressed is not accepted into a baseline; what is unsure is.
    code, out, _ = run(capsys, "baseline")
    assert code == 0
    assert "3 accepted findings (1 critical, 2 high) in 1 file" in out
    assert "not recorded, suppressed by comments: 1" in out
    assert run(capsys)[0] == 0


def big(marker: str) -> str:
    # Larger than half of the smallest request budget: one request per file.
    return "".join(f"v{i} = {i}  # padding padding padding padding\n" for i in range(90)) + marker


def test_refuses_to_write_from_a_partial_review(
    repo: GitRepo, env: FakeGateway, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write("commitgate.toml", "max-request-tokens = 2000\nretries = 0\n")
    repo.write("a.py", big("x = 1  # BUG:high\n"))
    repo.write("b.py", big("y = 2  # BUG:low\n"))
    repo.stage()
    repo.commit()
    assert run(capsys, "baseline")[0] == 0
    old = (repo.path / BASELINE).read_text()
    assert '"path": "b.py"' in old

    def broken_for_b(review_input: ReviewInput) -> Any:
        if '"b.py"' in review_input.input:
            return "this is not JSON"
        return sure_unless_marked(review_input)

    env.reviewer = broken_for_b
    repo.write("a.py", big("x = 10  # BUG:medium\n"))
    # b.py changes too, or its verdict would come from the cache.
    repo.write("b.py", "# touched\n" + big("y = 2  # BUG:low\n"))
    code, out, err = run(capsys, "baseline")
    assert code == 3 and out == ""
    assert err.startswith(
        f"commitgate: error: not writing {BASELINE}: the review did not cover every file "
        "(unusable answer from openai/gpt-5.1-codex-mini, twice: the answer is not JSON"
    )
    assert err.rstrip().endswith(
        "run it again, or pass --force to write what was reviewed and keep the old entries "
        "of the rest"
    )
    assert (repo.path / BASELINE).read_text() == old

    code, out, _ = run(capsys, "baseline", "--force")
    assert code == 0
    assert "kept from the old baseline, for files not reviewed: 1" in out
    entries = json.loads((repo.path / BASELINE).read_text())["findings"]
    assert [(e["path"], e["severity"]) for e in entries] == [("a.py", "medium"), ("b.py", "low")]


def test_errors(repo: GitRepo, env: FakeGateway, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write("app.py", "a = 1  # BUG:high\n")
    repo.stage()
    repo.commit()

    repo.write(BASELINE, '{"version": 1, "findings": [{"path": "app.py"}]}\n')
    code, _, err = run(capsys, "--all-files")
    assert code == 2
    assert err == (
        f"commitgate: error: {BASELINE}: findings[0]: 'fingerprint' must be a non-empty string\n"
    )
    assert env.posts == []  # read before anything is sent

    # Writing a fresh one is how a broken baseline is repaired.
    code, out, err = run(capsys, "baseline")
    assert code == 0 and "wrote" in out
    assert err.startswith(f"commitgate: ignoring the old baseline: {BASELINE}: findings[0]")

    repo.write("commitgate.toml", 'baseline = ""\n')
    code, _, err = run(capsys, "baseline")
    assert code == 2
    assert err == 'commitgate: error: commitgate.toml sets baseline = "": give --output FILE\n'
    code, _, err = run(capsys, "baseline", "--output", "no/such/dir/b.json")
    assert code == 2 and "cannot write no/such/dir/b.json: No such file or directory" in err
    code, _, err = run(capsys, "baseline", "--bogus")
    assert code == 2 and "(see `commitgate baseline --help`)" in err


def test_a_file_named_baseline_under_pre_commit_is_reviewed(
    repo: GitRepo,
    env: FakeGateway,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PRE_COMMIT", "1")
    repo.write("baseline", "x = 1  # BUG:high\n")
    repo.stage()
    code, out, _ = run(capsys, "baseline")
    assert code == 1 and "baseline:1: high" in out
    assert not (repo.path / BASELINE).exists()


def test_as_a_real_command(repo: GitRepo, env: FakeGateway) -> None:
    repo.write("app.py", "a = 1  # BUG:critical\n")
    repo.write("commitgate.toml", 'baseline = "ci/accepted.json"\n')
    (repo.path / "ci").mkdir()
    repo.stage()
    repo.commit()

    def commitgate(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "commitgate", *args],
            cwd=repo.path / "ci",
            env=os.environ,
            capture_output=True,
            text=True,
            check=False,
        )

    # The configured file must exist once configured.
    proc = commitgate("--all-files")
    assert proc.returncode == 2 and "baseline file 'ci/accepted.json' does not exist" in proc.stderr
    proc = commitgate("baseline")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(
        "commitgate: wrote accepted.json: 1 accepted finding (1 critical)"
    )
    assert (
        json.loads((repo.path / "ci" / "accepted.json").read_text())["findings"][0]["path"]
        == "app.py"
    )
    proc = commitgate("--all-files")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "1 in the baseline (not shown)" in proc.stdout
    assert "sk-test-secret-key" not in proc.stdout + proc.stderr


def test_nothing_reviewed_writes_nothing_even_forced(
    repo: GitRepo,
    env: FakeGateway,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("AI_GATEWAY_API_KEY")
    monkeypatch.delenv("COMMITGATE_BASE_URL")  # the gateway, which needs one
    repo.write("app.py", "a = 1\n")
    repo.stage()
    repo.commit()
    code, _, err = run(capsys, "baseline", "--force")
    assert code == 3
    assert err.startswith(
        f"commitgate: error: not writing {BASELINE}: nothing could be reviewed: no credentials"
    )
    assert not (repo.path / BASELINE).exists()

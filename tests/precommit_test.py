"""End to end: the real pre-commit installs the hook from this repository
into a temporary git repository, and real commits go through it."""

from __future__ import annotations

import subprocess

import pytest

from tests.conftest import GitRepo, pre_commit
from tests.fake_gateway import FakeGateway


def commit(repo: GitRepo, message: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "commit", "-m", message], cwd=repo.path, capture_output=True, text=True, check=False
    )


def test_high_finding_refuses_the_commit_and_low_lets_it_through(
    hooked: GitRepo, gateway: FakeGateway
) -> None:
    repo = hooked
    repo.write("app.py", "def f(x):\n    return x\n")
    repo.stage()
    assert commit(repo, "base").returncode == 0
    head = repo.git("rev-parse", "HEAD")

    repo.write("app.py", "def f(x):\n    y = x / 0  # BUG:high\n    return y\n")
    repo.stage()
    before = repo.staged()
    proc = commit(repo, "bad")
    assert proc.returncode != 0
    out = proc.stdout + proc.stderr
    assert "app.py:2: high: planted high bug" in out
    assert "commitgate: BLOCKED" in out
    assert "sk-e2e-secret" not in out
    assert repo.git("rev-parse", "HEAD") == head
    assert repo.staged() == before

    repo.write("app.py", "def f(x):\n    y = x + 1  # BUG:low\n    return y\n")
    repo.stage()
    proc = commit(repo, "fine")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "app.py:2: low: planted low bug" in proc.stderr  # verbose: shown on success too
    assert repo.git("rev-parse", "HEAD") != head
    # The base commit's new file, then the two staged changes, with new-file
    # line numbers and the removed line shown without one.
    inputs = [
        (r.json or {}).get("input", "")
        for r in gateway.requests
        if (r.json or {}).get("model") == "openai/gpt-5.1-codex-mini"
    ]
    assert len(inputs) == 3
    # Pricing the first review fetched the price list; the others reused it.
    assert [r.path for r in gateway.requests if r.method == "GET"] == ["/v1/models"]
    assert '### FILE "app.py" (added)\n1+def f(x):' in inputs[0]
    assert all("2+    y = x" in i and "\n-    return x\n" in i for i in inputs[1:])


def test_all_files_reviews_whole_files(hooked: GitRepo, gateway: FakeGateway) -> None:
    repo = hooked
    repo.write("a.py", "x = 1\ny = 2  # BUG:critical\n")
    repo.write("b.py", "z = 3\n")
    repo.stage()
    subprocess.run(["git", "commit", "-q", "--no-verify", "-m", "x"], cwd=repo.path, check=True)
    proc = pre_commit(repo, "run", "--all-files")
    assert proc.returncode == 1
    assert "a.py:2: critical" in proc.stdout
    assert "whole files" in proc.stdout
    sent = "".join((r.json or {}).get("input", "") for r in gateway.requests)
    assert '### FILE "b.py" (whole file)' in sent


def test_github_actions_through_pre_commit(
    hooked: GitRepo, gateway: FakeGateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = hooked
    base = repo.git("rev-parse", "HEAD").strip()
    repo.write("app.py", "def f(x):\n    return x / 0  # BUG:high\n")
    repo.stage()
    subprocess.run(["git", "commit", "-q", "--no-verify", "-m", "x"], cwd=repo.path, check=True)
    summary = repo.path.parent / "summary.md"
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("CI", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    proc = pre_commit(repo, "run", "commitgate", "--from-ref", base, "--to-ref", "HEAD")
    assert proc.returncode == 1
    # pre-commit passes the hook's lines through whole, where the runner reads them.
    lines = proc.stdout.splitlines()
    assert any(line.startswith("app.py:2: high: planted high bug") for line in lines)
    [annotation] = [line for line in lines if line.startswith("::")]
    assert annotation.startswith("::error file=app.py,line=2,endLine=2,title=commitgate%3A high")
    assert "| high | **yes** | app.py:2 |" in summary.read_text()

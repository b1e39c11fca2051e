"""End to end: the real pre-commit installs the hook from this repository
into a temporary git repository, and real commits go through it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import GitRepo
from tests.fake_gateway import FakeGateway, marker_reviewer

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A git repository holding this checkout's hook, as pre-commit would
    clone it (uncommitted changes of the checkout included)."""
    dest = tmp_path_factory.mktemp("hook-repo")
    for name in ("pyproject.toml", ".pre-commit-hooks.yaml", "README.md", "LICENSE"):
        if (ROOT / name).exists():
            shutil.copy(ROOT / name, dest / name)
    shutil.copytree(
        ROOT / "src", dest / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info")
    )
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@t",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@t",
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "hook"]):
        subprocess.run(["git", *args], cwd=dest, env=env, check=True, capture_output=True)
    rev = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=dest, check=True, capture_output=True, text=True
    ).stdout.strip()
    return dest, rev


@pytest.fixture(scope="session")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # One per test session: pre-commit builds the hook's virtualenv once.
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture
def hooked(
    repo: GitRepo,
    hook_repo: tuple[Path, str],
    pre_commit_home: Path,
    gateway: FakeGateway,
    monkeypatch: pytest.MonkeyPatch,
) -> GitRepo:
    path, rev = hook_repo
    repo.write(
        ".pre-commit-config.yaml",
        f"""\
repos:
  - repo: {path}
    rev: {rev}
    hooks:
      - id: commitgate
""",
    )
    repo.stage()
    repo.commit("config")
    monkeypatch.setenv("PRE_COMMIT_HOME", str(pre_commit_home))
    monkeypatch.setenv("COMMITGATE_BASE_URL", gateway.base_url)
    monkeypatch.setenv("AI_GATEWAY_API_KEY", "sk-e2e-secret")
    gateway.reviewer = marker_reviewer
    pre_commit(repo, "install")
    return repo


def pre_commit(repo: GitRepo, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args],
        cwd=repo.path,
        capture_output=True,
        text=True,
        check=False,
    )


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
    inputs = [(r.json or {}).get("input", "") for r in gateway.requests if r.method == "POST"]
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

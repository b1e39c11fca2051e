"""The README's path from a blocked commit to a fixed one, through the real
pre-commit: `git commit` (blocked), `pre-commit run commitgate-fix
--hook-stage manual`, then `git add` and `git commit` again."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.conftest import GitRepo, install, pre_commit
from tests.fake_gateway import FakeGateway
from tests.fix.fix_test import Fixes


@pytest.fixture
def hooked_with_fix(
    repo: GitRepo,
    hook_repo: tuple[Path, str],
    pre_commit_home: Path,
    gateway: FakeGateway,
    monkeypatch: pytest.MonkeyPatch,
) -> GitRepo:
    monkeypatch.setenv("PRE_COMMIT_HOME", str(pre_commit_home))
    monkeypatch.setenv("COMMITGATE_BASE_URL", gateway.base_url)
    monkeypatch.setenv("AI_GATEWAY_API_KEY", "sk-e2e-secret")
    gateway.reviewer = Fixes()
    install(repo, hook_repo, ["commitgate", "commitgate-fix"])
    return repo


def commit(repo: GitRepo) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "commit", "-m", "change"], cwd=repo.path, capture_output=True, text=True
    )


def test_from_a_blocked_commit_to_a_fixed_one(hooked_with_fix: GitRepo) -> None:
    repo = hooked_with_fix
    # A file named like the subcommand is still a file to review.
    repo.write("fix", "notes\n")
    repo.write("app.py", "def f(x):\n    y = x / 0  # BUG:high\n    return y\n")
    repo.stage("app.py", "fix")
    proc = commit(repo)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "commitgate: BLOCKED" in proc.stdout + proc.stderr
    assert "to fix: commitgate fix" in proc.stdout + proc.stderr
    # Unstaged work in another file survives the fix.
    repo.write("fix", "notes\nmore notes, not staged\n")
    staged = repo.git("ls-files", "--stage")

    proc = pre_commit(repo, "run", "commitgate-fix", "--hook-stage", "manual")
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out  # pre-commit's word for "files were modified"
    assert "files were modified by this hook" in out
    assert "applied to the working tree: app.py" in out
    assert "sk-e2e-secret" not in out
    assert (repo.path / "app.py").read_text() == "def f(x):\n    y = x / 0\n    return y\n"
    assert (repo.path / "fix").read_text() == "notes\nmore notes, not staged\n"
    assert repo.git("ls-files", "--stage") == staged

    repo.stage("app.py")
    proc = commit(repo)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert repo.git("show", "HEAD:app.py") == "def f(x):\n    y = x / 0\n    return y\n"

"""The set of hooks, each through the real pre-commit, against the loopback
gateway: the security audit and the review of a push at pre-push, the
test-gap review, and the commit message at commit-msg and prepare-commit-msg."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from commitgate.review import profiles
from tests.conftest import GitRepo, install
from tests.fake_gateway import FakeGateway, ReviewInput, marker_reviewer

MINI = "openai/gpt-5.1-codex-mini"
MAX = "openai/gpt-5.1-codex-max"


@pytest.fixture
def setup(
    repo: GitRepo,
    hook_repo: tuple[Path, str],
    pre_commit_home: Path,
    gateway: FakeGateway,
    monkeypatch: pytest.MonkeyPatch,
) -> tuple[GitRepo, tuple[Path, str]]:
    monkeypatch.setenv("PRE_COMMIT_HOME", str(pre_commit_home))
    monkeypatch.setenv("COMMITGATE_BASE_URL", gateway.base_url)
    monkeypatch.setenv("AI_GATEWAY_API_KEY", "sk-e2e-secret")
    gateway.reviewer = marker_reviewer
    return repo, hook_repo


def git(
    repo: GitRepo, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    # Hook output goes to stdout or stderr depending on the git hook: merged.
    return subprocess.run(
        ["git", *args],
        cwd=repo.path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        check=False,
        env={**os.environ, **(env or {})},
    )


def remote(repo: GitRepo) -> None:
    bare = repo.path.parent / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(bare)], check=True)
    repo.git("remote", "add", "origin", str(bare))
    assert git(repo, "push", "-q", "--no-verify", "origin", "main").returncode == 0


def models(gw: FakeGateway) -> list[str]:
    return [(r.json or {}).get("model", "") for r in gw.posts]


def test_security_audit_at_pre_push(
    setup: tuple[GitRepo, tuple[Path, str]], gateway: FakeGateway
) -> None:
    repo, hook_repo = setup
    install(repo, hook_repo, ["commitgate-security"], ("pre-commit", "pre-push"))
    remote(repo)
    repo.write("app/auth.py", "def login(user, password):\n    return True  # BUG:critical\n")
    repo.stage()
    # Not at commit time: the audit's stage is pre-push.
    assert git(repo, "commit", "-q", "-m", "auth").returncode == 0
    assert gateway.posts == []
    proc = git(repo, "push", "origin", "main")
    assert proc.returncode != 0
    assert "app/auth.py:2: critical" in proc.stdout
    assert models(gateway) == [MAX]  # the strongest model, and no second opinion after it
    body = gateway.posts[0].json or {}
    assert body["instructions"].startswith("You audit a code change for security")
    assert "SSRF" in body["instructions"]


def test_review_of_the_push_covers_every_commit(
    setup: tuple[GitRepo, tuple[Path, str]], gateway: FakeGateway
) -> None:
    repo, hook_repo = setup
    install(repo, hook_repo, ["commitgate-push"], ("pre-push",))
    remote(repo)
    repo.write("a.py", "a = 1\n")
    repo.stage()
    repo.commit("one")
    repo.write("b.py", "b = 2  # BUG:low\n")
    repo.stage()
    repo.commit("two")
    proc = git(repo, "push", "origin", "main")
    assert proc.returncode == 0, proc.stdout
    assert "b.py:1: low" in proc.stdout
    [body] = [r.json or {} for r in gateway.posts]
    assert '"a.py"' in body["input"] and '"b.py"' in body["input"]  # one review of both


def test_test_gaps_report_without_blocking(
    setup: tuple[GitRepo, tuple[Path, str]], gateway: FakeGateway
) -> None:
    repo, hook_repo = setup
    repo.write("src/pricing.py", "def price(n):\n    return n * 2\n")
    repo.write("tests/test_pricing.py", "def test_price():\n    assert price(2) == 4\n")
    repo.stage()
    repo.commit("base")
    install(repo, hook_repo, ["commitgate-tests"])
    repo.write(
        "src/pricing.py",
        "def price(n):\n    if n < 0:  # BUG:high\n        raise ValueError(n)\n    return n * 2\n",
    )
    repo.stage()
    proc = git(repo, "commit", "-m", "refuse negative amounts")
    assert proc.returncode == 0, proc.stdout  # reported, not blocking
    assert "src/pricing.py:2: high" in proc.stdout
    body = gateway.posts[0].json or {}
    assert body["instructions"].startswith("You look for gaps in the tests")
    # The existing test of the changed file is shown beside it, as context.
    assert '### EXISTING TEST "tests/test_pricing.py" (context only)' in body["input"]
    assert "| def test_price():" in body["input"]


def drafter(ri: ReviewInput) -> Any:
    if ri.instructions.startswith("You write the commit message"):
        return {
            "subject": "Refuse negative amounts in price()",
            "body": "A negative amount used to give a negative price.",
        }
    return marker_reviewer(ri)


def test_commit_message_is_checked_and_drafted(
    setup: tuple[GitRepo, tuple[Path, str]], gateway: FakeGateway, tmp_path: Path
) -> None:
    repo, hook_repo = setup
    install(repo, hook_repo, ["commitgate-commit-msg"], ("commit-msg", "prepare-commit-msg"))
    gateway.reviewer = drafter
    repo.write("pricing.py", "def price(n):\n    return n * 2\n")
    repo.stage()

    # A message that the change contradicts is refused (the fake reviewer
    # plants the finding on the marked message line).
    proc = git(repo, "commit", "-m", "Add a cache BUG:high")
    assert proc.returncode != 0
    assert ".git/COMMIT_EDITMSG:1: high" in proc.stdout
    check = next(
        r.json or {}
        for r in gateway.posts
        if "check a commit message" in (r.json or {}).get("instructions", "")
    )
    assert '### FILE ".git/COMMIT_EDITMSG" (added)\n1+Add a cache BUG:high' in check["input"]
    assert "pricing.py" in check["input"]  # with the change it describes

    # -m: the user's message is never replaced by a draft.
    proc = git(repo, "commit", "-m", "Double prices")
    assert proc.returncode == 0, proc.stdout
    assert repo.git("log", "-1", "--format=%B").strip() == "Double prices"

    # No message given: the editor opens on a drafted one.
    repo.write("pricing.py", "def price(n):\n    return n * 3\n")
    repo.stage()
    seen = tmp_path / "seen.txt"
    editor = f'cp "$1" {seen} #'
    proc = git(repo, "commit", env={"GIT_EDITOR": f"sh -c '{editor}' -"})
    assert proc.returncode == 0, proc.stdout
    assert seen.read_text().startswith(
        "Refuse negative amounts in price()\n\nA negative amount used to give a negative price.\n"
    )
    assert "# Please enter the commit message" in seen.read_text()  # git's own text kept
    assert repo.git("log", "-1", "--format=%s").strip() == "Refuse negative amounts in price()"


def test_profiles_match_the_manifest() -> None:
    manifest = (Path(__file__).resolve().parents[2] / ".pre-commit-hooks.yaml").read_text()
    for p in profiles.PROFILES.values():
        assert f"- id: {p.hook}\n" in manifest
        # Every review hook's entry begins with --profile: a file named like
        # a subcommand (`fix`) is then never taken for it.
        entry = (
            "commitgate commit-msg" if p.name == "commit-msg" else f"commitgate --profile {p.name}"
        )
        assert f"- id: {p.hook}\n" in manifest and f"entry: {entry}\n" in manifest

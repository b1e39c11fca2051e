from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fake_gateway import FakeGateway, marker_reviewer

# Variables of the developer's or CI's environment that would change what a
# test sees; each test starts without them.
_ISOLATE = (
    "AI_GATEWAY_API_KEY",
    "VERCEL_OIDC_TOKEN",
    "COMMITGATE_MODEL",
    "COMMITGATE_BASE_URL",
    "COMMITGATE_DEBUG",
    "CI",
    "GITHUB_ACTIONS",
    "GITHUB_STEP_SUMMARY",
    "PRE_COMMIT",
    "PRE_COMMIT_FROM_REF",
    "PRE_COMMIT_TO_REF",
    "GIT_DIR",
    "GIT_INDEX_FILE",
    "GIT_WORK_TREE",
    "NO_COLOR",
    "PRE_COMMIT_COLOR",
    "FORCE_COLOR",
    # Loopback traffic must not be sent to a proxy.
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "http_proxy",
    "https_proxy",
    "all_proxy",
)


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    for name in _ISOLATE:
        monkeypatch.delenv(name, raising=False)
    home = tmp_path_factory.mktemp("home")
    (home / ".gitconfig").write_text(
        "[user]\n\tname = Test\n\temail = test@example.com\n"
        "[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n"
    )
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))


def user_config(text: str) -> Path:
    """Write the user configuration file (outside every repository), where
    the settings that only the user decides live."""
    path = Path(os.environ["XDG_CONFIG_HOME"]) / "commitgate" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


class GitRepo:
    """A real git repository in a temporary folder."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def git(self, *args: str, check: bool = True) -> str:
        proc = subprocess.run(
            ["git", *args], cwd=self.path, capture_output=True, text=True, check=False
        )
        if check and proc.returncode:
            raise AssertionError(f"git {' '.join(args)} failed: {proc.stderr}")
        return proc.stdout

    def write(self, rel: str, content: str | bytes) -> Path:
        p = self.path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(content.encode() if isinstance(content, str) else content)
        return p

    def stage(self, *paths: str) -> None:
        self.git("add", "--", *(paths or (".",)))

    def commit(self, message: str = "commit") -> str:
        self.git("commit", "-q", "--allow-empty", "-m", message)
        return self.git("rev-parse", "HEAD").strip()

    def staged(self) -> tuple[str, dict[str, bytes]]:
        """What the index holds (not its stat cache, which git itself may
        refresh), and every working-tree file."""
        return self.git("ls-files", "--stage", "-z"), self.snapshot()[1]

    def snapshot(self) -> tuple[bytes, dict[str, bytes]]:
        """The index file and every working-tree file, byte for byte."""
        index = (
            (self.path / ".git" / "index").read_bytes()
            if (self.path / ".git" / "index").exists()
            else b""
        )
        files = {}
        for root, dirs, names in os.walk(self.path):
            dirs[:] = [d for d in dirs if d != ".git"]
            for name in names:
                p = Path(root) / name
                if not p.is_symlink():
                    files[str(p.relative_to(self.path))] = p.read_bytes()
        return index, files


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> GitRepo:
    path = tmp_path / "repo"
    path.mkdir()
    r = GitRepo(path)
    r.git("init", "-q")
    monkeypatch.chdir(path)
    return r


@pytest.fixture
def gateway() -> Iterator[FakeGateway]:
    with FakeGateway() as gw:
        yield gw


# The API key every review in the tests runs with: a test can assert that it
# appears nowhere in what commitgate prints.
TEST_KEY = "sk-test-secret-key"


@pytest.fixture
def env(gateway: FakeGateway, monkeypatch: pytest.MonkeyPatch) -> FakeGateway:
    """commitgate pointed at the loopback gateway, with a key; the gateway
    plants a finding on every code line marked BUG:<severity>."""
    monkeypatch.setenv("COMMITGATE_BASE_URL", gateway.base_url)
    monkeypatch.setenv("AI_GATEWAY_API_KEY", TEST_KEY)
    gateway.reviewer = marker_reviewer
    return gateway


# ---- the real pre-commit ----------------------------------------------------

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
    monkeypatch.setenv("PRE_COMMIT_HOME", str(pre_commit_home))
    monkeypatch.setenv("COMMITGATE_BASE_URL", gateway.base_url)
    monkeypatch.setenv("AI_GATEWAY_API_KEY", "sk-e2e-secret")
    gateway.reviewer = marker_reviewer
    install(repo, hook_repo, ["commitgate"])
    return repo


def install(
    repo: GitRepo,
    hook_repo: tuple[Path, str],
    hooks: list[str],
    hook_types: tuple[str, ...] = ("pre-commit",),
) -> None:
    """Configure these hooks of this checkout in `repo`, commit the
    configuration, and install pre-commit's git hooks of these types."""
    path, rev = hook_repo
    listed = "".join(f"      - id: {h}\n" for h in hooks)
    repo.write(
        ".pre-commit-config.yaml", f"repos:\n  - repo: {path}\n    rev: {rev}\n    hooks:\n{listed}"
    )
    repo.stage(".pre-commit-config.yaml")
    repo.git("commit", "-q", "--no-verify", "-m", "pre-commit config")
    for t in hook_types:
        proc = pre_commit(repo, "install", "--hook-type", t)
        assert proc.returncode == 0, proc.stdout + proc.stderr


def pre_commit(repo: GitRepo, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args],
        cwd=repo.path,
        capture_output=True,
        text=True,
        check=False,
    )

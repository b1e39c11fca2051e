"""Bad input through the command line: a clear line or a clean report, never
a traceback, and never a change to the index or the working tree."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from commitgate.main import main
from tests.conftest import GitRepo, user_config
from tests.fake_gateway import FakeGateway


@pytest.fixture
def unchanged(repo: GitRepo) -> Iterator[GitRepo]:
    """Checks, after the test, that the index and every working-tree file
    are byte for byte what they were when the test last said `mark`."""
    yield repo
    assert repo.snapshot() == getattr(repo, "marked", None)


def mark(repo: GitRepo) -> None:
    repo.marked = repo.snapshot()  # type: ignore[attr-defined]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def error_line(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    """Run, expecting a usage or configuration error: exit 2, nothing on
    stdout, one line on stderr. Returns that line."""
    code, out, err = run(capsys, *args)
    assert code == 2, out + err
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("commitgate: error: "), err
    return err.rstrip("\n")


def report(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, object]]:
    code, out, err = run(capsys, "--format", "json", *args)
    assert err == ""
    doc: dict[str, object] = json.loads(out)
    return code, doc


def commit_app(repo: GitRepo) -> None:
    repo.write("app.py", "def f(x):\n    return x\n")
    repo.stage()
    repo.commit()


# -- configuration


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('fail-on = "high\n', "commitgate.toml: invalid TOML: "),
        ("model = 'x'\n\ntimeout = \n", "(at line 3, column 11)"),
        ("[review]\nmodel = 'a'\nmodel = 'b'\n", "(at line 3, column"),
    ],
)
def test_malformed_toml(
    unchanged: GitRepo, capsys: pytest.CaptureFixture[str], text: str, words: str
) -> None:
    unchanged.write("commitgate.toml", text)
    mark(unchanged)
    assert words in error_line(capsys)


def test_malformed_pyproject(unchanged: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    unchanged.write("pyproject.toml", "[tool.commitgate]\nfail-on = high\n")
    mark(unchanged)
    line = error_line(capsys)
    assert "pyproject.toml: invalid TOML: " in line and "line 2" in line


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("fail_on = 'high'\n", "unknown key 'fail_on' (did you mean 'fail-on'?)"),
        ("timeuot = 5\n", "unknown key 'timeuot' (did you mean 'timeout'?)"),
        ("[review]\nretry = 2\n", "commitgate.toml [review]: unknown key 'retry' (did you mean"),
        (
            "[[overrides]]\npaths = ['a']\nfailon = 'low'\n",
            "unknown key 'failon' (did you mean 'fail-on'?)",
        ),
    ],
)
def test_unknown_key(
    unchanged: GitRepo, capsys: pytest.CaptureFixture[str], text: str, words: str
) -> None:
    unchanged.write("commitgate.toml", text)
    mark(unchanged)
    assert words in error_line(capsys)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("timeout = 'fast'\n", "'timeout' must be a number (got a string 'fast')"),
        ("retries = 2.5\n", "'retries' must be an integer (got a number 2.5)"),
        ("stream = 'yes'\n", "'stream' must be true or false"),
        ("deadline = 0\n", "'deadline' must be at least 1"),
        ("exclude = 'vendor'\n", "'exclude' must be a list of strings"),
        ("on-error = 'ignore'\n", "'on-error' must be one of 'auto', 'fail', 'warn'"),
        ("retry-backoff = true\n", "'retry-backoff' must be a number (got a boolean True)"),
        ("review = 3\n", "[review] must be a table of settings"),
    ],
)
def test_wrong_value_types(
    unchanged: GitRepo, capsys: pytest.CaptureFixture[str], text: str, words: str
) -> None:
    unchanged.write("commitgate.toml", text)
    mark(unchanged)
    assert words in error_line(capsys)


@pytest.mark.parametrize(
    ("text", "args", "words"),
    [
        ("fail-on = 'urgent'\n", (), "'fail-on' must be one of critical, high, medium, low, info"),
        ("max-findings = { severe = 2 }\n", (), "'max-findings.severe' must be one of"),
        ("", ("--fail-on", "blocker"), "--fail-on: unknown severity 'blocker'"),
    ],
)
def test_invalid_severity(
    unchanged: GitRepo,
    capsys: pytest.CaptureFixture[str],
    text: str,
    args: tuple[str, ...],
    words: str,
) -> None:
    unchanged.write("commitgate.toml", text)
    mark(unchanged)
    assert words in error_line(capsys, *args)


def test_missing_config_file(unchanged: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    mark(unchanged)
    assert error_line(capsys, "--config", "nope.toml") == (
        "commitgate: error: nope.toml: cannot read: No such file or directory"
    )


def test_http_to_a_remote_host(
    unchanged: GitRepo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AI_GATEWAY_API_KEY", "sk-test-key")
    commit_app(unchanged)
    unchanged.write("app.py", "x = 1\n")
    unchanged.stage()
    monkeypatch.setenv("COMMITGATE_BASE_URL", "http://models.example.com/v1")
    mark(unchanged)
    line = error_line(capsys)
    assert "unencrypted to models.example.com" in line and "allow-http = true" in line


@pytest.mark.parametrize(
    ("bundle", "words"),
    [("missing.pem", "no such file"), ("bad.pem", "not a PEM file of CA certificates")],
)
def test_bad_ca_bundle(
    unchanged: GitRepo,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    bundle: str,
    words: str,
) -> None:
    monkeypatch.setenv("AI_GATEWAY_API_KEY", "sk-test-key")
    commit_app(unchanged)
    unchanged.write("app.py", "x = 1\n")
    unchanged.stage()
    pem = unchanged.write("bad.pem", "not a certificate\n").parent / bundle
    user_config(f"base-url = 'https://127.0.0.1:9/v1'\nca-bundle = '{pem}'\n")
    mark(unchanged)
    assert error_line(capsys) == f"commitgate: error: ca-bundle '{pem}': {words}"


# -- the repository


def test_not_a_git_repository(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    (tmp_path / "app.py").write_bytes(b"x = 1\n")
    assert error_line(capsys) == (
        "commitgate: error: not inside a git repository: run commitgate from a git working tree"
    )
    assert os.listdir(tmp_path) == ["app.py"]


def test_inside_the_git_directory(unchanged: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    mark(unchanged)
    os.chdir(unchanged.path / ".git")
    assert "not inside a git working tree" in error_line(capsys)


def test_detached_head(
    unchanged: GitRepo, env: FakeGateway, capsys: pytest.CaptureFixture[str]
) -> None:
    commit_app(unchanged)
    unchanged.git("checkout", "-q", "--detach")
    unchanged.write("app.py", "def f(x):\n    return x + 1  # BUG:high\n")
    unchanged.stage()
    mark(unchanged)
    code, doc = report(capsys)
    assert code == 1 and doc["files"] == ["app.py"]


def test_no_commit_yet(
    unchanged: GitRepo, env: FakeGateway, capsys: pytest.CaptureFixture[str]
) -> None:
    unchanged.write("app.py", "x = 1  # BUG:critical\n")
    unchanged.stage()
    mark(unchanged)
    code, doc = report(capsys)
    assert code == 1 and doc["files"] == ["app.py"]
    assert doc["findings"][0]["severity"] == "critical"  # type: ignore[index]


def _conflict(repo: GitRepo) -> None:
    commit_app(repo)
    repo.git("checkout", "-q", "-b", "other")
    repo.write("app.py", "def f(x):\n    return 2\n")
    repo.stage()
    repo.commit("other")
    repo.git("checkout", "-q", "main")
    repo.write("app.py", "def f(x):\n    return 3\n")
    repo.stage()
    repo.commit("main")
    repo.git("merge", "-q", "other", check=False)


def test_merge_in_progress_with_conflicts(
    unchanged: GitRepo, env: FakeGateway, capsys: pytest.CaptureFixture[str]
) -> None:
    _conflict(unchanged)
    mark(unchanged)
    assert error_line(capsys) == (
        "commitgate: error: merge conflict in progress: resolve the 1 unmerged path(s) "
        "(app.py) first"
    )
    assert env.posts == []


def test_merge_in_progress_once_resolved(
    unchanged: GitRepo, env: FakeGateway, capsys: pytest.CaptureFixture[str]
) -> None:
    _conflict(unchanged)
    unchanged.write("app.py", "def f(x):\n    return 2 + 3  # BUG:high\n")
    unchanged.stage()
    mark(unchanged)
    code, doc = report(capsys)
    assert code == 1 and doc["files"] == ["app.py"]


def test_submodule_and_symlink_entries(
    unchanged: GitRepo, env: FakeGateway, capsys: pytest.CaptureFixture[str]
) -> None:
    commit_app(unchanged)
    head = unchanged.git("rev-parse", "HEAD").strip()
    unchanged.git("update-index", "--add", "--cacheinfo", f"160000,{head},vendor/lib")
    os.symlink("app.py", unchanged.path / "link.py")
    unchanged.write("app.py", "def f(x):\n    return x + 1\n")
    unchanged.stage("app.py", "link.py")
    mark(unchanged)
    code, doc = report(capsys)
    assert code == 0 and doc["reviewed"] is True and doc["files"] == ["app.py"]
    assert doc["not_reviewed"] == [
        {"path": "link.py", "reason": "symbolic link"},
        {"path": "vendor/lib", "reason": "submodule"},
    ]


def test_file_deleted_after_staging(
    unchanged: GitRepo, env: FakeGateway, capsys: pytest.CaptureFixture[str]
) -> None:
    commit_app(unchanged)
    unchanged.write("gone.py", "x = 1  # BUG:high\n")
    unchanged.stage()
    (unchanged.path / "gone.py").unlink()
    mark(unchanged)
    # What is committed is what is staged: it is reviewed from the index.
    code, doc = report(capsys)
    assert code == 1 and doc["files"] == ["gone.py"]
    # Whole files are read from the working tree, where it is not.
    code, doc = report(capsys, "--all-files")
    assert code == 0 and doc["files"] == ["app.py"]
    assert doc["not_reviewed"] == [
        {"path": "gone.py", "reason": "does not exist in the working tree"}
    ]


@pytest.mark.parametrize(
    "name",
    ["new\nline.py", "café/naïve.py", "tab\there.py", "quote\"and'apostrophe.py", "数据.py"],
)
def test_odd_paths(
    unchanged: GitRepo, env: FakeGateway, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    unchanged.write(name, "x = 1  # BUG:high\n")
    unchanged.stage()
    mark(unchanged)
    code, doc = report(capsys)
    assert code == 1 and doc["files"] == [name]
    assert [f["path"] for f in doc["findings"]] == [name]  # type: ignore[attr-defined]
    code, out, _ = run(capsys)
    assert code == 1
    # One line per finding, whatever the path holds.
    [first] = [line for line in out.splitlines() if ": high: planted high bug" in line]
    assert first.endswith(":1: high: planted high bug")
    assert json.dumps(name, ensure_ascii=False) in first or first.startswith(name)


def test_path_that_is_not_utf8(
    unchanged: GitRepo, env: FakeGateway, capsys: pytest.CaptureFixture[str]
) -> None:
    if sys.platform == "darwin":
        pytest.skip("macOS file systems refuse names that are not UTF-8")
    name = os.fsdecode(b"caf\xe9.py")
    (unchanged.path / name).write_bytes(b"x = 1  # BUG:high\n")
    unchanged.stage()
    mark(unchanged)
    code, out, _ = run(capsys)
    assert code == 1
    assert "caf\\udce9.py:1: high: planted high bug" in out
    code, doc = report(capsys)
    assert code == 1 and doc["files"] == ["caf\udce9.py"]


def test_a_50_mb_file(
    unchanged: GitRepo, env: FakeGateway, capsys: pytest.CaptureFixture[str]
) -> None:
    commit_app(unchanged)
    big = unchanged.path / "big.py"
    with open(big, "wb") as f:
        f.write(b"x = 1\n" * (50 * 1024 * 1024 // 6))
    unchanged.write("app.py", "def f(x):\n    return x + 1  # BUG:low\n")
    unchanged.stage()
    size = big.stat().st_size
    mark(unchanged)
    code, doc = report(capsys)
    assert code == 0 and doc["reviewed"] is True and doc["files"] == ["app.py"]
    assert doc["not_reviewed"] == [
        {"path": "big.py", "reason": f"larger than max-file-bytes ({size:,} > 524,288 bytes)"}
    ]
    assert len(env.posts) == 1 and len(env.posts[0].body) < 100_000
    code, out, _ = run(capsys, "big.py", "--whole")
    assert code == 0 and "not reviewed: big.py (larger than max-file-bytes" in out


def test_an_empty_change(
    unchanged: GitRepo, env: FakeGateway, capsys: pytest.CaptureFixture[str]
) -> None:
    commit_app(unchanged)
    mark(unchanged)
    code, out, err = run(capsys)
    assert (code, out, err) == (0, "commitgate: passed: nothing to review\n", "")
    code, doc = report(capsys)
    assert code == 0 and doc["files"] == [] and doc["status"] == "passed"
    assert env.posts == []


def test_an_empty_file_and_a_mode_change(
    unchanged: GitRepo, env: FakeGateway, capsys: pytest.CaptureFixture[str]
) -> None:
    commit_app(unchanged)
    unchanged.write("empty.py", b"")
    unchanged.git("update-index", "--chmod=+x", "app.py")
    unchanged.stage("empty.py")
    mark(unchanged)
    code, doc = report(capsys)
    assert code == 0 and doc["status"] == "passed"
    assert env.posts == []


def test_the_hook_runs_as_a_program(
    unchanged: GitRepo, env: FakeGateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No traceback, even for an error raised before the command line is read."""
    unchanged.write("commitgate.toml", "fail-on = [\n")
    mark(unchanged)
    proc = subprocess.run(
        [sys.executable, "-m", "commitgate"], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.startswith("commitgate: error: ") and proc.stderr.count("\n") == 1

"""`commitgate init`: every setting, commented, at its default; never overwrites."""

from __future__ import annotations

import importlib
import re

import pytest

from commitgate import config
from commitgate.commands import init
from commitgate.main import main
from commitgate.severity import Severity
from tests.conftest import GitRepo


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["init", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_writes_a_file_that_loads_as_the_defaults(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys)
    assert code == 0
    assert out.startswith("commitgate: wrote commitgate.toml: every setting, at its default\n")
    assert config.load(str(repo.path), env={}) == config.load("/nonexistent", env={}).replace(
        source="commitgate.toml"
    )
    assert repo.git("status", "--porcelain") == "?? commitgate.toml\n"


def test_every_key_is_there_and_each_line_uncommented_is_its_default(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys)
    text = (repo.path / "commitgate.toml").read_text()
    defaults = config.load("/nonexistent", env={})
    keys = text[: text.index("# [[overrides]]")]
    for name, key in config.KEYS.items():
        if key.kind == "overrides":
            continue
        if key.scope == "user":  # not a repository's to set
            assert not re.findall(rf"^# {re.escape(name)} = ", keys, re.MULTILINE)
            continue
        [line] = re.findall(rf"^# ({re.escape(name)} = .*)$", keys, re.MULTILINE)
        (repo.path / "commitgate.toml").write_text(line + "\n")
        field = name.replace("-", "_")
        loaded = config.load(str(repo.path), env={})
        assert getattr(loaded, field) == getattr(defaults, field), name
    # The example of [[overrides]] is the last thing, and it works.
    example = text[text.index("# [[overrides]]") :]
    assert example == init.OVERRIDES_EXAMPLE
    (repo.path / "commitgate.toml").write_text(example.replace("# ", ""))
    [override] = config.load(str(repo.path), env={}).overrides
    assert override.paths == ("tests/**",) and override.fail_on is Severity.CRITICAL


def test_lines_are_short_and_severities_explained() -> None:
    text = init.config_text()
    assert all(len(line) <= init.WIDTH for line in text.splitlines())
    assert "#   critical: exploitable security hole" in text


def test_toml_values() -> None:
    assert init.toml_value({Severity.MEDIUM: 5, Severity.LOW: 9}) == "{ medium = 5, low = 9 }"
    assert init.toml_value(("a", 'q"\\')) == '["a", "q\\"\\\\"]'
    assert init.toml_value(2.5) == "2.5" and init.toml_value(False) == "false"
    assert init.toml_value({"odd key": 1}) == '{ "odd key" = 1 }'


def test_never_overwrites(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write("commitgate.toml", "not even TOML [\n")
    code, out, _ = run(capsys)
    assert code == 0
    assert out.startswith("commitgate: commitgate.toml already exists: left as it is\n")
    assert (repo.path / "commitgate.toml").read_text() == "not even TOML [\n"


def test_does_not_shadow_pyproject_settings(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write("pyproject.toml", '[tool.commitgate]\nfail-on = "low"\n')
    code, out, _ = run(capsys)
    assert code == 0 and "settings are already in pyproject.toml [tool.commitgate]" in out
    assert not (repo.path / "commitgate.toml").exists()


def test_from_a_subdirectory_writes_at_the_root(
    repo: GitRepo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (repo.path / "sub").mkdir()
    monkeypatch.chdir(repo.path / "sub")
    assert run(capsys)[0] == 0
    assert (repo.path / "commitgate.toml").exists()


def test_prints_the_pre_commit_config(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    out = run(capsys)[1]
    assert "Create .pre-commit-config.yaml with:\n\n" + init.SNIPPET in out
    assert "pre-commit install" in out and "AI_GATEWAY_API_KEY" in out
    repo.write(".pre-commit-config.yaml", "repos: []\n")
    out = run(capsys)[1]
    assert "Add to .pre-commit-config.yaml, under `repos:`:\n\n  - repo: https://" in out
    repo.write(".pre-commit-config.yaml", init.SNIPPET)
    out = run(capsys)[1]
    assert ".pre-commit-config.yaml already runs the hook" in out and "repo:" not in out


def test_the_snippet_installs_with_pre_commit(repo: GitRepo) -> None:
    yaml = importlib.import_module("yaml")  # pre-commit's own dependency; no type stubs

    [entry] = yaml.safe_load(init.SNIPPET)["repos"]
    assert entry["rev"].startswith("v") and entry["hooks"] == [{"id": "commitgate"}]


def test_arguments_and_places(
    repo: GitRepo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, err = run(capsys, "--force")
    assert code == 2 and "unrecognized arguments: --force" in err
    # Under pre-commit, `init` is a file name, not the command.
    monkeypatch.setenv("PRE_COMMIT", "1")
    monkeypatch.setenv("COMMITGATE_BASE_URL", "http://127.0.0.1:9/v1")
    run(capsys, "--dry-run")
    assert not (repo.path / "commitgate.toml").exists()


def test_outside_a_repository(
    tmp_path: object, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(str(tmp_path))
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    code, _, err = run(capsys)
    assert code == 2 and "not inside a git repository" in err

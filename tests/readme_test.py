"""The README documents what the code does."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, cast

import pytest

from commitgate import config
from tests.conftest import TEST_KEY, GitRepo
from tests.fake_gateway import FakeGateway

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()
CI = (Path(__file__).resolve().parent.parent / ".ci" / "run").read_text()


def test_every_setting_is_documented() -> None:
    section = README[README.index("## Configuration") :]
    section = section[: section.index("\n## ", 1)]
    documented = set(re.findall(r"^\| `([a-z-]+)` \|", section, re.MULTILINE))
    assert documented == set(config.KEYS)


def test_ci_runs_the_readme_commands() -> None:
    blocks = re.findall(r"```sh\n(.*?)```", README, re.DOTALL)
    setup = next(b.strip() for b in blocks if "pip install -e" in b)
    test = next(b.strip() for b in blocks if "pytest" in b)
    assert setup in CI
    assert test in CI


def _string_constants() -> list[str]:
    """Every string literal of the package, f-strings' literal parts included."""
    import ast

    out = []
    for path in (Path(__file__).resolve().parent.parent / "src" / "commitgate").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                out.append(node.value)
    return out


def _section(title: str) -> str:
    start = README.index(f"\n## {title}\n")
    end = README.find("\n## ", start + 1)
    return README[start : end if end > 0 else len(README)]


def test_troubleshooting_quotes_real_messages() -> None:
    constants = _string_constants()
    headings = re.findall(r"^### (.*)$", _section("Troubleshooting"), re.MULTILINE)
    assert len(headings) >= 10
    for heading in headings:
        for message in re.findall(r"`([^`]+)`", heading):
            for piece in filter(None, (p.strip() for p in message.split("…"))):
                assert any(piece in c for c in constants), f"{piece!r} is not a message"


def test_troubleshooting_bad_revision_is_what_git_says(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    from commitgate.main import main

    repo.commit()
    assert main(["--from-ref", "origin/main", "--to-ref", "HEAD"]) == 2
    assert "unknown revision 'origin/main': not a commit" in capsys.readouterr().err
    assert "### `unknown revision …: not a commit in this repository`" in README


def test_the_workflow_and_ci_skip_are_valid_yaml() -> None:
    import importlib

    yaml = importlib.import_module("yaml")  # pre-commit's own dependency; no type stubs
    blocks = [yaml.safe_load(b) for b in re.findall(r"```yaml\n(.*?)```", README, re.DOTALL)]
    workflows = [b for b in blocks if "jobs" in b]
    assert len(workflows) == 2
    action, workflow = workflows
    # The short path: the action, with what it needs of the job.
    assert action["permissions"] == {"contents": "read", "security-events": "write"}
    checkout, step = action["jobs"]["review"]["steps"]
    assert checkout == {"uses": "actions/checkout@v4", "with": {"fetch-depth": 0}}
    assert step == {
        "uses": "commitgate/commitgate@v0",
        "with": {"api-key": "${{ secrets.AI_GATEWAY_API_KEY }}"},
    }
    # Forks get no secrets: both skip them.
    for w in workflows:
        assert w["jobs"]["review"]["if"] == (
            "github.event.pull_request.head.repo.full_name == github.repository"
        )
    # A workflow of one's own.
    steps = workflow["jobs"]["review"]["steps"]
    uses = {s["uses"].split("@")[0]: s for s in steps if "uses" in s}
    assert uses["actions/checkout"]["with"]["fetch-depth"] == 0
    assert uses["actions/cache"]["with"]["path"].startswith(".git/commitgate")
    assert uses["github/codeql-action/upload-sarif"]["with"]["sarif_file"] == "commitgate.sarif"
    [review] = [s["run"] for s in steps if "run" in s and s["run"].startswith("commitgate ")]
    assert "--from-ref origin/${{ github.base_ref }} --to-ref HEAD" in review
    assert "--format sarif --output commitgate.sarif" in review
    assert {"ci": {"skip": ["commitgate"]}} in blocks


def _gitlab_job() -> dict[str, Any]:
    import importlib

    yaml = importlib.import_module("yaml")  # pre-commit's own dependency; no type stubs
    blocks = [yaml.safe_load(b) for b in re.findall(r"```yaml\n(.*?)```", README, re.DOTALL)]
    [job] = [
        job
        for b in blocks
        if isinstance(b, dict)
        for job in b.values()
        if isinstance(job, dict) and "codequality" in job.get("artifacts", {}).get("reports", {})
    ]
    return cast("dict[str, Any]", job)


def test_the_gitlab_job_is_valid_yaml() -> None:
    job = _gitlab_job()
    rules = [r["if"] for r in job["rules"]]
    assert rules[0].startswith('$CI_PIPELINE_SOURCE == "merge_request_event"')
    assert all(r.endswith("&& $AI_GATEWAY_API_KEY") for r in rules)  # forks: skipped
    assert job["variables"]["GIT_DEPTH"] == 0
    assert job["cache"]["paths"] == [".git/commitgate"]
    assert "$CI_COMMIT_REF_SLUG" in job["cache"]["key"]
    assert job["artifacts"] == {
        "when": "always",
        "reports": {"codequality": "gl-code-quality-report.json"},
    }
    install, review = job["script"]
    assert install.startswith("pip install ")
    assert '--from-ref "${CI_MERGE_REQUEST_DIFF_BASE_SHA:-$CI_COMMIT_BEFORE_SHA}"' in review
    assert '--to-ref "$CI_COMMIT_SHA"' in review
    assert review.endswith("--format gitlab --output gl-code-quality-report.json")
    assert "AI_GATEWAY_API_KEY" not in str(job["variables"])  # a CI/CD variable, not here


@pytest.mark.parametrize("pipeline", ["merge_request_event", "push"])
def test_the_gitlab_job_reviews_the_range(
    repo: GitRepo, env: FakeGateway, tmp_path: Path, pipeline: str
) -> None:
    """The job's review command, run by a shell as GitLab's runner would,
    with the variables GitLab sets (commitgate from this environment rather
    than pip): a merge request's range, or a push's on the default branch."""
    import json
    import os
    import subprocess
    import sys

    repo.write("app.py", "x = 1\n")
    repo.stage()
    base = repo.commit()
    repo.write("app.py", "x = 1\ny = 2  # BUG:high\n")
    repo.stage()
    head = repo.commit()
    variables = {"CI": "true", "CI_COMMIT_SHA": head, "CI_PIPELINE_SOURCE": pipeline}
    if pipeline == "merge_request_event":
        variables.update(CI_MERGE_REQUEST_DIFF_BASE_SHA=base, CI_COMMIT_BEFORE_SHA="0" * 40)
    else:
        variables["CI_COMMIT_BEFORE_SHA"] = base
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    proc = subprocess.run(
        ["bash", "-c", _gitlab_job()["script"][1]],
        cwd=repo.path,
        env={**os.environ, **variables, "PATH": path},
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    report = (repo.path / "gl-code-quality-report.json").read_text()
    [issue] = json.loads(report)
    assert issue["location"] == {"path": "app.py", "lines": {"begin": 2, "end": 2}}
    assert issue["severity"] == "critical" and issue["check_name"].startswith("commitgate/")
    assert TEST_KEY not in report + proc.stdout + proc.stderr


def test_every_format_is_documented() -> None:
    from commitgate.main import FORMATS

    text = _section("Use it")
    assert all(f"`{fmt}`" in text for fmt in FORMATS)


def test_the_version_is_said_in_one_place() -> None:
    from commitgate import __version__

    said = set(re.findall(r"(?:rev: |commitgate@)v(\d+\.\d+\.\d+)", README))
    assert said == {__version__}
    changelog = (Path(__file__).resolve().parent.parent / "CHANGELOG.md").read_text()
    released = re.findall(r"^## (\d+\.\d+\.\d+) - ", changelog, re.MULTILINE)
    assert released[0] == __version__

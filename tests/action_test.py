"""action.yml, the composite GitHub Action: its structure, and its shell
steps run in order, as a runner would, against the loopback gateway.

The runner is imitated here: each step's `if:` and the `${{ }}` expressions
of its `env:` and `with:` are evaluated by a small evaluator of the part of
GitHub's expression language the action uses (contexts, literals, `==`,
`!=`, `!`, `&&`, `||`, the status functions); each `run:` script is run by
`bash --noprofile --norc -eo pipefail`, as `shell: bash` is, with a fresh
GITHUB_OUTPUT file, and the outputs it writes become the step's. The
`uses:` steps (setup-python, the cache, upload-sarif) are not run: their
evaluated `with:` is recorded and checked.

The review runs with the input `install: "false"`, so the commitgate of
this test environment (this checkout, installed editable) is the one on
the PATH: installing the action's checkout with pip for every test would
take a minute and need the package index. The install step's own script
is run too, with a stand-in Python that records what it is asked to do.
"""

from __future__ import annotations

import importlib
import json
import os
import re
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import pytest

from tests.conftest import TEST_KEY, GitRepo
from tests.fake_gateway import FakeGateway

ROOT = Path(__file__).resolve().parent.parent
yaml: Any = importlib.import_module("yaml")  # pre-commit's own dependency; no type stubs
ACTION: dict[str, Any] = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
STEPS: list[dict[str, Any]] = ACTION["runs"]["steps"]


# ---- GitHub's expressions, the part the action uses -------------------------------

_TOKEN = re.compile(
    r"\s*(?:(?P<str>'(?:[^']|'')*')|(?P<op>&&|\|\||==|!=|!|\(|\)|,)"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_.-]*))"
)
_STATUS = ("always", "success", "failure", "cancelled")


class Expression:
    """Evaluates one expression against contexts (inputs, github, env,
    steps), with GitHub's rules: a missing property is null; `a || b` is the
    first truthy operand itself; null, false, 0 and '' are falsy; `==`
    compares strings case-insensitively, and null as ''."""

    def __init__(self, text: str, contexts: Mapping[str, Any], failed: bool) -> None:
        self.tokens = self._tokenize(text)
        self.contexts = contexts
        self.failed = failed
        self.pos = 0

    @staticmethod
    def _tokenize(text: str) -> list[tuple[str, str]]:
        out, pos = [], 0
        text = text.strip()
        while pos < len(text):
            m = _TOKEN.match(text, pos)
            if m is None or m.end() == pos:
                raise ValueError(f"cannot read the expression {text!r} at {pos}")
            kind = m.lastgroup
            assert kind is not None
            out.append((kind, m.group(kind)))
            pos = m.end()
        return out

    def evaluate(self) -> Any:
        value = self._or()
        if self.pos != len(self.tokens):
            raise ValueError(f"unexpected {self.tokens[self.pos]!r}")
        return value

    def _peek(self) -> str:
        return self.tokens[self.pos][1] if self.pos < len(self.tokens) else ""

    def _or(self) -> Any:
        value = self._and()
        while self._peek() == "||":
            self.pos += 1
            right = self._and()
            value = value if truthy(value) else right
        return value

    def _and(self) -> Any:
        value = self._compare()
        while self._peek() == "&&":
            self.pos += 1
            right = self._compare()
            value = right if truthy(value) else value
        return value

    def _compare(self) -> Any:
        value = self._unary()
        while self._peek() in ("==", "!="):
            op = self.tokens[self.pos][1]
            self.pos += 1
            same = _loose(value) == _loose(self._unary())
            value = same if op == "==" else not same
        return value

    def _unary(self) -> Any:
        if self._peek() == "!":
            self.pos += 1
            return not truthy(self._unary())
        return self._primary()

    def _primary(self) -> Any:
        kind, text = self.tokens[self.pos]
        self.pos += 1
        if text == "(":
            value = self._or()
            assert self._peek() == ")"
            self.pos += 1
            return value
        if kind == "str":
            return text[1:-1].replace("''", "'")
        if self._peek() == "(":
            assert text in _STATUS, f"{text}() is not supported here"
            self.pos += 1
            assert self._peek() == ")"
            self.pos += 1
            return {
                "always": True,
                "success": not self.failed,
                "failure": self.failed,
                "cancelled": False,
            }[text]
        if text in ("true", "false", "null"):
            return {"true": True, "false": False, "null": None}[text]
        found: Any = self.contexts
        for part in text.split("."):
            found = found.get(part) if isinstance(found, Mapping) else None
        return found


def truthy(value: Any) -> bool:
    return value not in (None, False, 0, "")


def _loose(value: Any) -> Any:
    return "" if value is None else value.lower() if isinstance(value, str) else value


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def expand(template: Any, contexts: Mapping[str, Any], failed: bool = False) -> str:
    """A value with its `${{ }}` expressions replaced, as a runner does."""
    return re.sub(
        r"\$\{\{(.*?)\}\}",
        lambda m: _text(Expression(m.group(1), contexts, failed).evaluate()),
        _text(template),
    )


def condition(text: str | None, contexts: Mapping[str, Any], failed: bool) -> bool:
    """A step's `if:`; without a status function, `success() && ` is implied."""
    if text is None:
        return not failed
    text = text.strip()
    if text.startswith("${{") and text.endswith("}}"):
        text = text[3:-2]
    if not any(f"{f}(" in text for f in _STATUS):
        text = f"success() && ({text})"
    return truthy(Expression(text, contexts, failed).evaluate())


def test_the_evaluator() -> None:
    contexts = {"inputs": {"a": "x", "empty": ""}, "steps": {}}
    assert expand("${{ inputs.empty || 'y' }}-${{ inputs.a || 'y' }}", contexts) == "y-x"
    assert expand("${{ steps.nope.outputs.x }}", contexts) == ""
    assert condition("inputs.a == 'X' && inputs.empty == ''", contexts, failed=False)
    assert not condition("inputs.a == 'x'", contexts, failed=True)  # success() implied
    assert condition("always() && steps.nope.outputs.x != 'true'", contexts, failed=True)
    assert not condition("always() && steps.nope.outputs.x != ''", contexts, failed=True)
    assert condition("!(inputs.a == 'y') && !cancelled()", contexts, failed=False)


# ---- the runner ----------------------------------------------------------------


@dataclass
class Run:
    """What running the action's steps gave."""

    steps: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> its context
    ran: list[str] = field(default_factory=list)  # the names of the steps that ran
    uses: dict[str, dict[str, str]] = field(default_factory=dict)  # action -> evaluated with:
    env: dict[str, dict[str, str]] = field(default_factory=dict)  # step name -> evaluated env:
    codes: dict[str, int] = field(default_factory=dict)  # step name -> exit code
    stdout: str = ""
    stderr: str = ""
    output_files: list[str] = field(default_factory=list)  # each step's GITHUB_OUTPUT text
    outputs: dict[str, str] = field(default_factory=dict)  # the action's outputs

    def everything(self) -> str:
        return "\n".join([self.stdout, self.stderr, *self.output_files, json.dumps(self.outputs)])


def read_outputs(text: str) -> dict[str, str]:
    """GITHUB_OUTPUT's `name=value` lines and `name<<DELIMITER` blocks."""
    out: dict[str, str] = {}
    lines = iter(text.splitlines())
    for line in lines:
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            value = []
            for more in lines:
                if more == delimiter:
                    break
                value.append(more)
            out[name] = "\n".join(value)
        elif "=" in line:
            name, value_ = line.split("=", 1)
            out[name] = value_
    return out


def run_action(
    workspace: Path,
    tmp: Path,
    inputs: Mapping[str, str],
    github: Mapping[str, Any],
    runner_env: Mapping[str, str],
    job_env: Mapping[str, str] | None = None,
    uses_outputs: Callable[[str, dict[str, str]], dict[str, str]] | None = None,
) -> Run:
    """The action's steps, in order, as a runner would run them."""
    declared = {name: spec.get("default", "") for name, spec in ACTION["inputs"].items()}
    unknown = set(inputs) - set(declared)
    assert not unknown, f"inputs the action does not declare: {unknown}"
    contexts: dict[str, Any] = {
        "inputs": {**declared, **inputs},
        "github": dict(github),
        "env": dict(job_env or {}),
        "steps": {},
    }
    result = Run()
    failed = False
    for n, step in enumerate(STEPS):
        name = step["name"]
        if not condition(step.get("if"), contexts, failed):
            continue
        result.ran.append(name)
        outputs: dict[str, str] = {}
        if "uses" in step:
            with_ = {k: expand(v, contexts, failed) for k, v in step.get("with", {}).items()}
            result.uses[step["uses"]] = with_
            if uses_outputs is not None:
                outputs = uses_outputs(step["uses"], with_)
            outcome = "success"
        else:
            assert step["shell"] == "bash"
            env = {k: expand(v, contexts, failed) for k, v in step.get("env", {}).items()}
            result.env[name] = env
            script = tmp / f"step-{n}.sh"
            script.write_text(step["run"], encoding="utf-8")
            output_file = tmp / f"output-{n}"
            output_file.write_text("")
            proc = subprocess.run(
                ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
                cwd=workspace,
                env={**runner_env, **(job_env or {}), **env, "GITHUB_OUTPUT": str(output_file)},
                capture_output=True,
                text=True,
                check=False,
            )
            result.codes[name] = proc.returncode
            result.stdout += proc.stdout
            result.stderr += proc.stderr
            text = output_file.read_text(encoding="utf-8")
            result.output_files.append(text)
            outputs = read_outputs(text)
            outcome = "success" if proc.returncode == 0 else "failure"
            failed = failed or proc.returncode != 0
        if "id" in step:
            contexts["steps"][step["id"]] = {
                "outputs": outputs,
                "outcome": outcome,
                "conclusion": outcome,
            }
    result.steps = contexts["steps"]
    result.outputs = {
        name: expand(spec["value"], contexts, failed) for name, spec in ACTION["outputs"].items()
    }
    return result


# ---- the action's structure ------------------------------------------------------


def _step(uses_or_id: str) -> dict[str, Any]:
    [step] = [
        s
        for s in STEPS
        if s.get("id") == uses_or_id or s.get("uses", "").split("@")[0] == uses_or_id
    ]
    return step


def test_a_composite_action_with_its_inputs_and_outputs() -> None:
    assert ACTION["runs"]["using"] == "composite"
    assert ACTION["name"] == "commitgate" and ACTION["description"]
    assert set(ACTION["inputs"]) == {
        "api-key",
        "from-ref",
        "to-ref",
        "fail-on",
        "profile",
        "config",
        "args",
        "python-version",
        "install",
        "sarif-file",
        "upload-sarif",
        "sarif-category",
        "cache",
        "cache-dir",
    }
    assert all(spec.get("description") for spec in ACTION["inputs"].values())
    assert not any(spec.get("required") for spec in ACTION["inputs"].values())
    assert ACTION["inputs"]["cache-dir"]["default"] == ".git/commitgate"
    assert {name: spec["value"] for name, spec in ACTION["outputs"].items()} == {
        "exit-code": "${{ steps.review.outputs.exit-code }}",
        "verdict": "${{ steps.review.outputs.verdict }}",
        "sarif-file": "${{ steps.review.outputs.sarif-file }}",
    }


def test_no_expression_inside_a_script() -> None:
    """Inputs and event fields (a branch name, a ref) reach the scripts
    through env: only, never pasted into the shell's text."""
    runs = [s for s in STEPS if "run" in s]
    assert len(runs) == 2
    for s in runs:
        assert "${{" not in s["run"], s["name"]
        assert s["shell"] == "bash"


def test_the_key_goes_to_the_review_step_alone() -> None:
    holders = [s["name"] for s in STEPS if "api-key" in json.dumps(s)]
    assert holders == ["Review"]
    assert _step("review")["env"]["AI_GATEWAY_API_KEY"] == (
        "${{ inputs.api-key || env.AI_GATEWAY_API_KEY }}"
    )
    assert "AI_GATEWAY_API_KEY" not in _step("review")["run"]  # never echoed


def test_the_steps_that_use_other_actions() -> None:
    python = _step("actions/setup-python")
    assert python["uses"] == "actions/setup-python@v5"
    assert python["with"]["update-environment"] is False  # the job's own Python stays
    assert python["if"] == "inputs.install == 'true' && inputs.python-version != ''"
    restore, save = _step("actions/cache/restore"), _step("actions/cache/save")
    key = "commitgate-${{ github.head_ref || github.ref_name }}-${{ github.sha }}"
    for cache in (restore, save):
        assert cache["uses"].endswith("@v4")
        assert cache["with"]["path"] == "${{ inputs.cache-dir }}"
        assert cache["with"]["key"] == key
    assert restore["with"]["restore-keys"].splitlines() == [
        "commitgate-${{ github.head_ref || github.ref_name }}-",
        "commitgate-",
    ]
    assert restore["if"] == "inputs.cache == 'true'"
    # Saved after a blocked review too, unless the exact key was restored.
    assert save["if"].startswith("always() && ")
    upload = _step("github/codeql-action/upload-sarif")
    assert upload["uses"] == "github/codeql-action/upload-sarif@v3"
    assert upload["if"] == (
        "always() && inputs.upload-sarif == 'true' && steps.review.outputs.sarif-file != ''"
    )
    assert upload["with"] == {
        "sarif_file": "${{ steps.review.outputs.sarif-file }}",
        "category": "${{ inputs.sarif-category }}",
    }
    names = [s.get("id") or s["uses"].split("@")[0] for s in STEPS]
    assert names == [
        "python",
        "install",
        "restore",
        "review",
        "github/codeql-action/upload-sarif",
        "actions/cache/save",
    ]


def test_every_input_and_output_is_documented() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("\n### GitHub Actions\n") :]
    section = section[: section.index("\n### ", 1)]
    for name in [*ACTION["inputs"], *ACTION["outputs"]]:
        assert f"| `{name}` |" in section, name


# ---- running it ------------------------------------------------------------------


@pytest.fixture
def runner(
    repo: GitRepo, env: FakeGateway, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> dict[str, str]:
    """What a runner puts in each step's environment, for a pull request
    from `feature` into `main`; the key only through the action's input."""
    monkeypatch.delenv("AI_GATEWAY_API_KEY")
    (tmp_path / "runner-temp").mkdir()
    # commitgate on the PATH is this checkout's, behind a stand-in that
    # records its arguments, one a line, in commitgate.argv.
    bin_ = tmp_path / "bin"
    bin_.mkdir()
    real = Path(sys.executable).parent / "commitgate"
    log = tmp_path / "commitgate.argv"
    (bin_ / "commitgate").write_text(
        f"#!/bin/sh\nprintf '%s\\n' \"$@\" > '{log}'\nexec '{real}' \"$@\"\n"
    )
    (bin_ / "commitgate").chmod(0o755)
    return {
        **os.environ,
        "PATH": os.pathsep.join([str(bin_), str(real.parent), os.environ["PATH"]]),
        "CI": "true",
        "GITHUB_ACTIONS": "true",
        "GITHUB_WORKSPACE": str(repo.path),
        "GITHUB_ACTION_PATH": str(ROOT),
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
        "GITHUB_EVENT_NAME": "pull_request",
        "GITHUB_BASE_REF": "main",
        "GITHUB_HEAD_REF": "feature",
        "GITHUB_REF_NAME": "7/merge",
        "RUNNER_TEMP": str(tmp_path / "runner-temp"),
    }


def branches(repo: GitRepo, head_line: str) -> tuple[str, str]:
    """A base commit on main (its origin/main too, as checkout fetches it)
    and a head commit on feature."""
    repo.write("app.py", "def f(x):\n    return x\n")
    repo.stage()
    base = repo.commit("base")
    repo.git("update-ref", "refs/remotes/origin/main", base)
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("app.py", f"def f(x):\n    {head_line}\n    return y\n")
    repo.stage()
    return base, repo.commit("head")


def argv(tmp_path: Path) -> list[str]:
    """The arguments the review step gave commitgate."""
    return (tmp_path / "commitgate.argv").read_text(encoding="utf-8").splitlines()


def github_context(runner: Mapping[str, str], sha: str, **event: Any) -> dict[str, Any]:
    return {
        "event_name": runner["GITHUB_EVENT_NAME"],
        "base_ref": runner.get("GITHUB_BASE_REF", ""),
        "head_ref": runner.get("GITHUB_HEAD_REF", ""),
        "ref_name": runner["GITHUB_REF_NAME"],
        "sha": sha,
        "action_path": runner["GITHUB_ACTION_PATH"],
        "event": {"repository": {"default_branch": "main"}, **event},
    }


def review(
    repo: GitRepo,
    tmp_path: Path,
    runner: dict[str, str],
    head: str,
    inputs: Mapping[str, str] | None = None,
    **event: Any,
) -> Run:
    runner["GITHUB_SHA"] = head
    return run_action(
        repo.path,
        tmp_path,
        {"api-key": TEST_KEY, "install": "false", **(inputs or {})},
        github_context(runner, head, **event),
        runner,
        uses_outputs=lambda uses, _: {"cache-hit": "false"} if "cache" in uses else {},
    )


def test_a_pull_request_with_a_planted_bug_is_blocked(
    repo: GitRepo, runner: dict[str, str], tmp_path: Path
) -> None:
    _, head = branches(repo, "y = x + 1  # BUG:high")
    run = review(repo, tmp_path, runner, head)
    # Installed already (install: "false"): no Python set up, nothing installed.
    assert run.ran == [
        "Restore the review cache",
        "Review",
        "Upload SARIF to code scanning",
        "Save the review cache",
    ]
    assert run.codes == {"Review": 1}  # blocked: the action fails with commitgate's code
    assert run.outputs == {"exit-code": "1", "verdict": "blocked", "sarif-file": "commitgate.sarif"}
    assert read_outputs(run.output_files[0]) == run.outputs  # the step's own GITHUB_OUTPUT
    # The pull request's change: from its base branch, as checkout fetched it.
    assert argv(tmp_path) == [
        "--from-ref",
        "origin/main",
        "--to-ref",
        "HEAD",
        "--profile",
        "review",
        "--format",
        "sarif",
        "--output",
        "commitgate.sarif",
    ]
    # The SARIF names the planted line.
    sarif = json.loads((repo.path / "commitgate.sarif").read_text(encoding="utf-8"))
    [result] = sarif["runs"][0]["results"]
    location = result["locations"][0]["physicalLocation"]
    assert (location["artifactLocation"]["uri"], location["region"]["startLine"]) == ("app.py", 2)
    assert result["level"] == "error"
    # The text report and the annotations in the log; the verdict in the summary.
    assert "commitgate: BLOCKED" in run.stdout
    # ':' in an annotation's properties is %3A, as workflow commands require.
    assert (
        "::error file=app.py,line=2,endLine=2,title=commitgate%3A high%3A planted high bug"
        "::a planted bug for tests\n"
    ) in run.stdout
    summary = Path(runner["GITHUB_STEP_SUMMARY"]).read_text(encoding="utf-8")
    assert summary.startswith("### commitgate: blocked")
    # The other actions, as they would be called.
    assert run.uses["github/codeql-action/upload-sarif@v3"] == {
        "sarif_file": "commitgate.sarif",
        "category": "commitgate",
    }
    key = f"commitgate-feature-{head}"
    assert run.uses["actions/cache/restore@v4"] == {
        "path": ".git/commitgate",
        "key": key,
        "restore-keys": "commitgate-feature-\ncommitgate-\n",
    }
    assert run.uses["actions/cache/save@v4"] == {"path": ".git/commitgate", "key": key}
    assert (repo.path / ".git" / "commitgate").is_dir()  # what the cache saves
    # The key: in the review step's environment, and in nothing written.
    assert [name for name, env in run.env.items() if TEST_KEY in env.values()] == ["Review"]
    assert TEST_KEY not in run.everything() + summary + json.dumps(sarif)


def test_a_clean_change_passes(repo: GitRepo, runner: dict[str, str], tmp_path: Path) -> None:
    _, head = branches(repo, "y = x + 1")
    run = review(repo, tmp_path, runner, head, {"upload-sarif": "false", "cache": "false"})
    assert run.ran == ["Review"]
    assert run.codes == {"Review": 0}
    assert run.outputs == {"exit-code": "0", "verdict": "passed", "sarif-file": "commitgate.sarif"}
    assert "commitgate: passed" in run.stdout and "::error" not in run.stdout


def test_inputs_reach_commitgate(
    repo: GitRepo, env: FakeGateway, runner: dict[str, str], tmp_path: Path
) -> None:
    """fail-on, profile, config and args, each as commitgate's own option;
    the range from the inputs instead of the event."""
    base, _ = branches(repo, "y = x + 1  # BUG:low")
    repo.write("review settings.toml", 'instructions = "Be brief."\n')
    repo.stage()
    head = repo.commit("settings")
    inputs = {
        "fail-on": "low",
        "profile": "push",
        "config": "review settings.toml",
        "args": "--no-cache\n  --whole",
        "from-ref": base,
        "to-ref": head,
        "sarif-file": "out dir/review.sarif",
    }
    (repo.path / "out dir").mkdir()
    run = review(repo, tmp_path, runner, head, inputs)
    assert run.codes == {"Review": 1}, run.stdout + run.stderr
    assert run.outputs["sarif-file"] == "out dir/review.sarif"
    sarif = json.loads((repo.path / "out dir" / "review.sarif").read_text(encoding="utf-8"))
    assert argv(tmp_path) == [
        "--from-ref",
        base,
        "--to-ref",
        head,
        "--profile",
        "push",
        "--fail-on",
        "low",
        "--config",
        "review settings.toml",
        "--no-cache",  # args, split on white space, newlines too
        "--whole",
        "--format",
        "sarif",
        "--output",
        "out dir/review.sarif",
    ]
    props = sarif["runs"][0]["properties"]
    assert props["failOn"] == "low"
    assert props["change"] == f"{base}...{head}"
    assert props["reviewed"] == ["app.py", "review settings.toml"]
    # The settings file's instructions, in the review's request.
    assert env.posts[0].json["instructions"].endswith("\nBe brief.")


def test_a_push_reviews_what_it_pushed(
    repo: GitRepo, runner: dict[str, str], tmp_path: Path
) -> None:
    before, head = branches(repo, "y = x + 1  # BUG:critical")
    runner.update(GITHUB_EVENT_NAME="push", GITHUB_REF_NAME="feature")
    del runner["GITHUB_BASE_REF"], runner["GITHUB_HEAD_REF"]
    run = review(repo, tmp_path, runner, head, before=before)
    assert run.codes == {"Review": 1}
    # From the commit before the push to the pushed one.
    assert argv(tmp_path)[:4] == ["--from-ref", before, "--to-ref", head]
    sarif = json.loads((repo.path / "commitgate.sarif").read_text(encoding="utf-8"))
    assert sarif["runs"][0]["properties"]["change"] == f"{before}...{head}"
    assert f"reviewed: {before}...{head}, 1 file, " in run.stdout
    assert run.uses["actions/cache/save@v4"]["key"] == f"commitgate-feature-{head}"


def test_a_new_branch_is_reviewed_from_the_default_branch(
    repo: GitRepo, runner: dict[str, str], tmp_path: Path
) -> None:
    _, head = branches(repo, "y = x + 1  # BUG:high")
    runner.update(GITHUB_EVENT_NAME="push", GITHUB_REF_NAME="feature")
    del runner["GITHUB_BASE_REF"], runner["GITHUB_HEAD_REF"]
    run = review(repo, tmp_path, runner, head, before="0" * 40)
    assert run.codes == {"Review": 1}
    # No commit before a new branch: its change from the default branch.
    assert argv(tmp_path)[:4] == ["--from-ref", "origin/main", "--to-ref", head]
    sarif = json.loads((repo.path / "commitgate.sarif").read_text(encoding="utf-8"))
    assert sarif["runs"][0]["properties"]["change"] == f"origin/main...{head}"
    assert sarif["runs"][0]["properties"]["reviewed"] == ["app.py"]


def test_a_pull_request_from_a_fork_is_not_reviewed(
    repo: GitRepo, env: FakeGateway, runner: dict[str, str], tmp_path: Path
) -> None:
    """A fork's pull request gets no secrets: the input is empty. Nothing is
    sent, and the step fails (exit 3), saying the change was not reviewed,
    rather than pass it unseen."""
    _, head = branches(repo, "y = x + 1  # BUG:high")
    del runner["COMMITGATE_BASE_URL"]  # the gateway itself, which needs a credential
    run = review(repo, tmp_path, runner, head, {"api-key": ""})
    assert run.codes == {"Review": 3}
    assert run.outputs == {"exit-code": "3", "verdict": "error", "sarif-file": "commitgate.sarif"}
    assert "commitgate: the change was NOT reviewed" in run.stdout
    assert "no credentials for the model service" in run.stdout
    assert "::error title=commitgate%3A the change was NOT reviewed::" in run.stdout
    assert not env.requests


def test_a_force_push_is_reviewed_from_the_default_branch(
    repo: GitRepo, runner: dict[str, str], tmp_path: Path
) -> None:
    """The commit before a force push is in no branch, so not in the clone:
    a range from it would be an unknown revision (exit 2)."""
    _, head = branches(repo, "y = x + 1  # BUG:high")
    runner.update(GITHUB_EVENT_NAME="push", GITHUB_REF_NAME="feature")
    del runner["GITHUB_BASE_REF"], runner["GITHUB_HEAD_REF"]
    gone = "5" * 40
    run = review(repo, tmp_path, runner, head, before=gone)
    assert run.codes == {"Review": 1}, run.stdout + run.stderr
    assert argv(tmp_path)[:4] == ["--from-ref", "origin/main", "--to-ref", head]
    assert "::notice title=commitgate::the commit before the push is not in the clone" in (
        run.stdout
    )


def test_an_event_without_a_range_says_so(
    repo: GitRepo, runner: dict[str, str], tmp_path: Path
) -> None:
    _, head = branches(repo, "y = x + 1")
    runner["GITHUB_EVENT_NAME"] = "workflow_dispatch"
    run = review(repo, tmp_path, runner, head)
    assert run.codes == {"Review": 2}
    assert run.outputs == {"exit-code": "2", "verdict": "usage-error", "sarif-file": ""}
    assert "::error title=commitgate::no range for a workflow_dispatch event" in run.stdout
    assert "Upload SARIF to code scanning" not in run.ran  # no report to upload


def test_inputs_are_never_shell_code(repo: GitRepo, runner: dict[str, str], tmp_path: Path) -> None:
    _, head = branches(repo, "y = x + 1")
    hostile = {
        "from-ref": "$(touch pwned1)",
        "to-ref": '"; touch pwned2; "',
        "args": "`touch pwned3` *",
        "sarif-file": "x;touch pwned4",
    }
    runner["GITHUB_BASE_REF"] = "main$(touch pwned5)"
    run = review(repo, tmp_path, runner, head, hostile)
    assert run.codes == {"Review": 2}
    assert "unknown revision '$(touch pwned1)'" in run.stderr
    assert run.outputs["verdict"] == "usage-error" and run.outputs["sarif-file"] == ""
    assert not list(repo.path.glob("pwned*")) and not list(Path.cwd().glob("pwned*"))


def test_a_stale_report_is_never_uploaded(
    repo: GitRepo, runner: dict[str, str], tmp_path: Path
) -> None:
    _, head = branches(repo, "y = x + 1")
    (repo.path / "commitgate.sarif").write_text("{}")
    run = review(repo, tmp_path, runner, head, {"fail-on": "nonsense"})
    assert run.codes == {"Review": 2}
    assert not (repo.path / "commitgate.sarif").exists()
    assert "Upload SARIF to code scanning" not in run.ran


def test_the_install_step(tmp_path: Path) -> None:
    """The install step, with a stand-in Python that records what it is
    asked: a virtual environment of the action's own, and pip installing
    the action's checkout into it, the path quoted; the review step gets
    that commitgate and that Python."""
    log = tmp_path / "log"
    stand_in = tmp_path / "python with space"
    stand_in.write_text(
        "#!/bin/sh\n"
        f'echo "$0 $*" >> "{log}"\n'
        'if [ "$1" = -m ] && [ "$2" = venv ]; then\n'
        '  mkdir -p "$3/bin" && cp "$0" "$3/bin/python"\n'
        "fi\n"
    )
    stand_in.chmod(0o755)
    action_path = tmp_path / "the action's checkout"
    action_path.mkdir()
    (tmp_path / "runner-temp").mkdir()
    runner = {
        "PATH": os.environ["PATH"],
        "GITHUB_ACTION_PATH": str(action_path),
        "RUNNER_TEMP": str(tmp_path / "runner-temp"),
    }
    run = run_action(
        tmp_path,
        tmp_path,
        {"cache": "false", "upload-sarif": "false"},
        {"event_name": "workflow_dispatch", "sha": "0" * 40},
        runner,
        uses_outputs=lambda uses, with_: {"python-path": str(stand_in)},
    )
    assert run.ran[:3] == ["Set up Python for commitgate", "Install commitgate", "Review"]
    assert run.uses["actions/setup-python@v5"] == {
        "python-version": "3.12",
        "update-environment": "false",
    }
    assert run.codes["Install commitgate"] == 0, run.stderr
    venv = tmp_path / "runner-temp" / "commitgate-venv"
    assert log.read_text().splitlines() == [
        f"{stand_in} -m venv {venv}",
        f"{venv}/bin/python -m pip install --quiet --disable-pip-version-check --no-input "
        f"{action_path}",
    ]
    assert run.steps["install"]["outputs"] == {
        "commitgate": f"{venv}/bin/commitgate",
        "python": f"{venv}/bin/python",
    }
    assert run.env["Review"]["COMMITGATE"] == f"{venv}/bin/commitgate"
    assert run.env["Review"]["PYTHON"] == f"{venv}/bin/python"

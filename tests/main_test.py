"""The command line, end to end against the loopback gateway."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

from commitgate.main import main
from tests.conftest import GitRepo
from tests.fake_gateway import FakeGateway, ReviewInput, Status, marker_reviewer


def stage_bug(repo: GitRepo, severity: str) -> None:
    repo.write("app.py", "def f(x):\n    return x\n")
    repo.stage()
    repo.commit()
    repo.write("app.py", f"def f(x):\n    y = x + 1  # BUG:{severity}\n    return y\n")
    repo.stage()


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_blocked_by_high(
    repo: GitRepo, env: FakeGateway, capsys: pytest.CaptureFixture[str]
) -> None:
    stage_bug(repo, "high")
    code, out, err = run(capsys)
    assert code == 1, err
    assert out.startswith("app.py:2: high: planted high bug\n    a planted bug for tests\n")
    assert "commitgate: BLOCKED: 1 high finding at or above fail-on (fail-on = high)" in out
    assert "reviewed: staged change, 1 file, 3 changed lines" in out
    assert "tokens: " in out and "2 requests" in out


def test_passed_with_low(
    repo: GitRepo, env: FakeGateway, capsys: pytest.CaptureFixture[str]
) -> None:
    stage_bug(repo, "low")
    code, out, _ = run(capsys)
    assert code == 0
    assert "app.py:2: low: planted low bug" in out
    assert "commitgate: passed" in out


def test_fail_on_flag(repo: GitRepo, env: FakeGateway, capsys: pytest.CaptureFixture[str]) -> None:
    stage_bug(repo, "low")
    assert run(capsys, "--fail-on", "low")[0] == 1
    code, _, err = run(capsys, "--fail-on", "nope")
    assert code == 2 and "unknown severity 'nope'" in err


def test_json(repo: GitRepo, env: FakeGateway, capsys: pytest.CaptureFixture[str]) -> None:
    stage_bug(repo, "critical")
    code, out, _ = run(capsys, "--format", "json")
    doc = json.loads(out)
    assert code == 1 and doc["exit_code"] == 1
    assert doc["status"] == "blocked" and doc["reviewed"] is True
    assert doc["decision"]["blocked"] is True
    [f] = doc["findings"]
    assert f["path"] == "app.py" and f["line"] == 2 and f["severity"] == "critical"
    assert f["blocking"] is True
    assert set(f) >= {"end_line", "category", "suggestion", "confidence", "title", "message"}
    # The review, then the second opinion that confirmed the finding.
    assert doc["usage"]["input_tokens"] > 0 and doc["usage"]["requests"] == 2
    assert f["model"] == "openai/gpt-5.1-codex-mini"
    assert f["verified_by"] == "openai/gpt-5.1-codex"
    assert doc["not_reviewed"] == []


def test_output_file_and_text_on_stdout(
    repo: GitRepo, env: FakeGateway, capsys: pytest.CaptureFixture[str]
) -> None:
    stage_bug(repo, "low")
    target = repo.path.parent / "report.json"
    code, out, _ = run(capsys, "--format", "json", "--output", str(target))
    assert code == 0
    assert json.loads(target.read_text())["status"] == "passed"
    # One run: the file for programs, the text for the person watching.
    assert out.startswith("app.py:2: low: planted low bug\n") and "commitgate: passed" in out


def test_no_credentials(
    repo: GitRepo,
    gateway: FakeGateway,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The gateway (the default server) needs a credential: none is set.
    stage_bug(repo, "high")
    code, out, _ = run(capsys)
    assert code == 3
    assert "AI_GATEWAY_API_KEY" in out and "VERCEL_OIDC_TOKEN" in out
    assert "NOT reviewed" in out
    assert gateway.posts == []


def test_dry_run_sends_nothing(
    repo: GitRepo, env: FakeGateway, capsys: pytest.CaptureFixture[str]
) -> None:
    stage_bug(repo, "high")
    repo.write("logo.png", b"\x89PNG\0\0")
    repo.stage()
    code, out, _ = run(capsys, "--dry-run")
    assert code == 0
    assert env.posts == []
    assert "dry run, nothing sent" in out
    assert "app.py" in out and "logo.png: binary" in out
    assert "estimated input: ~" in out
    doc = json.loads(run(capsys, "--dry-run", "--format", "json")[1])
    assert doc["status"] == "dry-run" and doc["requests"][0]["files"] == ["app.py"]


def test_nothing_to_review(
    repo: GitRepo, env: FakeGateway, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit()
    code, out, _ = run(capsys)
    assert (code, out) == (0, "commitgate: passed: nothing to review\n")
    assert env.posts == []


def test_usage_errors(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--from-ref", "HEAD")
    assert code == 2 and "--from-ref and --to-ref go together" in err
    code, _, err = run(capsys, "--bogus")
    assert code == 2 and "unrecognized arguments: --bogus" in err
    code, _, err = run(capsys, "--all-files", "a.py")
    assert code == 2


def test_config_error(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write("commitgate.toml", "fail_on = 'high'\n")
    code, _, err = run(capsys)
    assert code == 2
    assert err == (
        "commitgate: error: commitgate.toml: unknown key 'fail_on' (did you mean 'fail-on'?)\n"
    )


def test_http_to_remote_host_refused(
    repo: GitRepo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AI_GATEWAY_API_KEY", "k")
    monkeypatch.setenv("COMMITGATE_BASE_URL", "http://example.com/v1")
    stage_bug(repo, "high")
    code, _, err = run(capsys)
    assert code == 2 and "unencrypted" in err and "allow-http" in err


def test_service_error_names_model_host_and_variable_never_the_key(
    repo: GitRepo,
    env: FakeGateway,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CI", "true")
    env.faults.append(Status(401, message="Invalid key sk-test-secret-key"))
    stage_bug(repo, "high")
    code, out, err = run(capsys)
    assert code == 3
    assert "AI_GATEWAY_API_KEY" in out and "127.0.0.1" in out
    assert "sk-test-secret-key" not in out + err


def test_all_files_reviews_whole_files(
    repo: GitRepo, env: FakeGateway, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write("a.py", "x = 1  # BUG:high\n")
    repo.write("b.py", "y = 2\n")
    repo.stage()
    repo.commit()
    code, out, _ = run(capsys, "a.py", "b.py")
    assert code == 1 and "a.py:1: high" in out
    assert "reviewed: whole files, 2 files" in out
    code, out, _ = run(capsys, "--all-files")
    assert code == 1


def test_not_a_repository_via_subprocess(tmp_path: object, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(str(tmp_path))
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    proc = subprocess.run(
        [sys.executable, "-m", "commitgate"], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 2
    assert proc.stderr == (
        "commitgate: error: not inside a git repository: run commitgate from a git working tree\n"
    )
    assert proc.stdout == ""


def test_suppressed_finding_is_counted_and_does_not_block(
    repo: GitRepo, env: FakeGateway, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write("app.py", "def f(x):\n    return x\n")
    repo.stage()
    repo.commit()
    repo.write(
        "app.py",
        "def f(x):\n"
        "    # commitgate: ignore[other] -- checked by the caller\n"
        "    y = x + 1  # BUG:high\n"
        "    z = y  # BUG:critical  commitgate: ignore\n"  # not at the start of a comment
        "    return z  # BUG:medium  # commitgate: ignore\n",
    )
    repo.stage()
    code, out, _ = run(capsys)
    assert code == 1
    assert "app.py:3" not in out and "app.py:5" not in out
    assert "app.py:4: critical: planted critical bug" in out
    assert "findings: 1 critical; 2 suppressed by comments" in out
    doc = json.loads(run(capsys, "--format", "json")[1])
    assert doc["suppressed"] == 2 and [f["line"] for f in doc["findings"]] == [4]


def test_unsure_findings_do_not_block(
    repo: GitRepo, env: FakeGateway, capsys: pytest.CaptureFixture[str]
) -> None:
    def unsure(review_input: ReviewInput) -> dict[str, Any]:
        answer = marker_reviewer(review_input)
        for finding in answer["findings"]:
            finding["confidence"] = 0.2
        return answer

    env.reviewer = unsure
    stage_bug(repo, "critical")
    code, out, _ = run(capsys)
    assert code == 0
    assert "(does not block: confidence 0.2 below min-confidence 0.5)" in out
    assert "findings: 1 critical (0 blocking)" in out
    repo.write("commitgate.toml", "min-confidence = 0.1\n")
    assert run(capsys)[0] == 1


def test_sarif_to_a_file_and_text_to_stdout(
    repo: GitRepo, env: FakeGateway, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.openai_schema import sarif_validator

    stage_bug(repo, "critical")
    target = repo.path / "out dir" / "review.sarif"
    target.parent.mkdir()
    code, out, _ = run(capsys, "--format", "sarif", "--output", str(target))
    assert code == 1
    assert "app.py:2: critical: planted critical bug" in out and "BLOCKED" in out
    doc = json.loads(target.read_text())
    sarif_validator().validate(doc)
    [result] = doc["runs"][0]["results"]
    assert result["level"] == "error" and result["ruleId"].startswith("commitgate/")
    assert doc["runs"][0]["invocations"][0]["exitCode"] == 1


@pytest.mark.parametrize("fmt", ["sarif", "github", "markdown", "gitlab"])
def test_each_format_to_stdout(
    repo: GitRepo, env: FakeGateway, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    stage_bug(repo, "high")
    code, out, _ = run(capsys, "--format", fmt)
    assert code == 1
    assert "commitgate: BLOCKED" not in out  # only the chosen format
    first = {
        "sarif": "{",
        "github": "::error file=app.py,line=2,",
        "markdown": "### commitgate",
        "gitlab": '[\n  {\n    "description": "planted high bug: ',
    }
    assert out.startswith(first[fmt])


def test_output_to_a_folder_that_does_not_exist(
    repo: GitRepo, env: FakeGateway, capsys: pytest.CaptureFixture[str]
) -> None:
    stage_bug(repo, "low")
    code, out, err = run(capsys, "--format", "sarif", "--output", "no/such/dir/x.sarif")
    assert code == 2 and "commitgate: passed" in out
    assert err == "commitgate: error: --output no/such/dir/x.sarif: No such file or directory\n"


@pytest.fixture
def actions(env: FakeGateway, monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> FakeGateway:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("CI", "true")
    return env


def test_github_actions_annotations_and_summary_besides_the_text(
    repo: GitRepo,
    actions: FakeGateway,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    summary = repo.path.parent / "step_summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    stage_bug(repo, "high")
    code, out, _ = run(capsys)
    assert code == 1
    text, annotations = out.split("::error ", 1)
    assert text.startswith("app.py:2: high: planted high bug") and "BLOCKED" in text
    assert annotations.startswith(
        "file=app.py,line=2,endLine=2,title=commitgate%3A high%3A planted high bug::"
    )
    assert summary.read_text().startswith("### commitgate: blocked\n")
    assert "| high | **yes** | app.py:2 |" in summary.read_text()


def test_github_actions_never_corrupts_a_machine_format(
    repo: GitRepo,
    actions: FakeGateway,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    summary = repo.path.parent / "step_summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    stage_bug(repo, "high")
    out = run(capsys, "--format", "json")[1]
    assert json.loads(out)["status"] == "blocked"
    assert summary.exists()
    out = run(capsys, "--format", "github")[1]
    assert out.count("::error ") == 1  # not twice


def test_github_actions_summary_that_cannot_be_written(
    repo: GitRepo,
    actions: FakeGateway,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(repo.path / "no" / "such" / "file"))
    stage_bug(repo, "low")
    code, out, err = run(capsys)
    assert code == 0 and "::notice file=app.py" in out
    assert "commitgate: warning: could not write the step summary" in err


def test_github_actions_not_reviewed(
    repo: GitRepo, actions: FakeGateway, capsys: pytest.CaptureFixture[str]
) -> None:
    actions.faults.append(Status(402, message="budget exceeded"))
    stage_bug(repo, "high")
    code, out, _ = run(capsys)
    assert code == 3
    assert "::error title=commitgate%3A the change was NOT reviewed::" in out


def test_colour_only_when_asked_or_on_a_terminal(
    repo: GitRepo,
    env: FakeGateway,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stage_bug(repo, "high")
    assert "\033[" not in run(capsys)[1]  # captured: not a terminal
    monkeypatch.setenv("PRE_COMMIT_COLOR", "always")
    target = repo.path.parent / "report.txt"
    out = run(capsys, "--output", str(target))[1]
    assert "app.py:2: \033[31mhigh\033[m: planted high bug" in out
    assert "\033[1;31mcommitgate: BLOCKED" in out
    assert "\033[" not in target.read_text()  # a file never gets colour
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\033[" not in run(capsys)[1]


@pytest.mark.parametrize("where", ["usage", "providerMetadata"])
def test_the_gateway_cost_is_reported_as_is(
    repo: GitRepo, env: FakeGateway, capsys: pytest.CaptureFixture[str], where: str
) -> None:
    if where == "usage":
        env.usage_cost = 0.0123
    else:
        env.provider_metadata_cost = "0.0123"
    stage_bug(repo, "low")
    out = run(capsys)[1]
    assert out.rstrip().endswith(", $0.0123")
    doc = json.loads(run(capsys, "--format", "json", "--no-cache")[1])
    assert doc["usage"]["cost_usd"] == 0.0123
    assert (doc["usage"]["cost_estimated"], doc["usage"]["cost_source"]) == (False, "gateway")
    # One look at what the server is (it is not the gateway), none for prices.
    assert [r.path for r in env.requests if r.method == "GET"] == ["/v1/models"]


def test_an_estimated_cost_says_so(
    repo: GitRepo, env: FakeGateway, capsys: pytest.CaptureFixture[str]
) -> None:
    stage_bug(repo, "low")
    out = run(capsys)[1]
    assert out.rstrip().endswith(" est.") and ", ~$0.0" in out
    doc = json.loads(run(capsys, "--format", "json", "--no-cache")[1])
    assert doc["usage"]["cost_estimated"] is True and doc["usage"]["cost_source"] == "models"
    assert doc["usage"]["cost_usd"] > 0
    assert [r.path for r in env.requests if r.method == "GET"] == ["/v1/models"]


def test_dry_run_estimates_the_input_cost(
    repo: GitRepo, env: FakeGateway, capsys: pytest.CaptureFixture[str]
) -> None:
    stage_bug(repo, "high")
    # Not the gateway: priced from its own list, which a run has fetched.
    assert "est. (input only)" not in run(capsys, "--dry-run")[1]
    run(capsys, "--no-cache")
    posts = len(env.posts)
    out = run(capsys, "--dry-run")[1]
    assert "~$0.0" in out and " est. (input only)" in out
    doc = json.loads(run(capsys, "--dry-run", "--format", "json")[1])
    assert doc["estimated_input_cost_usd"] > 0 and doc["usage"]["cost_usd"] is None
    assert len(env.posts) == posts


def test_time_to_first_token_and_throughput_are_measured_from_the_stream(
    repo: GitRepo, env: FakeGateway, capsys: pytest.CaptureFixture[str]
) -> None:
    env.latency = 0.2  # before the first byte: the first token cannot come sooner
    env.piece_delay = 0.02
    stage_bug(repo, "low")
    doc = json.loads(run(capsys, "--format", "json")[1])
    speed = doc["speed"]
    [answer] = speed["answers"]
    assert answer["model"] == "openai/gpt-5.1-codex-mini"
    assert answer["first_token_seconds"] >= 0.2 and answer["output_tokens_per_second"] > 0
    assert speed["first_token_seconds"] == answer["first_token_seconds"]
    out = run(capsys, "--no-cache")[1]
    assert ", first token " in out and " tokens/s" in out
    # Unstreamed, nothing is measured, and nothing is made up.
    repo.write("commitgate.toml", "stream = false\n")
    doc = json.loads(run(capsys, "--format", "json", "--no-cache")[1])
    assert doc["speed"]["first_token_seconds"] is None and doc["speed"]["not_measured"] >= 1
    assert "speed not measured (stream = false)" in run(capsys, "--no-cache")[1]

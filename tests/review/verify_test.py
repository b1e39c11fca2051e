"""The second opinion, through the CLI against the loopback gateway."""

from __future__ import annotations

import json
from typing import Any

import pytest

from commitgate.main import main
from tests.conftest import GitRepo
from tests.fake_gateway import FakeGateway, ReviewInput, Status, marker_reviewer

MINI, CODEX = "openai/gpt-5.1-codex-mini", "openai/gpt-5.1-codex"


@pytest.fixture
def env(env: FakeGateway, repo: GitRepo) -> FakeGateway:
    repo.write("app.py", "def f(x):\n    return x\n")
    repo.stage()
    repo.commit()
    repo.write("app.py", "def f(x):\n    y = x / 0  # BUG:high\n    return y\n")
    repo.stage()
    return env


def verifier(answer: Any) -> Any:
    """Reviews with the planted markers; as the second opinion, answers `answer`."""

    def reviewer(ri: ReviewInput) -> Any:
        if ri.model == CODEX:
            return answer(ri) if callable(answer) else answer
        return marker_reviewer(ri)

    return reviewer


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any]]:
    code = main(["--format", "json", *args])
    return code, json.loads(capsys.readouterr().out)


def models(gw: FakeGateway) -> list[str]:
    return [(r.json or {}).get("model", "") for r in gw.posts]


def test_confirmed_finding_blocks(env: FakeGateway, capsys: pytest.CaptureFixture[str]) -> None:
    env.reviewer = verifier(marker_reviewer)
    code, doc = run(capsys)
    assert code == 1
    assert models(env) == [MINI, CODEX]
    [f] = doc["findings"]
    assert (f["model"], f["verified_by"], f["blocking"]) == (MINI, CODEX, True)
    body = env.posts[1].json or {}
    assert body["reasoning"] == {"effort": "medium"}
    assert "### CANDIDATES" in body["input"] and '"line": 2' in body["input"]
    assert "2+    y = x / 0" in body["input"]  # with the code it cites
    assert "Leave out every" in body["instructions"]


def test_dismissed_finding_does_not_block(
    env: FakeGateway, capsys: pytest.CaptureFixture[str]
) -> None:
    env.reviewer = verifier({"findings": []})
    code, doc = run(capsys)
    assert code == 0
    assert doc["findings"] == []
    [d] = doc["dismissed"]
    assert (d["line"], d["severity"], d["held"]) == (2, "high", f"dismissed by {CODEX}")
    main([])
    out = capsys.readouterr().out
    assert "dismissed" in out and "app.py:2" in out


def test_lowered_severity_does_not_block(
    env: FakeGateway, capsys: pytest.CaptureFixture[str]
) -> None:
    env.reviewer = verifier(
        {
            "findings": [
                {
                    "path": "app.py",
                    "line": 2,
                    "severity": "low",
                    "title": "minor",
                    "message": "only when x is 0, which callers never pass",
                }
            ]
        }
    )
    code, doc = run(capsys)
    assert code == 0
    [f] = doc["findings"]
    assert (f["severity"], f["title"], f["verified_by"], f["blocking"]) == (
        "low",
        "minor",
        CODEX,
        False,
    )


def test_new_findings_from_the_verifier_are_ignored(
    env: FakeGateway, capsys: pytest.CaptureFixture[str]
) -> None:
    env.reviewer = verifier(
        {
            "findings": [
                {
                    "path": "app.py",
                    "line": 1,
                    "severity": "critical",
                    "title": "other",
                    "message": "m",
                }
            ]
        }
    )
    code, doc = run(capsys)
    assert code == 0 and doc["findings"] == [] and len(doc["dismissed"]) == 1


def test_without_a_second_opinion_the_finding_stands(
    env: FakeGateway, capsys: pytest.CaptureFixture[str], repo: GitRepo
) -> None:
    env.reviewer = verifier(marker_reviewer)
    # The review first, alone, so that the next run takes it from the cache
    # and its only request is the second opinion, which then fails.
    repo.write("commitgate.toml", "verify = false\n")
    assert run(capsys)[0] == 1
    repo.write("commitgate.toml", "retries = 0\n")
    env.faults.append(Status(403))
    code, doc = run(capsys)
    assert code == 1
    assert models(env) == [MINI, CODEX]
    [f] = doc["findings"]
    assert f["blocking"] is True and f["verified_by"] == ""
    assert any("no second opinion from openai/gpt-5.1-codex" in n for n in doc["notes"])
    assert doc["reviewed"] is True


def test_second_opinions_are_cached(env: FakeGateway, capsys: pytest.CaptureFixture[str]) -> None:
    env.reviewer = verifier({"findings": []})
    assert run(capsys)[0] == 0
    code, doc = run(capsys)
    assert code == 0 and len(env.posts) == 2 and len(doc["dismissed"]) == 1


def test_verify_off(env: FakeGateway, capsys: pytest.CaptureFixture[str], repo: GitRepo) -> None:
    repo.write("commitgate.toml", "verify = false\n")
    env.reviewer = verifier({"findings": []})
    assert run(capsys)[0] == 1
    assert models(env) == [MINI]


def test_non_blocking_findings_are_not_verified(
    env: FakeGateway, capsys: pytest.CaptureFixture[str], repo: GitRepo
) -> None:
    repo.write("app.py", "def f(x):\n    y = x / 0  # BUG:low\n    return y\n")
    repo.stage()
    env.reviewer = verifier({"findings": []})
    code, doc = run(capsys)
    assert code == 0 and models(env) == [MINI] and len(doc["findings"]) == 1


def test_sensitive_paths_go_to_the_stronger_model_directly(
    env: FakeGateway, capsys: pytest.CaptureFixture[str], repo: GitRepo
) -> None:
    repo.write("commitgate.toml", 'sensitive = ["**/auth/**"]\n')
    repo.write("app/auth/login.py", "token = check()  # BUG:high\n")
    repo.stage()
    env.reviewer = marker_reviewer
    code, doc = run(capsys)
    assert code == 1
    # Two reviews (one per model), then the second opinion on app.py only.
    assert sorted(models(env)) == [CODEX, CODEX, MINI]
    by_path = {f["path"]: f for f in doc["findings"]}
    assert by_path["app/auth/login.py"]["model"] == CODEX
    assert by_path["app/auth/login.py"]["verified_by"] == ""  # decided by the stronger model
    assert by_path["app.py"]["verified_by"] == CODEX
    review_inputs = {
        (r.json or {})["model"]: (r.json or {})["input"]
        for r in env.posts
        if "### CANDIDATES" not in (r.json or {})["input"]
    }
    assert '"app/auth/login.py"' in review_inputs[CODEX]
    assert '"app/auth/login.py"' not in review_inputs[MINI]

"""Asking the model through the cache, within budgets, against the loopback gateway."""

from __future__ import annotations

import io
import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from commitgate import cache
from commitgate.main import main
from commitgate.progress import Progress
from commitgate.review import ask, plan, prompt
from tests.conftest import GitRepo
from tests.fake_gateway import FakeGateway


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any]]:
    code = main(["--format", "json", *args])
    return code, json.loads(capsys.readouterr().out)


def test_rerun_is_answered_from_the_cache(
    repo: GitRepo, env: FakeGateway, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write("a.py", "x = 1  # BUG:high\n")
    repo.write("b.py", "y = 2\n")
    repo.stage()
    code, first = run_json(capsys)
    assert code == 1 and len(env.posts) == 2  # the review, and the second opinion
    code, again = run_json(capsys)
    assert code == 1 and len(env.posts) == 2  # nothing sent: both came from the cache
    assert again["findings"] == [dict(f, cached=True) for f in first["findings"]]
    assert again["cache"] == {"units": 2, "cached": 2}
    assert main([]) == 1
    assert "(all from the cache)" in capsys.readouterr().out
    # --no-cache asks again.
    assert main(["--no-cache"]) == 1
    assert len(env.posts) == 4


def test_only_changed_content_is_sent_again(
    repo: GitRepo, env: FakeGateway, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write("a.py", "x = 1\n")
    repo.write("b.py", "y = 2\n")
    repo.stage()
    run_json(capsys)
    repo.write("b.py", "y = 3  # BUG:low\n")
    repo.stage()
    code, doc = run_json(capsys)
    assert code == 0
    [last] = env.posts[1:]
    body = (last.json or {})["input"]
    assert '"b.py"' in body and '"a.py"' not in body
    assert doc["cache"] == {"units": 2, "cached": 1}


def test_cache_key_depends_on_model_and_effort(
    repo: GitRepo,
    env: FakeGateway,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    repo.write("a.py", "x = 1\n")
    repo.stage()
    run_json(capsys)
    monkeypatch.setenv("COMMITGATE_MODEL", "openai/gpt-5.1-codex")
    run_json(capsys)
    repo.write("commitgate.toml", 'reasoning-effort = "high"\n')
    run_json(capsys)
    assert len(env.posts) == 3


def test_failed_answers_are_not_cached(
    repo: GitRepo, env: FakeGateway, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.fake_gateway import Answer

    repo.write("commitgate.toml", "on-error = 'fail'\nretries = 0\n")
    repo.write("a.py", "x = 1\n")
    repo.stage()
    env.faults.extend([Answer("garbage"), Answer("garbage")])
    assert run_json(capsys)[0] == 3
    assert run_json(capsys)[0] == 0
    assert len(env.posts) == 3


def test_findings_of_a_split_file_are_attributed_to_its_parts(
    repo: GitRepo, env: FakeGateway, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write("commitgate.toml", "max-request-tokens = 2000\n")
    lines = [f"value_{i} = compute({i})" for i in range(1, 1201)]
    lines[99] += "  # BUG:high"
    lines[1099] += "  # BUG:medium"
    repo.write("big.py", "\n".join(lines) + "\n")
    repo.stage()
    code, doc = run_json(capsys)
    assert code == 1
    assert len(env.posts) > 3
    assert [(f["line"], f["severity"]) for f in doc["findings"]] == [
        (100, "high"),
        (1100, "medium"),
    ]
    code, again = run_json(capsys)
    assert [(f["line"], f["cached"]) for f in again["findings"]] == [
        (100, True),
        (1100, True),
    ]


def test_run_token_budget(
    repo: GitRepo, env: FakeGateway, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write(
        "commitgate.toml",
        "max-request-tokens = 2000\nmax-run-tokens = 6000\n"
        "max-concurrency = 1\non-error = 'fail'\n",
    )
    for i in range(8):
        repo.write(f"f{i}.py", "".join(f"v{i}_{n} = {n}\n" for n in range(300)))
    repo.stage()
    code, doc = run_json(capsys)
    assert code == 3
    assert 1 <= len(env.posts) < 8
    assert any("not sent: the run would have passed its budget" in n for n in doc["notes"])
    assert doc["usage"]["input_tokens"] + doc["usage"]["output_tokens"] <= 6000
    reasons = {nr["reason"] for nr in doc["not_reviewed"]}
    assert reasons == {"not sent: the run's token budget (max-run-tokens = 6,000) is spent"}
    assert "token budget" in str(doc["reason"])


def test_attribute_keeps_strays_with_the_first_unit() -> None:
    u1 = prompt.Unit("a.py", "t", 1, 10)
    u2 = prompt.Unit("a.py", "t", 11, 20)
    u3 = prompt.Unit("b.py", "t", 1, 5)
    batch = plan.Batch((u1, u2, u3), 3)
    raw = [{"path": "a.py", "line": 15}, {"path": "b.py", "line": 99}, {"path": "zz"}, "junk"]
    assert ask._attribute(batch, raw) == [
        [{"path": "zz"}, "junk"],
        [{"path": "a.py", "line": 15}],
        [{"path": "b.py", "line": 99}],
    ]


def test_two_runs_at_once_share_the_cache_safely(
    repo: GitRepo, env: FakeGateway, tmp_path: Path
) -> None:
    env.latency = 0.3
    repo.write("commitgate.toml", "max-request-tokens = 2000\n")
    for i in range(12):
        repo.write(f"f{i}.py", "".join(f"v{i}_{n} = {n}\n" for n in range(150)))
    repo.stage()
    wt = tmp_path / "second"
    repo.git("commit", "-q", "-m", "base")
    repo.git("worktree", "add", "-q", str(wt))
    for i in range(12):
        (repo.path / f"f{i}.py").write_text(f"changed_{i} = 1\n" * 150)
        (wt / f"f{i}.py").write_text(f"changed_{i} = 1\n" * 150)
    repo.stage()
    subprocess.run(["git", "add", "-A"], cwd=wt, check=True)
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "commitgate"],
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for cwd in (repo.path, wt, repo.path)
    ]
    outputs = [p.communicate(timeout=60)[0] for p in procs]
    assert all(p.returncode == 0 for p in procs), outputs
    db = sqlite3.connect(repo.path / ".git" / "commitgate" / cache.FILE_NAME)
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    db.close()
    sent = len(env.posts)
    assert main([]) == 0
    assert len(env.posts) == sent  # everything was cached by one of them


def test_progress_draws_and_clears() -> None:
    out = io.StringIO()
    p = Progress(out)
    p.start(3)
    p.update(1, 2)
    p.finish()
    text = out.getvalue()
    assert "0/3 requests" in text and "1/3 requests" in text and "2 findings so far" in text
    assert text.endswith("\r\x1b[K")
    quiet = io.StringIO()
    q = Progress(quiet)
    q.start(1)
    q.update(1, 0)
    q.finish()
    assert quiet.getvalue() == ""


def test_the_key_is_made_of_what_decides_a_verdict() -> None:
    u = prompt.Unit("a.py", "text", 1, 1)
    key = ask.unit_key(u, "m", "low", "one")
    assert key == ask.unit_key(u, "m", "low", "one")
    assert key != ask.unit_key(u, "m", "low", "two")
    assert key != ask.unit_key(u, "m", "high", "one")
    assert key != ask.unit_key(u, "n", "low", "one")
    assert key != ask.unit_key(prompt.Unit("a.py", "texT", 1, 1), "m", "low", "one")


def test_run_cost_budget(
    repo: GitRepo,
    env: FakeGateway,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    repo.write(
        "commitgate.toml",
        "max-request-tokens = 2000\nmax-concurrency = 1\non-error = 'fail'\nmax-run-cost = 0.02\n"
        "escalate = {}\n",
    )
    for i in range(4):
        repo.write(f"f{i}.py", "".join(f"v{i}_{n} = {n}\n" for n in range(300)))
    repo.stage()
    # Each request is estimated at its input and 4,000 output tokens (about
    # $0.009 with codex-mini) before it is sent, and counted at its real
    # price after: small answers leave room for all four.
    code, doc = run_json(capsys)
    assert code == 0 and len(env.posts) == 4
    repo.write(
        "commitgate.toml",
        "max-request-tokens = 2000\non-error = 'fail'\nmax-run-cost = 0.005\ncache = false\n"
        "escalate = {}\n",
    )
    code, doc = run_json(capsys)
    assert code == 3 and len(env.posts) == 4  # no request fits: none is sent
    assert "max-run-cost = $0.005" in str(doc["reason"])
    monkeypatch.setenv("COMMITGATE_MODEL", "local/unpriced")
    code, doc = run_json(capsys)
    assert code == 3 and len(env.posts) == 4
    assert "no price is known for local/unpriced" in str(doc["reason"])


def test_a_large_change_is_escalated_and_says_why(
    repo: GitRepo, env: FakeGateway, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write("commitgate.toml", "verify = false\nescalate = { files = 3 }\n")
    for i in range(4):
        repo.write(f"m{i}.py", f"v = {i}\n")
    repo.stage()
    code, doc = run_json(capsys)
    assert code == 0
    assert {p.json["model"] for p in env.posts} == {"openai/gpt-5.1-codex"}
    assert doc["escalated"] == "5 files > 3" and doc["model"] == "openai/gpt-5.1-codex"
    main(["--no-cache"])
    assert "by openai/gpt-5.1-codex at 127.0.0.1 (escalated: 5 files > 3)" in (
        capsys.readouterr().out
    )
    # Below the limits: the everyday model; a sensitive file: the stronger one.
    repo.commit()
    repo.write("commitgate.toml", "verify = false\nsensitive = ['auth/**']\n")
    repo.write("auth/login.py", "ok = True\n")
    repo.write("m0.py", "v = 10\n")
    repo.stage()
    env.requests.clear()
    _, doc = run_json(capsys)
    assert doc["escalated"] is None
    models = sorted(p.json["model"] for p in env.posts)
    assert models == ["openai/gpt-5.1-codex", "openai/gpt-5.1-codex-mini"]
    # Whole files are never escalated.
    env.requests.clear()
    repo.write("commitgate.toml", "verify = false\nescalate = { files = 1 }\n")
    _, doc = run_json(capsys, "--all-files", "--no-cache")
    assert doc["escalated"] is None
    assert {p.json["model"] for p in env.posts} == {"openai/gpt-5.1-codex-mini"}

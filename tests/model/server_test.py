"""A server that is not the gateway: found out, adapted to once, remembered
(issue 12). Through the command line against the loopback server, scripted
to answer as llama.cpp's llama-server and llama-cpp-python do (see
tests/realserver/PROBE.md); tests/realserver runs the real ones."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from commitgate.main import main
from commitgate.model import server
from tests.conftest import GitRepo
from tests.fake_gateway import (
    EmptyStream,
    FakeGateway,
    Interrupted,
    SlowHeaders,
    Status,
    marker_reviewer,
)

LOCAL = "local/qwen2.5-coder"  # a model that takes sampling settings
SERVED = "/models/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
LLAMA_SERVER: list[dict[str, Any]] = [
    {
        "id": SERVED,
        "object": "model",
        "owned_by": "llamacpp",
        "meta": {"n_ctx": 4096, "n_ctx_train": 32768},
    }
]
LLAMA_CPP_PYTHON: list[dict[str, Any]] = [
    {"id": "models/x.gguf", "object": "model", "owned_by": "me"}
]
VALIDATION = (
    "1 validation error:\n  {'type': 'literal_error', 'loc': ('body', 'response_format', "
    "'type'), 'msg': \"Input should be 'text' or 'json_object'\", 'input': 'json_schema'}"
)


@pytest.fixture
def local(env: FakeGateway, repo: GitRepo, monkeypatch: pytest.MonkeyPatch) -> FakeGateway:
    """The loopback server as a local one: no key needed, its own model list."""
    monkeypatch.delenv("AI_GATEWAY_API_KEY")
    monkeypatch.setenv("COMMITGATE_MODEL", LOCAL)
    env.require_auth = False
    env.models = LLAMA_CPP_PYTHON
    repo.write("commitgate.toml", "verify = false\nretries = 1\nretry-backoff = 0.01\n")
    repo.stage()
    repo.commit()
    return env


def stage(repo: GitRepo, n: int = 1) -> None:
    for i in range(n):
        repo.write(f"m{i}.py", "".join(f"v{i}_{k} = {k}  # padding\n" for k in range(60)))
    repo.write("app.py", "def f(x):\n    return x / 0  # BUG:high\n")
    repo.stage()


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any]]:
    code = main(["--format", "json", *args])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    doc: dict[str, Any] = json.loads(out)
    return code, doc


def paths(gw: FakeGateway) -> list[str]:
    return [r.path for r in gw.requests]


def remembered(repo: GitRepo) -> dict[str, Any]:
    data: dict[str, dict[str, Any]] = json.loads((repo.path / ".git" / server.FILE).read_text())
    [entry] = data.values()
    return entry


def test_a_llama_server_is_found_out_and_remembered(
    local: FakeGateway, repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    local.models = LLAMA_SERVER
    local.served_model = SERVED
    local.reviewer = marker_reviewer
    stage(repo, 6)
    code, doc = run(capsys)
    assert code == 1 and doc["reviewed"]
    posts = local.posts
    assert {p.path for p in posts} == {"/v1/chat/completions"}  # not /responses
    for p in posts:
        # Each request fits the 4,096 tokens the server said it holds.
        assert len(p.body) / 3.2 + p.json["max_tokens"] < 4096
    assert len(posts) > 1
    assert doc["served_by"] == {LOCAL: SERVED}
    assert doc["usage"]["cost_usd"] is None  # no price list: no made-up dollars
    entry = remembered(repo)
    assert (entry["api"], entry["window"]) == ("chat", 4096)
    local.requests.clear()
    run(capsys, "--no-cache")
    assert "/v1/models" not in paths(local)  # asked once a day


def test_a_refused_answer_format_is_changed_once_and_remembered(
    local: FakeGateway, repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    local.reviewer = marker_reviewer
    local.faults.append(Status(500, message=VALIDATION, error_type="internal_server_error"))
    stage(repo)
    code, doc = run(capsys)
    assert code == 1
    first, second = local.posts
    assert first.json["response_format"]["type"] == "json_schema"
    assert second.json["response_format"] == {
        "type": "json_object",
        "schema": first.json["response_format"]["json_schema"]["schema"],
    }
    assert any("refused the answer format json_schema" in n for n in doc["notes"])
    assert doc["usage"]["attempts"] == 2
    local.requests.clear()
    run(capsys, "--no-cache")
    assert local.posts[0].json["response_format"]["type"] == "json_object"


def test_the_last_answer_format_puts_the_schema_in_the_instructions(
    local: FakeGateway, repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    local.reviewer = marker_reviewer
    refused = Status(500, message=VALIDATION.replace("json_schema", "json_object"))
    local.faults += [refused, refused]
    stage(repo)
    code, _ = run(capsys)
    assert code == 1
    last = local.posts[-1].json
    assert last["response_format"] == {"type": "json_object"}
    assert "follows this JSON schema" in last["messages"][0]["content"]


def test_a_validation_error_is_not_retried_as_an_outage(
    local: FakeGateway, repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    local.faults += [Status(500, message="2 validation errors: max_tokens is not an integer")]
    stage(repo)
    _, doc = run(capsys)
    assert len(local.posts) == 1
    assert "refused the request as invalid" in doc["reason"] and "not retried" in doc["reason"]


def test_no_responses_endpoint_switches_to_chat(
    local: FakeGateway, repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    local.reviewer = marker_reviewer
    repo.write("commitgate.toml", 'verify = false\napi = "responses"\n')
    local.faults.append(Status(404, body={"detail": "Not Found"}))
    stage(repo)
    code, doc = run(capsys)
    assert code == 1
    assert [p.path for p in local.posts] == ["/v1/responses", "/v1/chat/completions"]
    assert any("switched to chat completions" in n for n in doc["notes"])


def test_a_prompt_larger_than_the_context_is_split_again(
    local: FakeGateway, repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    """llama-cpp-python tells its context size only when a prompt does not fit."""
    local.reviewer = marker_reviewer
    too_large = (
        "This model's maximum context length is 4096 tokens. However, you requested 9000 "
        "tokens (8000 in the messages, 1000 in the completion)."
    )
    body = {"error": {"message": too_large, "type": "invalid_request_error",
                      "param": "messages", "code": "context_length_exceeded"}}  # fmt: skip
    local.faults.append(Status(400, body=body))
    stage(repo, 12)
    code, doc = run(capsys)
    assert code == 1 and doc["reviewed"], doc["reason"]
    first, *rest = local.posts
    assert len(first.body) / 3.2 > 4096 and len(rest) > 1
    assert all(len(p.body) / 3.2 + p.json["max_tokens"] < 4096 for p in rest)
    assert any("holds 4,096 tokens a request (as it counts them)" in n for n in doc["notes"])
    assert remembered(repo)["window"] == 4096


def test_too_large_even_split_names_max_request_tokens(
    local: FakeGateway, repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    said = "request (9000 tokens) exceeds the available context size (2048 tokens)"
    big = Status(400, message=said, error_type="exceed_context_size_error")
    local.faults += [big] * 20
    stage(repo, 2)
    _, doc = run(capsys)
    assert not doc["reviewed"]
    assert "Lower max-request-tokens (now 32,000)" in doc["reason"]


def test_an_empty_stream_is_asked_again_whole(
    local: FakeGateway, repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    local.reviewer = marker_reviewer
    local.faults.append(EmptyStream())
    stage(repo)
    code, _ = run(capsys)
    assert code == 1
    first, second = local.posts
    assert first.json["stream"] is True and second.json["stream"] is False


def test_an_interrupted_stream_is_a_cut_not_an_answer(
    local: FakeGateway, repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    local.reviewer = marker_reviewer
    local.faults.append(Interrupted())
    stage(repo)
    code, doc = run(capsys)
    assert code == 1 and len(local.posts) == 2 and doc["usage"]["attempts"] == 2


def test_cut_streams_under_load_lower_the_concurrency(
    local: FakeGateway, repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    local.reviewer = marker_reviewer
    local.latency = 0.3  # so that the four are in flight together
    repo.write("commitgate.toml", "verify = false\nmax-request-tokens = 2000\nretries = 3\n")
    local.faults += [Interrupted()] * 3
    stage(repo, 6)
    code, doc = run(capsys)
    assert code == 1 and doc["reviewed"]
    note = next(n for n in doc["notes"] if "cut a stream while" in n)
    assert "for the rest of the run" in note and "max-concurrency" in note
    assert remembered(repo)["slots"] < 4


def test_usage_not_reported_is_estimated_and_said(
    local: FakeGateway, repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    local.stream_usage = False
    stage(repo)
    _, doc = run(capsys)
    assert doc["usage"]["input_tokens"] > 100 and doc["usage"]["estimated_usage"] == 1
    main(["--no-cache"])
    assert "(estimated: 1 of 1 answer reported no usage)" in capsys.readouterr().out


def test_a_refused_temperature_is_dropped_and_remembered(
    local: FakeGateway, repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    local.reviewer = marker_reviewer
    local.faults.append(
        Status(
            400, message="Unsupported parameter: 'temperature' is not supported with this model."
        )
    )
    stage(repo)
    code, doc = run(capsys)
    assert code == 1
    first, second = local.posts
    assert first.json["temperature"] == 0 and first.json["seed"] == 0
    assert "temperature" not in second.json and "seed" not in second.json
    assert any("sent without a temperature or seed" in n for n in doc["notes"])
    local.requests.clear()
    run(capsys, "--no-cache")
    assert "temperature" not in local.posts[0].json


@pytest.mark.parametrize("models", [LLAMA_SERVER, LLAMA_CPP_PYTHON], ids=["llama", "python"])
def test_a_local_server_under_the_default_model_name_is_sent_a_temperature(
    local: FakeGateway,
    repo: GitRepo,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    models: list[dict[str, Any]],
) -> None:
    # A user who points base-url at llama-server and leaves `model` as it is:
    # the server answers with its one model, which samples at 0.8 unless told.
    monkeypatch.delenv("COMMITGATE_MODEL")
    local.models = models
    local.served_model = models[0]["id"]
    local.reviewer = marker_reviewer
    stage(repo)
    code, _ = run(capsys)
    assert code == 1
    [post] = local.posts
    assert post.json["model"] == "openai/gpt-5.1-codex-mini"
    assert post.json["temperature"] == 0 and post.json["seed"] == 0
    assert remembered(repo)["serves"] == models[0]["id"]
    # Remembered for the day: the next run knows before it asks.
    local.requests.clear()
    run(capsys, "--no-cache")
    assert "/v1/models" not in paths(local)
    assert local.posts[0].json["temperature"] == 0


def test_no_sampling_settings_for_reasoning_models(
    env: FakeGateway, repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    stage(repo)
    run(capsys)
    body = env.posts[0].json
    assert "temperature" not in body and "seed" not in body  # gpt-5.1-codex-mini reasons


def test_unstreamed_a_timeout_is_not_sent_again(
    local: FakeGateway, repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write("commitgate.toml", "verify = false\nstream = false\ntimeout = 0.3\nretries = 3\n")
    local.faults.append(SlowHeaders(2))
    stage(repo)
    _, doc = run(capsys)
    assert len(local.posts) == 1
    assert "set stream = true, or raise timeout" in doc["reason"]


def test_a_stale_profile_is_found_out_again(tmp_path: Path) -> None:
    key = "http://127.0.0.1:1/v1"
    server.save(str(tmp_path), key, server.Profile(api="chat", window=2048, checked_at=1.0))
    profile = server.load(str(tmp_path), key)
    assert (profile.api, profile.window) == ("chat", 2048) and not profile.fresh()
    (tmp_path / server.FILE).write_text("{not json")
    assert server.load(str(tmp_path), key) == server.Profile()


def test_a_refused_reasoning_effort_is_dropped_said_and_remembered(
    env: FakeGateway, repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    """Codex's presets give gpt-5.1-codex-mini medium and high only; a model
    that refuses the effort asked for gets none: its own default."""
    env.reviewer = marker_reviewer
    refusal = (
        "Unsupported value: 'reasoning.effort' does not support 'medium' with this model. "
        "Supported values are: 'high'."
    )
    env.faults.append(Status(400, message=refusal, error_type="invalid_request_error"))
    repo.write("commitgate.toml", "verify = false\n")
    stage(repo)
    code, doc = run(capsys)
    assert code == 1
    first, second = env.posts
    assert first.json["reasoning"] == {"effort": "medium"} and "reasoning" not in second.json
    assert any("sent without a reasoning effort" in n for n in doc["notes"])
    env.requests.clear()
    run(capsys, "--no-cache")
    assert "reasoning" not in env.posts[0].json

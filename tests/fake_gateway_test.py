"""Tests for the fake gateway: wire shapes against the published schemas, faults, helpers."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from decimal import Decimal
from typing import Any, Optional

import httpx
import pytest

from tests.fake_gateway import (
    CHAT_ONLY_RESPONSES_MESSAGE,
    Answer,
    CutStream,
    Drop,
    Failed,
    FakeGateway,
    Incomplete,
    ReviewInput,
    SlowHeaders,
    StallMidStream,
    Status,
    marker_reviewer,
)
from tests.openai_schema import validator

MODEL = "openai/gpt-5.1-codex-mini"
TOKEN = "test-token"

REVIEW_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "findings": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "path": {"type": "string"},
                    "line": {"type": "integer"},
                    "severity": {"enum": ["critical", "high", "medium", "low", "info"]},
                    "title": {"type": "string"},
                    "message": {"type": "string"},
                },
                "required": ["path", "line", "severity", "title", "message"],
                "additionalProperties": False,
            },
        }
    },
    "required": ["findings"],
    "additionalProperties": False,
}

GATEWAY_OPTIONS: dict[str, Any] = {
    "gateway": {"zeroDataRetention": True, "order": ["azure", "openai"], "tags": ["t"]}
}


def responses_body(stream: bool = False, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "model": MODEL,
        "instructions": "You review code.",
        "input": '### FILE "a.py" (modified)\n1+x = 1\n',
        "reasoning": {"effort": "low"},
        "text": {
            "format": {
                "type": "json_schema",
                "name": "review",
                "schema": REVIEW_SCHEMA,
                "strict": True,
            }
        },
        "max_output_tokens": 8000,
        "stream": stream,
        "store": False,
        "providerOptions": GATEWAY_OPTIONS,
    }
    body.update(extra)
    return body


def chat_body(stream: bool = False, include_usage: bool = True, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "model": MODEL,
        "messages": [
            {"role": "system", "content": "You review code."},
            {"role": "user", "content": '### FILE "a.py" (modified)\n1+x = 1\n'},
        ],
        "response_format": {
            "type": "json_schema",
            "json_schema": {"name": "review", "schema": REVIEW_SCHEMA, "strict": True},
        },
        "max_tokens": 8000,
        "stream": stream,
        "providerOptions": GATEWAY_OPTIONS,
    }
    if stream and include_usage:
        body["stream_options"] = {"include_usage": True}
    body.update(extra)
    return body


def iter_sse(response: httpx.Response) -> Iterator[tuple[Optional[str], str]]:
    """(event name or None, data) for each SSE event, as it arrives."""
    event: Optional[str] = None
    data: list[str] = []
    for line in response.iter_lines():
        if line == "":
            if data:
                yield event, "\n".join(data)
            event, data = None, []
        elif line.startswith("event:"):
            event = line[len("event:") :].strip()
        elif line.startswith("data:"):
            data.append(line[len("data:") :].lstrip(" "))
    if data:
        yield event, "\n".join(data)


def stream_events(
    client: httpx.Client,
    path: str,
    body: dict[str, Any],
    got: list[tuple[Optional[str], str]],
    timeout: Optional[httpx.Timeout] = None,
) -> None:
    """POST a streamed request; append events to ``got`` (kept even if reading fails)."""
    extra: dict[str, Any] = {} if timeout is None else {"timeout": timeout}
    with client.stream("POST", path, json=body, **extra) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        for item in iter_sse(response):
            got.append(item)


def responses_events(client: httpx.Client, body: dict[str, Any]) -> list[dict[str, Any]]:
    got: list[tuple[Optional[str], str]] = []
    stream_events(client, "/responses", body, got)
    events = [json.loads(data) for _, data in got]
    for (name, _), event in zip(got, events):
        assert name == event["type"]
    return events


def chat_chunks(client: httpx.Client, body: dict[str, Any]) -> list[str]:
    got: list[tuple[Optional[str], str]] = []
    stream_events(client, "/chat/completions", body, got)
    assert all(name is None for name, _ in got)
    return [data for _, data in got]


def answer_text(response_json: dict[str, Any]) -> str:
    message = next(item for item in response_json["output"] if item["type"] == "message")
    return "".join(part["text"] for part in message["content"])


def new_client(**kwargs: Any) -> httpx.Client:
    """An httpx client for loopback tests.

    ``trust_env=False``: no proxy from the environment may reroute loopback traffic.
    ``verify=False``: plain HTTP only, and it skips loading the CA bundle (~40 ms a client).
    """
    kwargs.setdefault("timeout", 5.0)
    return httpx.Client(trust_env=False, verify=False, **kwargs)


def post(url: str, **kwargs: Any) -> httpx.Response:
    with new_client() as c:
        return c.post(url, **kwargs)


def get(url: str, **kwargs: Any) -> httpx.Response:
    with new_client() as c:
        return c.get(url, **kwargs)


@pytest.fixture
def gw() -> Iterator[FakeGateway]:
    with FakeGateway() as gateway:
        yield gateway


@pytest.fixture
def client(gw: FakeGateway) -> Iterator[httpx.Client]:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    with new_client(base_url=gw.base_url, headers=headers) as c:
        yield c


# --------------------------------------------------------------------------- schemas


def test_sample_request_bodies_validate() -> None:
    validator("CreateResponse").validate(responses_body(stream=True))
    validator("CreateResponse").validate(responses_body())
    validator("CreateChatCompletionRequest").validate(chat_body(stream=True))
    validator("CreateChatCompletionRequest").validate(chat_body())
    # The validators are not vacuous.
    assert not validator("CreateChatCompletionRequest").is_valid({"model": MODEL, "messages": []})
    assert not validator("CreateResponse").is_valid({"model": MODEL, "reasoning": {"effort": "x"}})


def test_stream_chunk_schema_tolerates_null_finish_reason_only_as_null() -> None:
    chunk: dict[str, Any] = {
        "id": "gen_1",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": MODEL,
        "choices": [{"index": 0, "delta": {"content": "a"}, "finish_reason": None}],
    }
    validator("CreateChatCompletionStreamResponse").validate(chunk)
    chunk["choices"][0]["finish_reason"] = "bogus"
    assert not validator("CreateChatCompletionStreamResponse").is_valid(chunk)


def test_responses_non_streamed(gw: FakeGateway, client: httpx.Client) -> None:
    gw.reviewer = lambda review_input: '{"findings": [], "x": 1}'
    body = responses_body()
    response = client.post("/responses", json=body)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    data = response.json()
    validator("Response").validate(data)
    assert data["id"].startswith("gen_")
    assert data["object"] == "response"
    assert data["status"] == "completed"
    assert [item["type"] for item in data["output"]] == ["reasoning", "message"]
    assert answer_text(data) == '{"findings": [], "x": 1}'
    usage = data["usage"]
    sent = len(response.request.content)
    assert usage["input_tokens"] == -(-sent // 4)
    assert usage["input_tokens_details"]["cached_tokens"] == 0
    assert usage["output_tokens_details"]["reasoning_tokens"] == gw.reasoning_tokens
    assert usage["total_tokens"] == usage["input_tokens"] + usage["output_tokens"]
    assert "cost" not in usage
    assert data["model"] == MODEL


def test_responses_stream_events_validate(gw: FakeGateway, client: httpx.Client) -> None:
    events = responses_events(client, responses_body(stream=True))
    event_validator = validator("ResponseStreamEvent")
    for event in events:
        event_validator.validate(event)
    types = [event["type"] for event in events]
    assert types[:2] == ["response.created", "response.in_progress"]
    assert types[-1] == "response.completed"
    for expected in (
        "response.output_item.added",
        "response.content_part.added",
        "response.output_text.done",
        "response.content_part.done",
        "response.output_item.done",
    ):
        assert expected in types
    assert types.count("response.output_text.delta") >= 2
    assert [event["sequence_number"] for event in events] == list(range(len(events)))
    deltas = "".join(e["delta"] for e in events if e["type"] == "response.output_text.delta")
    assert json.loads(deltas) == {"findings": []}
    done = next(e for e in events if e["type"] == "response.output_text.done")
    assert done["text"] == deltas
    final = events[-1]["response"]
    validator("Response").validate(final)
    assert final["status"] == "completed"
    assert answer_text(final) == deltas
    assert final["usage"]["output_tokens"] > 0
    assert final["id"] == events[0]["response"]["id"]


def test_chat_non_streamed(client: httpx.Client) -> None:
    response = client.post("/chat/completions", json=chat_body())
    assert response.status_code == 200
    data = response.json()
    validator("CreateChatCompletionResponse").validate(data)
    assert data["object"] == "chat.completion"
    assert data["choices"][0]["finish_reason"] == "stop"
    assert json.loads(data["choices"][0]["message"]["content"]) == {"findings": []}
    usage = data["usage"]
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]
    assert usage["prompt_tokens_details"]["cached_tokens"] == 0


def test_chat_stream_chunks_validate(client: httpx.Client) -> None:
    raw = chat_chunks(client, chat_body(stream=True))
    assert raw[-1] == "[DONE]"
    chunks = [json.loads(item) for item in raw[:-1]]
    chunk_validator = validator("CreateChatCompletionStreamResponse")
    for chunk in chunks:
        chunk_validator.validate(chunk)
    assert chunks[0]["choices"][0]["delta"]["role"] == "assistant"
    content = [chunk for chunk in chunks if chunk["choices"]][1:]
    assert len(content) >= 2
    assert [c["choices"][0]["finish_reason"] for c in content] == [None] * (len(content) - 1) + [
        "stop"
    ]
    text = "".join(c["choices"][0]["delta"]["content"] for c in content)
    assert json.loads(text) == {"findings": []}
    last = chunks[-1]
    assert last["choices"] == []
    assert last["usage"]["completion_tokens"] > 0
    assert all(chunk["usage"] is None for chunk in chunks[:-1])
    assert len({chunk["id"] for chunk in chunks}) == 1


def test_chat_stream_without_include_usage(client: httpx.Client) -> None:
    raw = chat_chunks(client, chat_body(stream=True, include_usage=False))
    assert raw[-1] == "[DONE]"
    chunks = [json.loads(item) for item in raw[:-1]]
    assert all(chunk["choices"] for chunk in chunks)
    assert all("usage" not in chunk for chunk in chunks)


def test_chat_stream_reasoning_delta(gw: FakeGateway, client: httpx.Client) -> None:
    gw.chat_reasoning = "thinking..."
    chunks = [json.loads(c) for c in chat_chunks(client, chat_body(stream=True))[:-1]]
    for chunk in chunks:
        validator("CreateChatCompletionStreamResponse").validate(chunk)
    assert chunks[1]["choices"][0]["delta"] == {"reasoning": "thinking..."}


def test_usage_cost(gw: FakeGateway, client: httpx.Client) -> None:
    gw.usage_cost = 0.00123
    data = client.post("/responses", json=responses_body()).json()
    validator("Response").validate(data)
    assert data["usage"]["cost"] == 0.00123
    events = responses_events(client, responses_body(stream=True))
    assert events[-1]["response"]["usage"]["cost"] == 0.00123
    data = client.post("/chat/completions", json=chat_body()).json()
    assert data["usage"]["cost"] == 0.00123
    chunks = [json.loads(c) for c in chat_chunks(client, chat_body(stream=True))[:-1]]
    validator("CreateChatCompletionStreamResponse").validate(chunks[-1])
    assert chunks[-1]["usage"]["cost"] == 0.00123


@pytest.mark.parametrize("include_usage", [True, False])
def test_provider_metadata_cost(gw: FakeGateway, client: httpx.Client, include_usage: bool) -> None:
    gw.provider_metadata_cost = "0.000123"
    expected = {"gateway": {"cost": "0.000123"}}
    data = client.post("/responses", json=responses_body()).json()
    validator("Response").validate(data)
    assert data["providerMetadata"] == expected
    assert "cost" not in data["usage"]
    events = responses_events(client, responses_body(stream=True))
    assert events[-1]["response"]["providerMetadata"] == expected
    assert all("providerMetadata" not in event["response"] for event in events[:2])
    assert client.post("/chat/completions", json=chat_body()).json()["providerMetadata"] == (
        expected
    )
    body = chat_body(stream=True, include_usage=include_usage)
    chunks = [json.loads(c) for c in chat_chunks(client, body)[:-1]]
    assert chunks[-1]["providerMetadata"] == expected
    assert all("providerMetadata" not in chunk for chunk in chunks[:-1])


def test_cached_tokens_are_reported(gw: FakeGateway, client: httpx.Client) -> None:
    gw.cached_tokens = 10
    data = client.post("/responses", json=responses_body()).json()
    assert data["usage"]["input_tokens_details"]["cached_tokens"] == 10
    data = client.post("/chat/completions", json=chat_body()).json()
    assert data["usage"]["prompt_tokens_details"]["cached_tokens"] == 10


def test_prompt_cache_holds_a_long_common_prefix(gw: FakeGateway, client: httpx.Client) -> None:
    def cached(body: dict[str, Any]) -> int:
        usage = client.post("/responses", json=body).json()["usage"]
        return int(usage["input_tokens_details"]["cached_tokens"])

    gw.prompt_cache = True
    long = "Review rules. " * 400  # about 1,400 tokens
    assert cached(responses_body(instructions=long)) == 0  # the first sees nothing
    hit = cached(responses_body(instructions=long, input="another change"))
    assert hit >= 1024 and hit % 128 == 0
    # Another key, another cache; a short prefix is not cached at all.
    assert cached(responses_body(instructions=long, prompt_cache_key="other")) == 0
    assert cached(responses_body()) == 0
    assert cached(responses_body(input="x")) == 0
    gw.prompt_cache = False
    assert cached(responses_body(instructions=long)) == 0


# --------------------------------------------------------------------------- models, auth


def test_models_list_needs_no_auth(gw: FakeGateway) -> None:
    response = get(gw.base_url + "/models")
    assert response.status_code == 200
    data = response.json()
    assert data["object"] == "list"
    by_id = {model["id"]: model for model in data["data"]}
    assert set(by_id) == {
        "openai/gpt-5.1-codex-mini",
        "openai/gpt-5.1-codex",
        "openai/gpt-5.1-codex-max",
    }
    per_million = {
        "openai/gpt-5.1-codex-mini": ("0.25", "2.00", "0.025"),
        "openai/gpt-5.1-codex": ("1.25", "10", "0.125"),
        "openai/gpt-5.1-codex-max": ("1.25", "10", "0.125"),
    }
    for model_id, (inp, out, cached) in per_million.items():
        model = by_id[model_id]
        pricing = model["pricing"]
        assert all(isinstance(value, str) for value in pricing.values())
        assert Decimal(pricing["input"]) * 1_000_000 == Decimal(inp)
        assert Decimal(pricing["output"]) * 1_000_000 == Decimal(out)
        assert Decimal(pricing["input_cache_read"]) * 1_000_000 == Decimal(cached)
        assert model["context_window"] == 400_000
        assert model["max_tokens"] == 128_000


def test_models_faults_are_separate(gw: FakeGateway, client: httpx.Client) -> None:
    gw.models_faults.extend([Status(503), Answer("not json")])
    gw.faults.append(Status(500))
    assert client.get("/models").status_code == 503
    assert client.get("/models").text == "not json"
    assert client.get("/models").status_code == 200
    assert client.post("/responses", json=responses_body()).status_code == 500


@pytest.mark.parametrize("authorization", [None, "", "Bearer", "Basic abc", "bearer"], ids=repr)
def test_missing_or_malformed_auth_is_401(gw: FakeGateway, authorization: Optional[str]) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    for path, body in (("/responses", responses_body()), ("/chat/completions", chat_body())):
        response = post(gw.base_url + path, json=body, headers=headers)
        assert response.status_code == 401
        assert response.json()["error"]["type"] == "authentication_error"
        assert isinstance(response.json()["error"]["message"], str)


def test_valid_tokens(gw: FakeGateway) -> None:
    gw.valid_tokens = {"good"}
    gw.faults.append(Status(503))
    bad = post(
        gw.base_url + "/responses",
        json=responses_body(),
        headers={"Authorization": "Bearer bad"},
    )
    assert bad.status_code == 401
    assert bad.json()["error"]["type"] == "authentication_error"
    assert "bad" not in bad.json()["error"]["message"]
    # A 401 consumed no fault.
    assert len(gw.faults) == 1
    good = post(
        gw.base_url + "/responses",
        json=responses_body(),
        headers={"Authorization": "Bearer good"},
    )
    assert good.status_code == 503


def test_chat_unsupported_models(gw: FakeGateway, client: httpx.Client) -> None:
    gw.chat_unsupported_models = {MODEL}
    gw.faults.append(Answer("from responses"))
    for stream in (False, True):
        response = client.post("/chat/completions", json=chat_body(stream=stream))
        assert response.status_code == 400
        error = response.json()["error"]
        assert error["message"] == CHAT_ONLY_RESPONSES_MESSAGE
        assert error["type"] == "invalid_request_error"
    # Neither refusal consumed the fault; the Responses API serves the model.
    assert answer_text(client.post("/responses", json=responses_body()).json()) == (
        "from responses"
    )
    other = client.post("/chat/completions", json=chat_body(model="openai/gpt-5.1-codex"))
    assert other.status_code == 200


def test_recorded_requests(gw: FakeGateway, client: httpx.Client) -> None:
    body = responses_body()
    client.post("/responses", json=body, headers={"X-Title": "commitgate"})
    client.get("/models?x=1")
    first, second = gw.requests
    assert first.method == "POST"
    assert first.path == "/v1/responses"
    assert first.headers["authorization"] == f"Bearer {TOKEN}"
    assert first.headers["x-title"] == "commitgate"
    assert all(key == key.lower() for key in first.headers)
    assert first.json == body
    assert json.loads(first.body) == body
    assert second.method == "GET"
    assert second.path == "/v1/models?x=1"
    assert second.body == b""
    assert second.json is None


def test_review_input_for_each_api(gw: FakeGateway, client: httpx.Client) -> None:
    seen: list[ReviewInput] = []

    def reviewer(review_input: ReviewInput) -> str:
        seen.append(review_input)
        return "{}"

    gw.reviewer = reviewer
    client.post("/responses", json=responses_body())
    client.post("/chat/completions", json=chat_body())
    items = [
        {"role": "developer", "content": "sys"},
        {"role": "user", "content": [{"type": "input_text", "text": "usr"}]},
    ]
    client.post("/responses", json=responses_body(instructions=None, input=items))
    responses, chat, listed = seen
    assert (responses.api, chat.api) == ("responses", "chat")
    for review_input in (responses, chat):
        assert review_input.instructions == "You review code."
        assert review_input.input.startswith('### FILE "a.py"')
        assert review_input.model == MODEL
    assert chat.body["messages"][0]["role"] == "system"
    assert (listed.instructions, listed.input) == ("sys", "usr")


def test_bad_requests(gw: FakeGateway, client: httpx.Client) -> None:
    assert client.post("/nope", json={}).status_code == 404
    bad_json = client.post("/responses", content=b"{not json")
    assert bad_json.status_code == 400
    assert bad_json.json()["error"]["type"] == "invalid_request_error"
    assert client.post("/responses", json={"input": "x"}).status_code == 400
    assert client.get("/responses").status_code == 405


def test_reviewer_exception_is_a_500_and_recorded(gw: FakeGateway, client: httpx.Client) -> None:
    def broken(review_input: ReviewInput) -> str:
        raise ValueError("boom")

    gw.reviewer = broken
    response = client.post("/responses", json=responses_body())
    assert response.status_code == 500
    assert "boom" in response.json()["error"]["message"]
    assert isinstance(gw.errors[0], ValueError)


# --------------------------------------------------------------------------- faults


@pytest.mark.parametrize(
    ("fault", "error_type"),
    [
        (Status(400, error_type="no_providers_available"), "no_providers_available"),
        (Status(401), "authentication_error"),
        (Status(402, error_type="insufficient_funds"), "insufficient_funds"),
        (Status(403), "forbidden"),
        (Status(404), "model_not_found"),
        (Status(429, headers={"Retry-After": "2"}), "rate_limit_exceeded"),
        (Status(500), "internal_server_error"),
        (Status(502), "bad_gateway"),
        (Status(503), "service_unavailable"),
        (Status(504), "gateway_timeout"),
    ],
    ids=lambda value: str(value.code) if isinstance(value, Status) else str(value),
)
def test_status_faults(
    gw: FakeGateway, client: httpx.Client, fault: Status, error_type: str
) -> None:
    gw.faults.append(fault)
    response = client.post("/responses", json=responses_body(stream=True))
    assert response.status_code == fault.code
    assert response.json()["error"]["type"] == error_type
    assert response.json()["error"]["message"]
    if fault.headers:
        assert response.headers["retry-after"] == "2"
    # The fault was consumed; the next request is answered normally.
    assert client.post("/responses", json=responses_body()).status_code == 200


def test_status_fault_with_message_and_raw_body(gw: FakeGateway, client: httpx.Client) -> None:
    gw.faults.extend(
        [Status(402, message="Budget exceeded"), Status(502, body="<html>bad gateway</html>")]
    )
    assert client.post("/responses", json=responses_body()).json()["error"]["message"] == (
        "Budget exceeded"
    )
    response = client.post("/chat/completions", json=chat_body())
    assert (response.status_code, response.text) == (502, "<html>bad gateway</html>")


def test_faults_are_fifo_one_per_request(gw: FakeGateway, client: httpx.Client) -> None:
    gw.faults.extend([Status(429), Status(503), Answer("third")])
    assert client.post("/responses", json=responses_body()).status_code == 429
    assert client.post("/chat/completions", json=chat_body()).status_code == 503
    third = client.post("/chat/completions", json=chat_body()).json()
    assert third["choices"][0]["message"]["content"] == "third"
    assert gw.faults == []
    assert client.post("/responses", json=responses_body()).status_code == 200


@pytest.mark.parametrize("stream", [False, True])
def test_drop(gw: FakeGateway, client: httpx.Client, stream: bool) -> None:
    gw.faults.append(Drop())
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        client.post("/responses", json=responses_body(stream=stream))
    assert client.post("/responses", json=responses_body()).status_code == 200


def test_slow_headers(gw: FakeGateway, client: httpx.Client) -> None:
    gw.faults.append(SlowHeaders(0.5))
    started = time.monotonic()
    with pytest.raises(httpx.ReadTimeout):
        client.post("/responses", json=responses_body(), timeout=httpx.Timeout(5.0, read=0.1))
    assert time.monotonic() - started < 0.4
    gw.faults.append(SlowHeaders(0.1))
    started = time.monotonic()
    assert client.post("/responses", json=responses_body()).status_code == 200
    assert time.monotonic() - started >= 0.1


def test_cut_stream_responses(gw: FakeGateway, client: httpx.Client) -> None:
    gw.faults.append(CutStream(3))
    got: list[tuple[Optional[str], str]] = []
    with pytest.raises(httpx.RemoteProtocolError):
        stream_events(client, "/responses", responses_body(stream=True), got)
    assert [name for name, _ in got] == [
        "response.created",
        "response.in_progress",
        "response.output_item.added",
    ]
    assert client.post("/responses", json=responses_body()).status_code == 200


def test_cut_stream_chat(gw: FakeGateway, client: httpx.Client) -> None:
    gw.faults.append(CutStream(2))
    got: list[tuple[Optional[str], str]] = []
    with pytest.raises(httpx.RemoteProtocolError):
        stream_events(client, "/chat/completions", chat_body(stream=True), got)
    assert len(got) == 2
    assert "[DONE]" not in [data for _, data in got]


def test_cut_stream_clean(gw: FakeGateway, client: httpx.Client) -> None:
    gw.faults.extend([CutStream(5, clean=True), CutStream(3, clean=True)])
    events = responses_events(client, responses_body(stream=True))
    assert len(events) == 5
    assert "response.completed" not in [event["type"] for event in events]
    chunks = chat_chunks(client, chat_body(stream=True))
    assert len(chunks) == 3
    assert "[DONE]" not in chunks
    # The connection survived the clean cut.
    assert gw.connections_opened == 1


@pytest.mark.parametrize("path", ["/responses", "/chat/completions"])
def test_cut_stream_non_streamed_sends_half_the_body(
    gw: FakeGateway, client: httpx.Client, path: str
) -> None:
    gw.faults.append(CutStream(0))
    body = responses_body() if path == "/responses" else chat_body()
    with pytest.raises(httpx.RemoteProtocolError):
        client.post(path, json=body)
    assert client.post(path, json=body).status_code == 200


@pytest.mark.parametrize("text", ["", "{not json", '{"findings": "wrong"}', "ü" * 1000])
def test_answer_every_shape(gw: FakeGateway, client: httpx.Client, text: str) -> None:
    gw.faults.extend([Answer(text)] * 4)
    data = client.post("/responses", json=responses_body()).json()
    validator("Response").validate(data)
    assert answer_text(data) == text
    events = responses_events(client, responses_body(stream=True))
    for event in events:
        validator("ResponseStreamEvent").validate(event)
    deltas = [e["delta"] for e in events if e["type"] == "response.output_text.delta"]
    assert "".join(deltas) == text
    assert answer_text(events[-1]["response"]) == text
    data = client.post("/chat/completions", json=chat_body()).json()
    validator("CreateChatCompletionResponse").validate(data)
    assert data["choices"][0]["message"]["content"] == text
    chunks = [json.loads(c) for c in chat_chunks(client, chat_body(stream=True))[:-1]]
    for chunk in chunks:
        validator("CreateChatCompletionStreamResponse").validate(chunk)
    with_choices = [c["choices"][0] for c in chunks if c["choices"]]
    assert "".join(choice["delta"].get("content") or "" for choice in with_choices) == text
    assert with_choices[-1]["finish_reason"] == "stop"


def test_answer_huge(gw: FakeGateway, client: httpx.Client) -> None:
    text = "x" * 10_000_000
    gw.faults.extend([Answer(text), Answer(text)])
    assert answer_text(client.post("/responses", json=responses_body()).json()) == text
    chunks = [json.loads(c) for c in chat_chunks(client, chat_body(stream=True))[:-1]]
    assert sum(len(c["choices"][0]["delta"].get("content", "")) for c in chunks[:-1]) == len(text)


def test_stall_mid_stream(gw: FakeGateway, client: httpx.Client) -> None:
    gw.faults.append(StallMidStream(2, seconds=1.0))
    got: list[tuple[Optional[str], str]] = []
    started = time.monotonic()
    with pytest.raises(httpx.ReadTimeout):
        stream_events(
            client,
            "/responses",
            responses_body(stream=True),
            got,
            timeout=httpx.Timeout(5.0, read=0.15),
        )
    assert time.monotonic() - started < 0.8
    assert [name for name, _ in got] == ["response.created", "response.in_progress"]
    # A stall shorter than the read timeout only delays the stream.
    gw.faults.append(StallMidStream(2, seconds=0.1))
    events = responses_events(client, responses_body(stream=True))
    assert events[-1]["type"] == "response.completed"


def test_stall_mid_body_non_streamed(gw: FakeGateway, client: httpx.Client) -> None:
    gw.faults.append(StallMidStream(0, seconds=1.0))
    with pytest.raises(httpx.ReadTimeout):
        client.post("/chat/completions", json=chat_body(), timeout=httpx.Timeout(5.0, read=0.15))
    gw.faults.append(StallMidStream(0, seconds=0.1))
    response = client.post("/chat/completions", json=chat_body())
    validator("CreateChatCompletionResponse").validate(response.json())


def test_incomplete_responses(gw: FakeGateway, client: httpx.Client) -> None:
    gw.reviewer = marker_reviewer
    gw.faults.extend([Incomplete(), Incomplete()])
    data = client.post("/responses", json=responses_body()).json()
    validator("Response").validate(data)
    assert data["status"] == "incomplete"
    assert data["incomplete_details"] == {"reason": "max_output_tokens"}
    with pytest.raises(json.JSONDecodeError):
        json.loads(answer_text(data))
    events = responses_events(client, responses_body(stream=True))
    for event in events:
        validator("ResponseStreamEvent").validate(event)
    types = [event["type"] for event in events]
    assert types[-1] == "response.incomplete"
    assert "response.completed" not in types
    assert events[-1]["response"]["status"] == "incomplete"


def test_incomplete_chat(gw: FakeGateway, client: httpx.Client) -> None:
    gw.faults.extend([Incomplete(), Incomplete(text='{"findings": [')])
    data = client.post("/chat/completions", json=chat_body()).json()
    validator("CreateChatCompletionResponse").validate(data)
    assert data["choices"][0]["finish_reason"] == "length"
    assert data["choices"][0]["message"]["content"] == '{"findings": []}'[:8]
    chunks = [json.loads(c) for c in chat_chunks(client, chat_body(stream=True))[:-1]]
    finishes = [c["choices"][0]["finish_reason"] for c in chunks if c["choices"]]
    assert finishes[-1] == "length"
    text = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks if c["choices"])
    assert text == '{"findings": ['


def test_failed_responses(gw: FakeGateway, client: httpx.Client) -> None:
    gw.faults.extend([Failed("provider exploded"), Failed("bad", event="error"), Failed("x")])
    events = responses_events(client, responses_body(stream=True))
    for event in events:
        validator("ResponseStreamEvent").validate(event)
    assert [e["type"] for e in events][-1] == "response.failed"
    assert events[-1]["response"]["status"] == "failed"
    assert events[-1]["response"]["error"]["message"] == "provider exploded"
    events = responses_events(client, responses_body(stream=True))
    for event in events:
        validator("ResponseStreamEvent").validate(event)
    assert events[-1]["type"] == "error"
    assert events[-1]["message"] == "bad"
    response = client.post("/responses", json=responses_body())
    assert response.status_code == 500
    assert response.json()["error"]["message"] == "x"


def test_failed_chat(gw: FakeGateway, client: httpx.Client) -> None:
    gw.faults.extend([Failed("down"), Failed("down")])
    chunks = chat_chunks(client, chat_body(stream=True))
    assert "[DONE]" not in chunks
    assert json.loads(chunks[-1])["error"]["message"] == "down"
    assert client.post("/chat/completions", json=chat_body()).status_code == 500


# --------------------------------------------------------------------------- reviewer

PROMPT = "\n".join(
    [
        "Review this change.",
        '### FILE "src/app.py" (modified)',
        "<<< diff",
        "@@ lines 10-14",
        "10 def f():",
        "11+    x = eval(s)  # BUG:critical",
        "-    old = 1  # BUG:high",
        "12     return x  # BUG:low and BUG:high",
        "13+",
        ">>>",
        '### FILE "docs/we\\"ird ü.md" (added, whole file)',
        "<<<",
        "1+# Title BUG:info",
        "2+BUG:medium is here",
        "3+BUG:urgent is not a severity, nor is BUG:highest",
        ">>>",
        "99 BUG:high outside any numbered context? no: still in the last file",
    ]
)


def test_marker_reviewer_unit() -> None:
    review_input = ReviewInput(instructions="", input=PROMPT, model=MODEL, api="responses", body={})
    result = marker_reviewer(review_input)
    expected = [
        ("src/app.py", 11, "critical"),
        ("src/app.py", 12, "low"),
        ('docs/we"ird ü.md', 1, "info"),
        ('docs/we"ird ü.md', 2, "medium"),
        ('docs/we"ird ü.md', 99, "high"),
    ]
    assert [(f["path"], f["line"], f["severity"]) for f in result["findings"]] == expected
    for finding in result["findings"]:
        assert set(finding) == {"path", "line", "severity", "title", "message"}
        assert finding["title"] == f"planted {finding['severity']} bug"
        assert finding["message"] == "a planted bug for tests"


def test_marker_reviewer_ignores_lines_before_any_file() -> None:
    review_input = ReviewInput(
        instructions="", input="5+BUG:high", model=MODEL, api="chat", body={}
    )
    assert marker_reviewer(review_input) == {"findings": []}


def test_marker_reviewer_through_both_apis(gw: FakeGateway, client: httpx.Client) -> None:
    gw.reviewer = marker_reviewer
    body = responses_body(input=PROMPT)
    found = json.loads(answer_text(client.post("/responses", json=body).json()))
    assert len(found["findings"]) == 5
    chat = chat_body()
    chat["messages"][1]["content"] = [{"type": "text", "text": PROMPT}]
    data = client.post("/chat/completions", json=chat).json()
    assert json.loads(data["choices"][0]["message"]["content"]) == found


# --------------------------------------------------------------------------- server behaviour


def test_keep_alive_reuses_one_connection(gw: FakeGateway, client: httpx.Client) -> None:
    for _ in range(2):
        client.post("/responses", json=responses_body())
        responses_events(client, responses_body(stream=True))
        chat_chunks(client, chat_body(stream=True))
        client.post("/chat/completions", json=chat_body())
        client.get("/models")
    assert gw.connections_opened == 1


def test_latency_is_concurrent(gw: FakeGateway) -> None:
    gw.latency = 0.2
    statuses: list[int] = []

    def call() -> None:
        response = post(
            gw.base_url + "/responses",
            json=responses_body(),
            headers={"Authorization": f"Bearer {TOKEN}"},
        )
        statuses.append(response.status_code)

    threads = [threading.Thread(target=call) for _ in range(5)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    assert statuses == [200] * 5
    assert 0.2 <= elapsed < 0.8


def test_exit_does_not_wait_for_sleeping_handlers() -> None:
    errors: list[BaseException] = []
    gateway = FakeGateway().start()
    gateway.faults.append(SlowHeaders(30))

    def call() -> None:
        try:
            post(
                gateway.base_url + "/responses",
                json=responses_body(),
                headers={"Authorization": f"Bearer {TOKEN}"},
                timeout=10,
            )
        except httpx.HTTPError as exc:
            errors.append(exc)

    url = gateway.base_url
    thread = threading.Thread(target=call)
    thread.start()
    deadline = time.monotonic() + 2
    while not gateway.requests and time.monotonic() < deadline:
        time.sleep(0.01)
    started = time.monotonic()
    gateway.stop()
    assert time.monotonic() - started < 1.0
    thread.join(timeout=2)
    assert not thread.is_alive()
    assert errors
    with pytest.raises(httpx.ConnectError):
        get(url + "/models")


def test_base_url(gw: FakeGateway) -> None:
    assert gw.base_url == f"http://127.0.0.1:{gw.port}/v1"

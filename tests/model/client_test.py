"""The model client against a real HTTP server on loopback."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections.abc import Iterator

import pytest

from commitgate.errors import ConfigError
from commitgate.model import wire
from commitgate.model.client import ModelClient, RetryPolicy
from commitgate.model.credential import Credential, find_credential
from commitgate.model.deadline import Deadline
from commitgate.model.endpoint import Endpoint, check_base_url
from commitgate.model.errors import ServiceError, parse_retry_after
from tests.fake_gateway import (
    Answer,
    CutStream,
    Drop,
    Failed,
    FakeGateway,
    Incomplete,
    SlowHeaders,
    StallMidStream,
    Status,
)
from tests.openai_schema import validator

KEY = Credential("sk-secret-123", "AI_GATEWAY_API_KEY")
REQ = wire.ModelRequest(
    model="openai/gpt-5.1-codex-mini",
    instructions="be brief",
    input='### FILE "a" (x)\n1+x',
    schema={"type": "object"},
    max_output_tokens=1000,
    reasoning_effort="low",
)
FAST = RetryPolicy(retries=3, backoff=0.01, max_backoff=0.05, max_retry_after=0.2)


def client(
    gw: FakeGateway,
    api: str = "responses",
    stream: bool = True,
    *,
    read_timeout: float = 5.0,
    retry: RetryPolicy = FAST,
) -> ModelClient:
    return ModelClient(Endpoint(gw.base_url, api, stream, 2.0, read_timeout), KEY, retry)


@pytest.mark.parametrize("api", ["responses", "chat"])
@pytest.mark.parametrize("stream", [True, False])
def test_both_apis_streamed_and_not(gateway: FakeGateway, api: str, stream: bool) -> None:
    gateway.reviewer = lambda ri: {"findings": [], "echo": ri.input}
    gateway.usage_cost = 0.0012
    with client(gateway, api, stream) as c:
        answer = c.complete(REQ, Deadline(10))
    assert json.loads(answer.text)["echo"] == REQ.input
    assert answer.status == "completed"
    assert answer.usage.input_tokens > 0 and answer.usage.output_tokens > 0
    assert answer.usage.reasoning_tokens == 64 and answer.usage.requests == 1
    assert answer.usage.cost == pytest.approx(0.0012)
    assert answer.response_id and answer.response_id.startswith("gen_")
    [req] = gateway.requests
    assert req.path == ("/v1/chat/completions" if api == "chat" else "/v1/responses")
    assert req.headers["authorization"] == "Bearer sk-secret-123"
    assert req.json is not None and req.json["stream"] is stream
    # What we send fits OpenAI's published request schema...
    schema = "CreateChatCompletionRequest" if api == "chat" else "CreateResponse"
    validator(schema).validate(req.json)
    # ...and names no parameter the live API would call unknown.
    props = _top_level_properties(schema)
    assert set(req.json) <= props


def _top_level_properties(name: str) -> set[str]:
    from pathlib import Path

    schemas = json.loads(
        (Path(__file__).parent.parent / "schemas" / "openai-api-subset.json").read_text()
    )["components"]["schemas"]
    out: set[str] = set()

    def walk(s: dict[str, object]) -> None:
        ref = s.get("$ref")
        if isinstance(ref, str):
            walk(schemas[ref.rsplit("/", 1)[1]])
        for part in s.get("allOf", []) or []:  # type: ignore[attr-defined]
            walk(part)
        out.update(s.get("properties", {}) or {})  # type: ignore[arg-type]

    walk(schemas[name])
    return out


def test_responses_body_shape() -> None:
    body = wire.responses_body(REQ._replace(extra={"providerOptions": {"gateway": {}}}), True)
    assert body["store"] is False
    assert body["reasoning"] == {"effort": "low"}
    assert body["text"]["format"]["type"] == "json_schema"
    assert body["text"]["format"]["strict"] is True
    assert body["providerOptions"] == {"gateway": {}}
    chat = wire.chat_body(REQ, True)
    assert chat["stream_options"] == {"include_usage": True}
    assert chat["response_format"]["json_schema"]["strict"] is True


def test_gateway_cost_in_provider_metadata(gateway: FakeGateway) -> None:
    gateway.provider_metadata_cost = "0.0042"
    with client(gateway) as c:
        assert c.complete(REQ, Deadline(10)).usage.cost == pytest.approx(0.0042)


def test_switches_to_responses_once(gateway: FakeGateway) -> None:
    gateway.chat_unsupported_models = {REQ.model}
    with client(gateway, "chat") as c:
        c.complete(REQ, Deadline(10))
        c.complete(REQ, Deadline(10))
        assert [r.path for r in gateway.requests] == [
            "/v1/chat/completions",
            "/v1/responses",
            "/v1/responses",
        ]
        assert "only served on the Responses API" in c.notes[0] and len(c.notes) == 1


@pytest.mark.parametrize(
    "fault",
    [
        Status(500),
        Status(502),
        Status(503),
        Status(504),
        Drop(),
        CutStream(2),
        CutStream(2, clean=True),
        Status(429),
    ],
)
def test_transient_failures_are_retried(gateway: FakeGateway, fault: object) -> None:
    gateway.faults.append(fault)  # type: ignore[arg-type]
    with client(gateway) as c:
        assert c.complete(REQ, Deadline(10)).status == "completed"
    assert len(gateway.requests) == 2


def test_retry_after_is_honoured_and_capped(gateway: FakeGateway) -> None:
    gateway.faults.append(Status(429, headers={"Retry-After": "0.3"}))
    gateway.faults.append(Status(429, headers={"Retry-After": "3600"}))
    with client(gateway) as c:
        t = time.monotonic()
        c.complete(REQ, Deadline(10))
        elapsed = time.monotonic() - t
    assert len(gateway.requests) == 3
    assert elapsed >= 0.2 + 0.2  # 0.3 capped to 0.2, 3600 capped to 0.2


def test_retries_are_bounded(gateway: FakeGateway) -> None:
    gateway.faults.extend([Status(503)] * 10)
    with client(gateway) as c, pytest.raises(ServiceError) as e:
        c.complete(REQ, Deadline(10))
    assert len(gateway.requests) == 4
    assert "HTTP 503" in str(e.value) and "gave up after 4 attempts" in str(e.value)


@pytest.mark.parametrize(
    ("status", "words"),
    [
        (400, "rejected the request for openai/gpt-5.1-codex-mini"),
        (401, "did not accept the credential in AI_GATEWAY_API_KEY"),
        (402, "lack of funds"),
        (403, "refused access to openai/gpt-5.1-codex-mini"),
        (404, "does not know model 'openai/gpt-5.1-codex-mini'"),
    ],
)
def test_client_errors_are_not_retried_and_say_what_to_do(
    gateway: FakeGateway, status: int, words: str
) -> None:
    gateway.faults.append(Status(status, message="echo sk-secret-123"))
    with client(gateway) as c, pytest.raises(ServiceError) as e:
        c.complete(REQ, Deadline(10))
    assert len(gateway.requests) == 1
    assert words in str(e.value) and "127.0.0.1" in str(e.value)
    assert "sk-secret-123" not in str(e.value) and "[redacted]" in str(e.value)


def test_oidc_token_advice(gateway: FakeGateway) -> None:
    gateway.valid_tokens = {"other"}
    c = ModelClient(
        Endpoint(gateway.base_url, "responses", True, 2, 5),
        Credential("tok", "VERCEL_OIDC_TOKEN"),
        FAST,
    )
    with c, pytest.raises(ServiceError, match="vercel env pull"):
        c.complete(REQ, Deadline(10))


def test_zero_data_retention_unavailable(gateway: FakeGateway) -> None:
    gateway.faults.append(
        Status(400, error_type="no_providers_available", message="No providers available")
    )
    with client(gateway) as c, pytest.raises(ServiceError, match="zero data retention"):
        c.complete(REQ, Deadline(10))
    assert len(gateway.requests) == 1


def test_read_timeout(gateway: FakeGateway) -> None:
    gateway.faults.extend([SlowHeaders(1.0)] * 5)
    with (
        client(gateway, read_timeout=0.2, retry=RetryPolicy(1, 0.01)) as c,
        pytest.raises(ServiceError, match=r"127.0.0.1 sent nothing for 0.2s \(timeout = 0.2\)"),
    ):
        c.complete(REQ, Deadline(10))
    assert len(gateway.requests) == 2


def test_stall_mid_stream_times_out(gateway: FakeGateway) -> None:
    gateway.faults.append(StallMidStream(3, 1.0))
    with client(gateway, read_timeout=0.2) as c:
        assert c.complete(REQ, Deadline(10)).status == "completed"
    assert len(gateway.requests) == 2


def test_deadline_stops_retries(gateway: FakeGateway) -> None:
    gateway.faults.extend([Status(503)] * 10)
    slow = RetryPolicy(retries=10, backoff=5, max_backoff=5)
    with client(gateway, retry=slow) as c, pytest.raises(ServiceError, match="no time left"):
        c.complete(REQ, Deadline(1))
    assert len(gateway.requests) == 1


@pytest.mark.parametrize("stream", [True, False])
def test_incomplete_answer_is_reported(gateway: FakeGateway, stream: bool) -> None:
    gateway.faults.append(Incomplete())
    with client(gateway, stream=stream) as c:
        assert c.complete(REQ, Deadline(10)).status == "max_output_tokens"
    gateway.faults.append(Incomplete())
    with client(gateway, "chat", stream) as c:
        assert c.complete(REQ, Deadline(10)).status == "max_output_tokens"


@pytest.mark.parametrize("event", ["response.failed", "error"])
def test_failed_stream(gateway: FakeGateway, event: str) -> None:
    gateway.faults.extend([Failed("boom", event=event)] * 5)  # type: ignore[arg-type]
    with client(gateway) as c, pytest.raises(ServiceError, match=r"boom|failed"):
        c.complete(REQ, Deadline(10))


def test_answer_text_passes_through(gateway: FakeGateway) -> None:
    gateway.faults.append(Answer("not json"))
    with client(gateway) as c:
        assert c.complete(REQ, Deadline(10)).text == "not json"


def test_huge_answer_is_cut(gateway: FakeGateway) -> None:
    gateway.faults.append(Answer("x" * (5 * 1024 * 1024)))
    with client(gateway, stream=False) as c, pytest.raises(ServiceError, match="larger than"):
        c.complete(REQ, Deadline(10))
    assert len(gateway.requests) == 1


def test_check_base_url() -> None:
    assert check_base_url("https://x.example/v1/", False) == "https://x.example/v1"
    assert check_base_url("http://127.0.0.1:8/v1", False)
    assert check_base_url("http://localhost/v1", False)
    assert check_base_url("http://[::1]:8/v1", False)
    assert check_base_url("http://example.com/v1", True)
    with pytest.raises(ConfigError, match="unencrypted"):
        check_base_url("http://example.com/v1", False)
    with pytest.raises(ConfigError, match="not an http"):
        check_base_url("ftp://example.com", False)


def test_find_credential() -> None:
    assert find_credential({}) is None
    assert find_credential({"VERCEL_OIDC_TOKEN": "t"}) == Credential("t", "VERCEL_OIDC_TOKEN")
    both = find_credential({"AI_GATEWAY_API_KEY": "k", "VERCEL_OIDC_TOKEN": "t"})
    assert both == Credential("k", "AI_GATEWAY_API_KEY")
    assert "k" not in repr(both).replace("AI_GATEWAY_API_KEY", "")


def test_parse_retry_after() -> None:
    assert parse_retry_after(None) is None
    assert parse_retry_after("2") == 2.0
    assert parse_retry_after("junk") is None
    future = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() + 30))
    value = parse_retry_after(future)
    assert value is not None and 25 < value <= 31


@contextlib.contextmanager
def endless_server(interval: float) -> Iterator[str]:
    """A loopback server whose answer never ends: one SSE line that grows
    forever, a chunk every `interval` seconds. The fake gateway always ends
    its answers; this is the one behaviour it cannot produce."""
    server = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve() -> None:
        conn, _ = server.accept()
        with conn:
            conn.recv(1 << 16)
            conn.sendall(
                b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n"
                b"transfer-encoding: chunked\r\n\r\n"
            )
            chunk = b"data: " + b"x" * 65536
            try:
                while not stop.wait(interval):
                    conn.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            except OSError:
                pass  # the client hung up, as it should

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.getsockname()[1]}/v1"
    finally:
        stop.set()
        server.close()
        thread.join(5)


@pytest.mark.parametrize(
    ("interval", "deadline", "problem"),
    [
        (0, 60, "larger than 4 MB"),  # the size cap, not memory, ends it
        (0.05, 1, r"deadline \(1s\) passed before an answer came"),  # never silent for long
    ],
)
def test_an_answer_that_never_ends(interval: float, deadline: float, problem: str) -> None:
    with endless_server(interval) as url:
        c = ModelClient(Endpoint(url, "responses", True, 2.0, 5.0), KEY, FAST)
        with c, pytest.raises(ServiceError, match=problem):
            c.complete(REQ, Deadline(deadline))

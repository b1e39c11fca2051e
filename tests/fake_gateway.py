"""A fake Vercel AI Gateway: a real HTTP/1.1 server on 127.0.0.1 speaking the gateway's wire.

Every model-path test and benchmark talks to this server over loopback instead of
mocking the HTTP layer. Standard library only, so benchmarks can import it without the
test dependencies.

    with FakeGateway() as gw:
        gw.base_url                # "http://127.0.0.1:PORT/v1"
        gw.reviewer = marker_reviewer
        gw.faults.extend([Status(503), Drop()])   # consumed one per model request, FIFO
        ...                                        # point the client at gw.base_url
        gw.requests                # what arrived, in order

Endpoints (all under /v1):

- ``POST /v1/responses``: OpenAI Responses API, plain JSON or SSE (``"stream": true``).
- ``POST /v1/chat/completions``: chat completions, plain JSON or SSE ``data:`` lines.
- ``GET /v1/models``: the model list with pricing (no auth).

Wire decisions (the published OpenAI schemas in tests/schemas are the reference; the
tests validate every shape produced here against them):

- Non-streamed answers carry ``Content-Length`` and keep the connection alive.
- Streamed answers use ``Transfer-Encoding: chunked`` (one HTTP chunk per SSE event) and
  also keep the connection alive. httpx handles chunked bodies natively, the connection
  goes back to the client's pool after a complete stream (as with the real gateway, so
  concurrency benchmarks measure pooled connections), and a stream cut short is
  visible at the HTTP layer: httpx raises ``RemoteProtocolError`` ("incomplete chunked
  read") exactly as it would when a real proxy drops the stream. ``Connection: close``
  framing would instead turn a cut into a clean end of body, hiding it below the SSE
  layer (``CutStream(clean=True)`` produces that case on purpose).
- Ids: responses and chat completions get ``gen_<hex>`` ids (the gateway's generation
  ids); output items get ``rs_<hex>`` (reasoning) and ``msg_<hex>`` (message).
- Responses usage: ``input_tokens`` = ceil(request body bytes / 4);
  ``output_tokens`` = ceil(answer chars / 4) + ``reasoning_tokens``; the published
  schema also requires ``input_tokens_details.cache_write_tokens`` (always 0 here).
- Chat streams: first chunk ``delta = {"role": "assistant", "content": ""}``, then one
  chunk per content piece; ``finish_reason`` is ``null`` until the last content chunk,
  which carries ``"stop"`` (``"length"`` for Incomplete). With
  ``stream_options.include_usage`` every chunk carries ``"usage": null`` (as OpenAI
  documents) and a final chunk with ``"choices": []`` carries the usage; then
  ``data: [DONE]``.
- Error bodies: ``{"error": {"message": ..., "type": ..., "param": null, "code": null}}``
  (see ``default_error_type`` for the type chosen per status code).

Order of checks for a model request: record it, sleep ``latency``, check auth (a 401
consumes no fault), refuse chat completions for ``chat_unsupported_models`` (consumes no
fault), then pop one fault (if any) and act on it, else answer normally.
"""

from __future__ import annotations

import contextlib
import copy
import json
import math
import re
import socket
import sys
import threading
import time
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Callable, Literal, Optional, Union
from urllib.parse import urlsplit

__all__ = [
    "CHAT_ONLY_RESPONSES_MESSAGE",
    "DEFAULT_MODELS",
    "Answer",
    "CutStream",
    "Drop",
    "EmptyStream",
    "Failed",
    "FakeGateway",
    "Fault",
    "Incomplete",
    "Interrupted",
    "RecordedRequest",
    "ReviewInput",
    "Reviewer",
    "SlowHeaders",
    "StallMidStream",
    "Status",
    "default_error_type",
    "default_reviewer",
    "error_body",
    "marker_reviewer",
]

#: OpenAI's error text when a Responses-only model is called through chat completions.
CHAT_ONLY_RESPONSES_MESSAGE = (
    "This model is only supported in v1/responses and not in v1/chat/completions."
)

# Published figures (docs/ai-gateway.md): USD per token as decimal strings.
# codex-mini: $0.25 / $0.025 cached / $2.00 per million; codex, codex-max: $1.25 / $0.125 /
# $10. The doc gives 400K context / 128K output for codex-mini; the same figures are used
# for the other two.
DEFAULT_MODELS: list[dict[str, Any]] = [
    {
        "id": "openai/gpt-5.1-codex-mini",
        "object": "model",
        "created": 1763078400,
        "owned_by": "openai",
        "name": "GPT-5.1-Codex mini",
        "type": "language",
        "context_window": 400000,
        "max_tokens": 128000,
        "pricing": {
            "input": "0.00000025",
            "output": "0.000002",
            "input_cache_read": "0.000000025",
        },
    },
    {
        "id": "openai/gpt-5.1-codex",
        "object": "model",
        "created": 1763078400,
        "owned_by": "openai",
        "name": "GPT-5.1-Codex",
        "type": "language",
        "context_window": 400000,
        "max_tokens": 128000,
        "pricing": {
            "input": "0.00000125",
            "output": "0.00001",
            "input_cache_read": "0.000000125",
        },
    },
    {
        "id": "openai/gpt-5.1-codex-max",
        "object": "model",
        "created": 1763078400,
        "owned_by": "openai",
        "name": "GPT-5.1-Codex Max",
        "type": "language",
        "context_window": 400000,
        "max_tokens": 128000,
        "pricing": {
            "input": "0.00000125",
            "output": "0.00001",
            "input_cache_read": "0.000000125",
        },
    },
]


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the server received it."""

    method: str
    path: str  # as sent, including any query string
    headers: dict[str, str]  # lower-case names; repeated headers joined with ", "
    body: bytes
    json: Any  # the parsed body, or None when empty or not JSON


@dataclass(frozen=True)
class ReviewInput:
    """What a reviewer function sees of a model request."""

    instructions: str  # system text (Responses ``instructions``; chat system/developer)
    input: str  # user text (Responses ``input``; chat user messages)
    model: str
    api: Literal["responses", "chat"]
    body: dict[str, Any]  # the full request JSON


#: A reviewer turns a model request into the answer text (a dict is ``json.dumps``-ed).
Reviewer = Callable[[ReviewInput], Union[str, dict[str, Any]]]


def default_reviewer(review_input: ReviewInput) -> dict[str, Any]:
    """The reviewer used unless another is set: no findings."""
    return {"findings": []}


_FILE_HEADER = "### FILE "
_NUMBERED_LINE = re.compile(r"^(\d+)([+ ]|$)(.*)$")
_BUG_MARK = re.compile(r"BUG:(critical|high|medium|low|info)\b")


def marker_reviewer(review_input: ReviewInput) -> dict[str, Any]:
    """A reviewer that reports every planted ``BUG:<severity>`` marker in the prompt.

    Reads the user text: ``### FILE <json-quoted path> (...)`` starts a file; numbered
    lines ``<n>+<text>`` (added) and ``<n> <text>`` (context / whole file) are code.
    Removed lines (``-...``), hunk headers (``@@ ...``), fences and anything else are
    ignored. One finding per numbered line containing ``BUG:critical|high|medium|low|
    info`` (the first marker on the line decides the severity), with exactly the five
    required fields.
    """
    findings: list[dict[str, Any]] = []
    path: Optional[str] = None
    for line in review_input.input.splitlines():
        if line.startswith(_FILE_HEADER):
            try:
                decoded, _end = json.JSONDecoder().raw_decode(line, len(_FILE_HEADER))
            except ValueError:
                path = None
                continue
            path = decoded if isinstance(decoded, str) else None
            continue
        match = _NUMBERED_LINE.match(line)
        if match is None or path is None:
            continue
        bug = _BUG_MARK.search(match.group(3))
        if bug is None:
            continue
        severity = bug.group(1)
        findings.append(
            {
                "path": path,
                "line": int(match.group(1)),
                "severity": severity,
                "title": f"planted {severity} bug",
                "message": "a planted bug for tests",
            }
        )
    return {"findings": findings}


# --------------------------------------------------------------------------- faults


@dataclass(frozen=True)
class Status:
    """Answer with HTTP ``code`` and a gateway-shaped error body.

    ``body`` replaces the whole body (dict: JSON; str/bytes: sent as is). Otherwise the
    body is ``{"error": {"message": message, "type": error_type, ...}}`` with defaults
    from ``default_error_type(code)``. ``headers`` are added, e.g.
    ``Status(429, headers={"Retry-After": "2"})``;
    ``Status(400, error_type="no_providers_available")``;
    ``Status(402, error_type="insufficient_funds")``.
    """

    code: int
    body: Union[dict[str, Any], str, bytes, None] = None
    headers: Optional[Mapping[str, str]] = None
    error_type: Optional[str] = None
    message: Optional[str] = None


@dataclass(frozen=True)
class Drop:
    """Close the connection after reading the request, without sending any response.

    httpx raises ``RemoteProtocolError`` ("Server disconnected without sending a
    response.").
    """


@dataclass(frozen=True)
class SlowHeaders:
    """Sleep ``seconds`` before sending the status line, then answer normally."""

    seconds: float


@dataclass(frozen=True)
class CutStream:
    """Send only ``after_events`` SSE events (chat: ``data:`` chunks), then stop.

    No completion event and no ``[DONE]`` are sent. By default the connection is closed
    mid-body (httpx: ``RemoteProtocolError``, incomplete chunked read). With
    ``clean=True`` the HTTP body is terminated properly, so only the missing completion
    event shows the cut. Non-streamed request: headers with the full Content-Length,
    then half the body, then close.
    """

    after_events: int
    clean: bool = False


@dataclass(frozen=True)
class Answer:
    """Answer normally (right shape for the API and streaming mode) with exactly ``text``.

    For malformed JSON, schema-breaking JSON, empty text, huge answers.
    """

    text: str


@dataclass(frozen=True)
class StallMidStream:
    """Send ``after_events`` events, sleep ``seconds``, then send the rest normally.

    Non-streamed request: headers and half the body, sleep, then the other half.
    """

    after_events: int
    seconds: float


@dataclass(frozen=True)
class Incomplete:
    """The model ran out of output tokens.

    Responses: status "incomplete", ``incomplete_details.reason = "max_output_tokens"``
    (streamed: a ``response.incomplete`` event instead of ``response.completed``); chat:
    ``finish_reason = "length"``. The answer text is ``text`` if given, else the first
    half of the reviewer's answer (a truncated JSON).
    """

    text: Optional[str] = None


@dataclass(frozen=True)
class Failed:
    """The generation failed.

    Responses stream: ``response.created``, ``response.in_progress``, then a
    ``response.failed`` event (``event="error"``: an ``error`` event instead), then the
    stream ends cleanly. Chat stream: the role chunk, then ``data: {"error": {...}}``, no
    ``[DONE]``. Non-streamed (either API): HTTP 500 with an error body.
    """

    message: str = "The model failed to generate a response."
    event: Literal["response.failed", "error"] = "response.failed"


@dataclass(frozen=True)
class Interrupted:
    """A stream another request cut (llama-cpp-python's ``interrupt_requests``): the role
    chunk, one content chunk, then ``data: [DONE]`` with no ``finish_reason`` ever sent,
    and a properly ended HTTP body. Chat streams only."""


@dataclass(frozen=True)
class EmptyStream:
    """``200`` and ``text/event-stream``, then not one event: an empty chunked body
    (llama-cpp-python's answer to a streamed prompt larger than its context)."""


#: Any scripted fault.
Fault = Union[
    Status,
    Drop,
    SlowHeaders,
    CutStream,
    Answer,
    StallMidStream,
    Incomplete,
    Failed,
    Interrupted,
    EmptyStream,
]

_DEFAULT_ERROR_TYPES: dict[int, str] = {
    400: "invalid_request_error",
    401: "authentication_error",
    402: "insufficient_funds",
    403: "forbidden",
    404: "model_not_found",
    408: "request_timeout",
    413: "request_too_large",
    429: "rate_limit_exceeded",
    500: "internal_server_error",
    502: "bad_gateway",
    503: "service_unavailable",
    504: "gateway_timeout",
}


def default_error_type(code: int) -> str:
    """The error ``type`` the fake uses for ``code`` when none is given."""
    if code in _DEFAULT_ERROR_TYPES:
        return _DEFAULT_ERROR_TYPES[code]
    return "internal_server_error" if code >= 500 else "invalid_request_error"


def error_body(
    message: str, error_type: str, param: Optional[str] = None, code: Optional[str] = None
) -> dict[str, Any]:
    """A gateway error body."""
    return {"error": {"message": message, "type": error_type, "param": param, "code": code}}


# --------------------------------------------------------------------------- helpers


def _new_id(prefix: str) -> str:
    return prefix + uuid.uuid4().hex


def _tokens(n_chars: int) -> int:
    return math.ceil(n_chars / 4)


def _prompt_text(body: dict[str, Any]) -> str:
    """A request's prompt in the order a provider's cache sees it: the answer
    schema first (OpenAI: "a prefix to the system message"), then the
    instructions or messages, then the input."""
    text = body.get("text")
    fmt = body.get("response_format") or (text.get("format") if isinstance(text, dict) else None)
    parts = [json.dumps(fmt, sort_keys=True)] if fmt else []
    if "messages" in body:
        parts += [str(m.get("content", "")) for m in body["messages"] if isinstance(m, dict)]
    else:
        parts += [str(body.get("instructions", "")), json.dumps(body.get("input"))]
    return "\n".join(parts)


def _common_prefix(a: str, b: str) -> int:
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    return i


def _split(text: str, pieces: int) -> list[str]:
    """Split ``text`` into at most ``pieces`` non-empty, nearly equal parts."""
    if not text:
        return []
    pieces = max(1, min(pieces, len(text)))
    size = math.ceil(len(text) / pieces)
    return [text[i : i + size] for i in range(0, len(text), size)]


def _text_of(content: Any) -> str:
    """Text of a message ``content``: a string, or a list of text parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = [
            part["text"]
            for part in content
            if isinstance(part, dict) and isinstance(part.get("text"), str)
        ]
        return "".join(parts)
    return ""


def _review_input(api: Literal["responses", "chat"], body: dict[str, Any]) -> ReviewInput:
    system: list[str] = []
    user: list[str] = []
    if api == "responses":
        if isinstance(body.get("instructions"), str):
            system.append(body["instructions"])
        items = body.get("input")
        if isinstance(items, str):
            user.append(items)
        elif isinstance(items, list):
            for item in items:
                if not isinstance(item, dict):
                    continue
                target = system if item.get("role") in ("system", "developer") else user
                target.append(_text_of(item.get("content")))
    else:
        messages = body.get("messages")
        for message in messages if isinstance(messages, list) else []:
            if not isinstance(message, dict):
                continue
            role = message.get("role")
            if role in ("system", "developer"):
                system.append(_text_of(message.get("content")))
            elif role == "user":
                user.append(_text_of(message.get("content")))
    model = body.get("model")
    return ReviewInput(
        instructions="\n\n".join(system),
        input="\n\n".join(user),
        model=model if isinstance(model, str) else "",
        api=api,
        body=body,
    )


# --------------------------------------------------------------------------- server


class _Stopped(Exception):
    """The gateway is shutting down: abandon the current request."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    def __init__(self, gateway: FakeGateway, address: tuple[str, int]) -> None:
        self.gateway = gateway
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients hanging up (timeouts, cancelled streams) are normal in these tests.
        exc = sys.exc_info()[1]
        if isinstance(exc, (OSError, _Stopped)):
            return
        if exc is not None:
            self.gateway.errors.append(exc)
        super().handle_error(request, client_address)


class FakeGateway:
    """The fake gateway. Use as a context manager, or call ``start()`` / ``stop()``.

    Public attributes (set them any time; they are read per request):

    - ``base_url``: ``"http://127.0.0.1:PORT/v1"`` (after start).
    - ``requests``: list of ``RecordedRequest`` (every request, in arrival order).
    - ``reviewer``: ``fn(ReviewInput) -> str | dict``; default ``default_reviewer``.
    - ``faults``: list of faults for the model endpoints, consumed one per request, FIFO.
    - ``models_faults``: same for ``GET /v1/models`` (Status, Drop, SlowHeaders,
      CutStream (half body), Answer (raw body text)).
    - ``latency``: seconds to sleep before answering every request.
    - ``valid_tokens``: accepted bearer tokens; None accepts any non-empty token.
    - ``require_auth``: when false, a request without Authorization is served too
      (as a local llama.cpp server does).
    - ``piece_delay``: seconds to sleep before each streamed event after the first (a
      known pace, to check what is measured of time to first token and throughput).
    - ``stream_usage``: when false, streamed chat answers carry no usage even when
      ``stream_options.include_usage`` asks for it (as llama-cpp-python's do).
    - ``served_model``: the model name answers give, instead of the one asked for (a
      local server serves its one model under any name).
    - ``usage_cost``: when set, ``usage.cost`` (USD number) is added to usage objects.
    - ``provider_metadata_cost``: when set (a decimal string, USD), a top-level
      ``"providerMetadata": {"gateway": {"cost": ...}}`` is added to the final response
      object (Responses; also inside ``response.completed`` / ``response.incomplete``) and
      to the chat completion (streamed: the usage chunk, else the last chunk). Where the
      gateway puts it is not documented; this placement is the fake's choice.
    - ``chat_unsupported_models``: models refused by chat completions with HTTP 400.
    - ``models``: the ``GET /v1/models`` entries (a copy of ``DEFAULT_MODELS``).
    - ``reasoning_tokens`` / ``cached_tokens``: reported in usage (cached is capped at
      the input tokens).
    - ``prompt_cache``: when true, the server caches prompts as OpenAI documents its
      implicit prompt cache: a request whose prompt (answer schema, then instructions,
      then input, in that order) begins with the same 1,024 tokens or more as an
      earlier request for the same model and ``prompt_cache_key`` reports the common
      prefix, in steps of 128 tokens, as ``cached_tokens`` (added to ``cached_tokens``).
    - ``stream_pieces``: how many delta events / content chunks an answer is split into.
    - ``chat_reasoning``: when non-empty, streamed chat answers send it first in a
      ``delta.reasoning`` chunk (as some gateway providers do).
    - ``connections_opened``: how many TCP connections the server has accepted (to check
      keep-alive / connection pooling).
    - ``errors``: exceptions raised by the reviewer or the handler (a reviewer error
      also answers HTTP 500).
    """

    def __init__(
        self,
        *,
        reviewer: Optional[Reviewer] = None,
        latency: float = 0.0,
        valid_tokens: Optional[set[str]] = None,
        usage_cost: Optional[float] = None,
        chat_unsupported_models: Optional[set[str]] = None,
        host: str = "127.0.0.1",
    ) -> None:
        self.reviewer: Reviewer = reviewer if reviewer is not None else default_reviewer
        self.faults: list[Fault] = []
        self.models_faults: list[Fault] = []
        self.latency = latency
        self.valid_tokens = valid_tokens
        self.require_auth = True
        self.stream_usage = True
        self.piece_delay = 0.0
        self.served_model: Optional[str] = None
        self.usage_cost = usage_cost
        self.provider_metadata_cost: Optional[str] = None
        self.chat_unsupported_models: set[str] = set(chat_unsupported_models or ())
        self.models: list[dict[str, Any]] = copy.deepcopy(DEFAULT_MODELS)
        self.reasoning_tokens = 64
        self.cached_tokens = 0
        self.prompt_cache = False
        self._prompts: dict[tuple[str, str], list[str]] = {}
        self.stream_pieces = 4
        self.chat_reasoning = ""
        self.requests: list[RecordedRequest] = []
        self.errors: list[BaseException] = []
        self.connections_opened = 0
        self._host = host
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: Optional[_Server] = None
        self._thread: Optional[threading.Thread] = None
        self._connections: set[socket.socket] = set()

    # -- lifecycle

    def start(self) -> FakeGateway:
        """Start serving on ``host``, an OS-chosen port, in a daemon thread."""
        if self._server is not None:
            raise RuntimeError("FakeGateway already started")
        self._stopping.clear()
        self._server = _Server(self, (self._host, 0))
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.01},
            name="fake-gateway",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving; wakes sleeping handlers and closes open connections."""
        server, self._server = self._server, None
        if server is None:
            return
        self._stopping.set()
        server.shutdown()
        server.server_close()
        with self._lock:
            connections = list(self._connections)
            self._connections.clear()
        for conn in connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> FakeGateway:
        return self.start()

    def __exit__(
        self,
        exc_type: Optional[type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        self.stop()

    # -- addresses

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("FakeGateway not started")
        return int(self._server.server_address[1])

    @property
    def root_url(self) -> str:
        """``http://127.0.0.1:PORT`` (no ``/v1``)."""
        return f"http://{self._host}:{self.port}"

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT/v1``: what a client uses as its base URL."""
        return self.root_url + "/v1"

    @property
    def posts(self) -> list[RecordedRequest]:
        """The model requests (POST), without the price list's GETs."""
        with self._lock:
            return [r for r in self.requests if r.method == "POST"]

    # -- internals used by the handler

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)

    def _cached_prefix(self, body: dict[str, Any]) -> int:
        """With ``prompt_cache`` on: the tokens of this prompt that an earlier
        one already began with (0 below 1,024), and remember this prompt."""
        if not self.prompt_cache:
            return 0
        prompt = _prompt_text(body)
        key = (str(body.get("model")), str(body.get("prompt_cache_key") or ""))
        with self._lock:
            earlier = self._prompts.setdefault(key, [])
            common = max((_common_prefix(prompt, p) for p in earlier), default=0)
            earlier.append(prompt)
        tokens = common // 4
        return 0 if tokens < 1024 else tokens - tokens % 128

    def _next_fault(self, models: bool) -> Optional[Fault]:
        with self._lock:
            queue = self.models_faults if models else self.faults
            return queue.pop(0) if queue else None

    def _track(self, conn: socket.socket, add: bool) -> None:
        with self._lock:
            if add:
                self._connections.add(conn)
                self.connections_opened += 1
            else:
                self._connections.discard(conn)

    def _sleep(self, seconds: float) -> None:
        """Sleep, but give up at once (raising ``_Stopped``) when the server stops."""
        if seconds > 0 and self._stopping.wait(seconds):
            raise _Stopped

    def _usage_extra(self, usage: dict[str, Any]) -> dict[str, Any]:
        if self.usage_cost is not None:
            usage["cost"] = self.usage_cost
        return usage

    def _metadata_extra(self, obj: dict[str, Any]) -> dict[str, Any]:
        if self.provider_metadata_cost is not None:
            obj["providerMetadata"] = {"gateway": {"cost": self.provider_metadata_cost}}
        return obj


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes; with Nagle's algorithm the second small
    # write waits for the client's delayed ACK (~40 ms per request on Linux loopback).
    disable_nagle_algorithm = True
    server: _Server
    server_version = "fake-ai-gateway/1"
    sys_version = ""

    # -- plumbing

    @property
    def gw(self) -> FakeGateway:
        return self.server.gateway

    def setup(self) -> None:
        super().setup()
        self.gw._track(self.connection, add=True)

    def finish(self) -> None:
        self.gw._track(self.connection, add=False)
        with contextlib.suppress(OSError):
            super().finish()

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep test output quiet; ``gw.requests`` is the log

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            data = bytearray()
            while True:
                size_line = self.rfile.readline()
                size = int(size_line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return bytes(data)
                data += self.rfile.read(size)
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _send_json(
        self,
        code: int,
        payload: Any,
        headers: Optional[Mapping[str, str]] = None,
        raw: Optional[bytes] = None,
    ) -> None:
        data = raw if raw is not None else json.dumps(payload).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _send_error_json(
        self, code: int, message: str, error_type: Optional[str] = None, **extra: Any
    ) -> None:
        body = error_body(message, error_type or default_error_type(code), **extra)
        self._send_json(code, body)

    def _send_partial(self, data: bytes, stall: Optional[float]) -> None:
        """Full Content-Length, half the body; then close (stall None) or stall and finish."""
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        half = len(data) // 2
        self.wfile.write(data[:half])
        if stall is None:
            self.close_connection = True
            return
        self.gw._sleep(stall)
        self.wfile.write(data[half:])

    # -- entry points

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_PUT(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    def _dispatch(self) -> None:
        try:
            self._handle()
        except _Stopped:
            self.close_connection = True
        except (ConnectionError, TimeoutError):
            self.close_connection = True

    def _handle(self) -> None:
        body = self._read_body()
        headers: dict[str, str] = {}
        for name, value in self.headers.items():
            key = name.lower()
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
        parsed: Any = None
        if body:
            try:
                parsed = json.loads(body)
            except ValueError:
                parsed = None
        self.gw._record(RecordedRequest(self.command, self.path, headers, body, parsed))
        self.gw._sleep(self.gw.latency)

        route = urlsplit(self.path).path.rstrip("/")
        if route == "/v1/models":
            if self.command != "GET":
                self._send_error_json(405, f"Method {self.command} not allowed")
                return
            self._models()
            return
        api: Literal["responses", "chat"]
        if route == "/v1/responses":
            api = "responses"
        elif route == "/v1/chat/completions":
            api = "chat"
        else:
            self._send_error_json(404, f"Not found: {self.command} {route or '/'}", "not_found")
            return
        if self.command != "POST":
            self._send_error_json(405, f"Method {self.command} not allowed")
            return
        if not self._authorized(headers.get("authorization", "")):
            return
        if not isinstance(parsed, dict):
            self._send_error_json(400, "Request body must be a JSON object")
            return
        model = parsed.get("model")
        if not isinstance(model, str) or not model:
            self._send_error_json(400, "Missing required parameter: 'model'.", param="model")
            return
        if api == "chat" and model in self.gw.chat_unsupported_models:
            self._send_error_json(
                400, CHAT_ONLY_RESPONSES_MESSAGE, "invalid_request_error", param="model"
            )
            return
        self._model_request(api, parsed, len(body))

    def _authorized(self, authorization: str) -> bool:
        if not authorization and not self.gw.require_auth:
            return True  # a local server: no key at all is fine
        scheme, _, token = authorization.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            self._send_error_json(
                401, "Missing or malformed Authorization header", "authentication_error"
            )
            return False
        valid = self.gw.valid_tokens
        if valid is not None and token not in valid:
            self._send_error_json(
                401, "Invalid API key or expired OIDC token", "authentication_error"
            )
            return False
        return True

    # -- /v1/models

    def _models(self) -> None:
        fault = self.gw._next_fault(models=True)
        data = json.dumps({"object": "list", "data": self.gw.models}).encode()
        if isinstance(fault, SlowHeaders):
            self.gw._sleep(fault.seconds)
        elif isinstance(fault, Status):
            self._status(fault)
            return
        elif isinstance(fault, Drop):
            self.close_connection = True
            return
        elif isinstance(fault, (CutStream, StallMidStream)):
            stall = fault.seconds if isinstance(fault, StallMidStream) else None
            self._send_partial(data, stall)
            return
        elif isinstance(fault, Answer):
            data = fault.text.encode()
        self._send_json(200, None, raw=data)

    def _status(self, fault: Status) -> None:
        if fault.body is None:
            message = fault.message or f"Fake gateway error {fault.code}"
            raw = json.dumps(
                error_body(message, fault.error_type or default_error_type(fault.code))
            ).encode()
        elif isinstance(fault.body, bytes):
            raw = fault.body
        elif isinstance(fault.body, str):
            raw = fault.body.encode()
        else:
            raw = json.dumps(fault.body).encode()
        self._send_json(fault.code, None, headers=fault.headers, raw=raw)

    # -- model endpoints

    def _model_request(
        self, api: Literal["responses", "chat"], body: dict[str, Any], body_len: int
    ) -> None:
        gw = self.gw
        fault = gw._next_fault(models=False)
        if isinstance(fault, Status):
            self._status(fault)
            return
        if isinstance(fault, Drop):
            self.close_connection = True
            return
        if isinstance(fault, SlowHeaders):
            gw._sleep(fault.seconds)
        stream = body.get("stream") is True
        if isinstance(fault, Failed) and not stream:
            self._send_error_json(500, fault.message, "internal_server_error")
            return

        if isinstance(fault, (Answer, Incomplete)) and fault.text is not None:
            text = fault.text
        else:
            try:
                answer = gw.reviewer(_review_input(api, body))
            except Exception as exc:
                gw.errors.append(exc)
                self._send_error_json(500, f"fake gateway reviewer raised: {exc!r}")
                return
            text = answer if isinstance(answer, str) else json.dumps(answer)
            if isinstance(fault, Incomplete):
                text = text[: len(text) // 2]

        builder: _Builder
        incomplete = isinstance(fault, Incomplete)
        cached = gw._cached_prefix(body)
        if api == "responses":
            builder = _ResponsesBuilder(gw, body, text, body_len, incomplete, cached)
        else:
            builder = _ChatBuilder(gw, body, text, body_len, incomplete, cached)
        if not stream:
            data = json.dumps(builder.full()).encode()
            if isinstance(fault, (CutStream, StallMidStream)):
                stall = fault.seconds if isinstance(fault, StallMidStream) else None
                self._send_partial(data, stall)
                return
            self._send_json(200, None, raw=data)
            return

        if isinstance(fault, EmptyStream):
            events: Iterator[bytes] = iter(())
        elif isinstance(fault, Interrupted) and isinstance(builder, _ChatBuilder):
            events = builder.interrupted_events()
        elif isinstance(fault, Failed):
            events = builder.failed_events(fault)
        else:
            events = builder.events()
        self._stream(events, fault)

    def _stream(self, events: Iterator[bytes], fault: Optional[Fault]) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for sent, event in enumerate(events):
            if isinstance(fault, CutStream) and sent >= fault.after_events:
                if fault.clean:
                    self.wfile.write(b"0\r\n\r\n")
                else:
                    self.close_connection = True
                return
            if isinstance(fault, StallMidStream) and sent == fault.after_events:
                self.gw._sleep(fault.seconds)
            if sent and self.gw.piece_delay:
                self.gw._sleep(self.gw.piece_delay)
            self.wfile.write(b"%x\r\n%s\r\n" % (len(event), event))
        self.wfile.write(b"0\r\n\r\n")


def _sse(event_type: Optional[str], payload: Any) -> bytes:
    data = payload if isinstance(payload, str) else json.dumps(payload)
    head = f"event: {event_type}\n" if event_type else ""
    return f"{head}data: {data}\n\n".encode()


@dataclass
class _Common:
    gw: FakeGateway
    body: dict[str, Any]
    text: str
    body_len: int
    incomplete: bool = False
    cached_prefix: int = 0  # tokens the prompt cache already held
    created: int = field(default_factory=lambda: int(time.time()))
    id: str = field(default_factory=lambda: _new_id("gen_"))

    def __post_init__(self) -> None:
        pass

    @property
    def model(self) -> str:
        return self.gw.served_model or str(self.body.get("model"))

    def full(self) -> dict[str, Any]:
        raise NotImplementedError

    def events(self) -> Iterator[bytes]:
        raise NotImplementedError

    def failed_events(self, fault: Failed) -> Iterator[bytes]:
        raise NotImplementedError

    def token_counts(self) -> tuple[int, int, int, int]:
        """(input, cached, output, reasoning) tokens."""
        input_tokens = _tokens(self.body_len)
        cached = min(self.gw.cached_tokens + self.cached_prefix, input_tokens)
        reasoning = self.gw.reasoning_tokens
        output = _tokens(len(self.text)) + reasoning
        return input_tokens, cached, output, reasoning


_Builder = _Common


class _ResponsesBuilder(_Common):
    """Responses API shapes (``Response`` and ``ResponseStreamEvent``)."""

    def __post_init__(self) -> None:
        self.reasoning_id = _new_id("rs_")
        self.message_id = _new_id("msg_")
        self.seq = 0

    def usage(self) -> dict[str, Any]:
        input_tokens, cached, output, reasoning = self.token_counts()
        return self.gw._usage_extra(
            {
                "input_tokens": input_tokens,
                "input_tokens_details": {"cached_tokens": cached, "cache_write_tokens": 0},
                "output_tokens": output,
                "output_tokens_details": {"reasoning_tokens": reasoning},
                "total_tokens": input_tokens + output,
            }
        )

    def reasoning_item(self) -> dict[str, Any]:
        return {"id": self.reasoning_id, "type": "reasoning", "summary": []}

    def text_part(self, text: str) -> dict[str, Any]:
        return {"type": "output_text", "text": text, "annotations": [], "logprobs": []}

    def message_item(self, status: str, content: list[dict[str, Any]]) -> dict[str, Any]:
        return {
            "id": self.message_id,
            "type": "message",
            "status": status,
            "role": "assistant",
            "content": content,
        }

    def response(self, status: str) -> dict[str, Any]:
        """The Response object; ``status`` "in_progress" gives the early snapshot."""
        request = self.body
        reasoning = request.get("reasoning")
        effort = reasoning.get("effort") if isinstance(reasoning, dict) else None
        text_param = request.get("text")
        instructions = request.get("instructions")
        max_output = request.get("max_output_tokens")
        final = status in ("completed", "incomplete")
        obj: dict[str, Any] = {
            "id": self.id,
            "object": "response",
            "created_at": self.created,
            "status": status,
            "background": False,
            "completed_at": int(time.time()) if status == "completed" else None,
            "error": None,
            "incomplete_details": (
                {"reason": "max_output_tokens"} if status == "incomplete" else None
            ),
            "instructions": instructions if isinstance(instructions, str) else None,
            "max_output_tokens": max_output if isinstance(max_output, int) else None,
            "max_tool_calls": None,
            "model": self.model,
            "output": [],
            "parallel_tool_calls": True,
            "previous_response_id": None,
            "reasoning": {"effort": effort or "medium", "summary": None},
            "service_tier": "default",
            "store": request.get("store") is not False,
            "temperature": 1.0,
            "text": text_param if isinstance(text_param, dict) else {"format": {"type": "text"}},
            "tool_choice": "auto",
            "tools": [],
            "top_p": 1.0,
            "truncation": "disabled",
            "metadata": {},
        }
        if final:
            message_status = "incomplete" if status == "incomplete" else "completed"
            obj["output"] = [
                self.reasoning_item(),
                self.message_item(message_status, [self.text_part(self.text)]),
            ]
            obj["usage"] = self.usage()
            self.gw._metadata_extra(obj)
        return obj

    def full(self) -> dict[str, Any]:
        return self.response("incomplete" if self.incomplete else "completed")

    def event(self, event_type: str, **fields: Any) -> bytes:
        payload = {"type": event_type, "sequence_number": self.seq, **fields}
        self.seq += 1
        return _sse(event_type, payload)

    def opening(self) -> Iterator[bytes]:
        yield self.event("response.created", response=self.response("in_progress"))
        yield self.event("response.in_progress", response=self.response("in_progress"))

    def events(self) -> Iterator[bytes]:
        yield from self.opening()
        yield self.event("response.output_item.added", output_index=0, item=self.reasoning_item())
        yield self.event("response.output_item.done", output_index=0, item=self.reasoning_item())
        where = {"item_id": self.message_id, "output_index": 1, "content_index": 0}
        yield self.event(
            "response.output_item.added",
            output_index=1,
            item=self.message_item("in_progress", []),
        )
        yield self.event("response.content_part.added", **where, part=self.text_part(""))
        for piece in _split(self.text, self.gw.stream_pieces):
            yield self.event("response.output_text.delta", **where, delta=piece, logprobs=[])
        yield self.event("response.output_text.done", **where, text=self.text, logprobs=[])
        yield self.event("response.content_part.done", **where, part=self.text_part(self.text))
        final = self.full()
        yield self.event("response.output_item.done", output_index=1, item=final["output"][1])
        if self.incomplete:
            yield self.event("response.incomplete", response=final)
        else:
            yield self.event("response.completed", response=final)

    def failed_events(self, fault: Failed) -> Iterator[bytes]:
        yield from self.opening()
        if fault.event == "error":
            yield self.event("error", code="server_error", message=fault.message, param=None)
            return
        failed = self.response("failed")
        failed["error"] = {"code": "server_error", "message": fault.message}
        yield self.event("response.failed", response=failed)


class _ChatBuilder(_Common):
    """Chat completions shapes (``chat.completion`` and ``chat.completion.chunk``)."""

    def usage(self) -> dict[str, Any]:
        input_tokens, cached, output, reasoning = self.token_counts()
        return self.gw._usage_extra(
            {
                "prompt_tokens": input_tokens,
                "completion_tokens": output,
                "total_tokens": input_tokens + output,
                "prompt_tokens_details": {"cached_tokens": cached, "audio_tokens": 0},
                "completion_tokens_details": {
                    "reasoning_tokens": reasoning,
                    "audio_tokens": 0,
                    "accepted_prediction_tokens": 0,
                    "rejected_prediction_tokens": 0,
                },
            }
        )

    @property
    def finish_reason(self) -> str:
        return "length" if self.incomplete else "stop"

    def full(self) -> dict[str, Any]:
        obj: dict[str, Any] = {
            "id": self.id,
            "object": "chat.completion",
            "created": self.created,
            "model": self.model,
            "choices": [
                {
                    "index": 0,
                    "message": {
                        "role": "assistant",
                        "content": self.text,
                        "refusal": None,
                        "annotations": [],
                    },
                    "logprobs": None,
                    "finish_reason": self.finish_reason,
                }
            ],
            "usage": self.usage(),
            "service_tier": "default",
        }
        return self.gw._metadata_extra(obj)

    @property
    def include_usage(self) -> bool:
        options = self.body.get("stream_options")
        asked = isinstance(options, dict) and options.get("include_usage") is True
        return asked and self.gw.stream_usage

    def chunk(self, choices: list[dict[str, Any]], usage: Any = None, last: bool = False) -> bytes:
        payload: dict[str, Any] = {
            "id": self.id,
            "object": "chat.completion.chunk",
            "created": self.created,
            "model": self.model,
            "service_tier": "default",
            "choices": choices,
        }
        if self.include_usage:
            payload["usage"] = usage
        if last:
            self.gw._metadata_extra(payload)
        return _sse(None, payload)

    def choice(self, delta: dict[str, Any], finish_reason: Optional[str] = None) -> bytes:
        last = finish_reason is not None and not self.include_usage
        return self.chunk(
            [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish_reason}],
            last=last,
        )

    def events(self) -> Iterator[bytes]:
        yield self.choice({"role": "assistant", "content": ""})
        if self.gw.chat_reasoning:
            yield self.choice({"reasoning": self.gw.chat_reasoning})
        pieces = _split(self.text, self.gw.stream_pieces)
        for number, piece in enumerate(pieces, start=1):
            last = number == len(pieces)
            yield self.choice({"content": piece}, self.finish_reason if last else None)
        if not pieces:
            yield self.choice({}, self.finish_reason)
        if self.include_usage:
            yield self.chunk([], usage=self.usage(), last=True)
        yield _sse(None, "[DONE]")

    def failed_events(self, fault: Failed) -> Iterator[bytes]:
        yield self.choice({"role": "assistant", "content": ""})
        yield _sse(None, error_body(fault.message, "server_error"))

    def interrupted_events(self) -> Iterator[bytes]:
        yield self.choice({"role": "assistant", "content": ""})
        yield self.choice({"content": self.text[: len(self.text) // 3]})
        yield _sse(None, "[DONE]")

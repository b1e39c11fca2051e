"""The two OpenAI wire formats: request bodies, and answers read back,
whole or streamed. No HTTP here (client.py) and no git (git.py)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, NamedTuple


class ModelRequest(NamedTuple):
    model: str
    instructions: str
    input: str
    schema: Mapping[str, Any]
    max_output_tokens: int
    reasoning_effort: str | None = None
    schema_name: str = "review"
    # Top-level body fields for the gateway, e.g. providerOptions.
    extra: Mapping[str, Any] = {}
    # Sampling, for the models that take it (not OpenAI's reasoning models):
    # None sends nothing. `seed` goes only where the API has one (chat).
    temperature: float | None = None
    seed: int | None = None
    # Groups requests that share a prefix for the provider's prompt cache
    # (Responses API): per repository and profile.
    cache_key: str | None = None


class Usage(NamedTuple):
    input_tokens: int = 0
    cached_tokens: int = 0
    output_tokens: int = 0
    reasoning_tokens: int = 0
    cost: float | None = None  # the gateway's own figure, USD, when it gave one
    requests: int = 0
    # How many answers carried that figure: a sum over only some requests is
    # not the run's cost.
    priced: int = 0
    # How many answers came without usage, their tokens estimated instead.
    estimated: int = 0

    def __add__(self, other: object) -> Usage:
        if not isinstance(other, Usage):
            return NotImplemented
        cost = (
            None
            if self.cost is None and other.cost is None
            else ((self.cost or 0.0) + (other.cost or 0.0))
        )
        return Usage(
            self.input_tokens + other.input_tokens,
            self.cached_tokens + other.cached_tokens,
            self.output_tokens + other.output_tokens,
            self.reasoning_tokens + other.reasoning_tokens,
            cost,
            self.requests + other.requests,
            self.priced + other.priced,
            self.estimated + other.estimated,
        )


class Answer(NamedTuple):
    text: str
    usage: Usage
    response_id: str | None
    # "completed", or why the answer stopped short ("max_output_tokens", ...)
    status: str
    # The model the server says answered: a local server serves its one
    # model under any name asked for.
    model: str | None = None
    reported_usage: bool = True  # False: the answer carried no usage at all
    speed: Speed | None = None  # measured from the stream; None unstreamed


class Speed(NamedTuple):
    """How fast a streamed answer came: from the request sent to the first
    byte of its text (reasoning and queueing included), and then while the
    text streamed."""

    first_token: float  # seconds
    streaming: float  # seconds from the first byte of text to the last

    def per_second(self, tokens: int) -> float | None:
        """Output tokens per second while the answer streamed; None when it
        came in one piece (nothing to measure a rate over)."""
        return tokens / self.streaming if self.streaming > 0.001 and tokens else None


class WireError(Exception):
    """The server's answer does not fit the wire format, or reports a failure."""

    def __init__(
        self, message: str, retryable: bool = True, cut: bool = False, empty: bool = False
    ) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.cut = cut  # the stream ended before its end
        self.empty = empty  # ...or before it began: not one event


def encode(body: Mapping[str, Any]) -> bytes:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


# ---- Responses API --------------------------------------------------------


def responses_body(req: ModelRequest, stream: bool) -> dict[str, Any]:
    body: dict[str, Any] = {
        "model": req.model,
        "instructions": req.instructions,
        "input": req.input,
        "text": {
            "format": {
                "type": "json_schema",
                "name": req.schema_name,
                "schema": req.schema,
                "strict": True,
            }
        },
        "max_output_tokens": req.max_output_tokens,
        "stream": stream,
        "store": False,
    }
    if req.reasoning_effort:
        body["reasoning"] = {"effort": req.reasoning_effort}
    if req.temperature is not None:
        body["temperature"] = req.temperature
    if req.cache_key:
        body["prompt_cache_key"] = req.cache_key
    body.update(req.extra)
    return body


def _cost(usage: Mapping[str, Any], body: Mapping[str, Any]) -> float | None:
    cost = usage.get("cost")
    if isinstance(cost, (int, float)) and not isinstance(cost, bool):
        return float(cost)
    meta = body.get("providerMetadata")
    if isinstance(meta, Mapping):
        gw = meta.get("gateway")
        if isinstance(gw, Mapping):
            try:
                return float(gw.get("cost"))  # type: ignore[arg-type]
            except (TypeError, ValueError):
                return None
    return None


def _model(body: Mapping[str, Any]) -> str | None:
    model = body.get("model")
    return model if isinstance(model, str) and model else None


def _int(d: Any, *keys: str) -> int:
    for k in keys:
        if not isinstance(d, Mapping):
            return 0
        d = d.get(k)
    return d if isinstance(d, int) and not isinstance(d, bool) else 0


def responses_usage(body: Mapping[str, Any]) -> Usage:
    u = body.get("usage")
    if not isinstance(u, Mapping):
        return Usage(requests=1)
    cost = _cost(u, body)
    return Usage(
        _int(u, "input_tokens"),
        _int(u, "input_tokens_details", "cached_tokens"),
        _int(u, "output_tokens"),
        _int(u, "output_tokens_details", "reasoning_tokens"),
        cost,
        1,
        int(cost is not None),
    )


def responses_answer(body: Any) -> Answer:
    """A whole (non-streamed) Responses API answer, or the `response` of a
    `response.completed` event."""
    if not isinstance(body, Mapping):
        raise WireError("the answer is not a JSON object")
    status = body.get("status", "completed")
    if status == "failed":
        err = body.get("error") or {}
        raise WireError(f"the model failed: {err.get('message', 'no reason given')}")
    texts = []
    refusal = None
    for item in body.get("output") or ():
        if not isinstance(item, Mapping) or item.get("type") != "message":
            continue
        for part in item.get("content") or ():
            if isinstance(part, Mapping) and part.get("type") == "output_text":
                texts.append(str(part.get("text", "")))
            elif isinstance(part, Mapping) and part.get("type") == "refusal":
                refusal = str(part.get("refusal", ""))
    if refusal is not None and not texts:
        raise WireError(f"the model refused: {refusal}", retryable=False)
    if status == "incomplete":
        details = body.get("incomplete_details") or {}
        status = str(details.get("reason") or "incomplete")
    rid = body.get("id")
    return Answer(
        "".join(texts),
        responses_usage(body),
        rid if isinstance(rid, str) else None,
        str(status),
        _model(body),
        isinstance(body.get("usage"), Mapping),
    )


class ResponsesStream:
    """Reads the events of a streamed Responses API answer."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.answer: Answer | None = None
        self.events = 0

    def feed(self, event: str | None, data: str) -> None:
        self.events += 1
        try:
            payload = json.loads(data)
        except (ValueError, RecursionError):
            raise WireError(f"a stream event is not JSON: {data[:80]!r}") from None
        kind = (payload.get("type") if isinstance(payload, dict) else None) or event
        if kind == "response.output_text.delta":
            self.parts.append(str(payload.get("delta", "")))
        elif kind in ("response.completed", "response.incomplete"):
            answer = responses_answer(payload.get("response"))
            # Prefer the final response's own text; fall back on the deltas
            # for servers that send a completed event without output.
            text = answer.text or "".join(self.parts)
            self.answer = answer._replace(text=text)
        elif kind == "response.failed":
            responses_answer(payload.get("response") or {"status": "failed"})
            raise WireError("the model failed")  # pragma: no cover (raised above)
        elif kind == "error":
            raise WireError(f"the service reported an error: {payload.get('message', data)}")

    def finish(self) -> Answer:
        if not self.events:
            raise WireError("the answer stream was empty", empty=True)
        if self.answer is None:
            raise WireError("the answer stream ended before its completion event", cut=True)
        return self.answer


# ---- Chat completions -----------------------------------------------------


def chat_body(req: ModelRequest, stream: bool, form: str = "json_schema") -> dict[str, Any]:
    """`form`: how the answer's schema is asked for (server.FORMS): as
    OpenAI takes it, as json_object with the schema beside it (what
    llama-cpp-python takes), or as json_object with the schema in the
    instructions."""
    instructions = req.instructions
    if form == "json_schema":
        response_format: dict[str, Any] = {
            "type": "json_schema",
            "json_schema": {"name": req.schema_name, "schema": req.schema, "strict": True},
        }
    elif form == "json_object_schema":
        response_format = {"type": "json_object", "schema": req.schema}
    else:
        response_format = {"type": "json_object"}
        schema = json.dumps(req.schema, separators=(",", ":"))
        instructions += f"\n\nAnswer with one JSON object that follows this JSON schema: {schema}"
    body: dict[str, Any] = {
        "model": req.model,
        "messages": [
            {"role": "system", "content": instructions},
            {"role": "user", "content": req.input},
        ],
        "response_format": response_format,
        "max_tokens": req.max_output_tokens,
        "stream": stream,
    }
    if stream:
        body["stream_options"] = {"include_usage": True}
    if req.temperature is not None:
        body["temperature"] = req.temperature
    if req.seed is not None:
        body["seed"] = req.seed
    body.update(req.extra)
    return body


def chat_usage(body: Mapping[str, Any]) -> Usage:
    u = body.get("usage")
    if not isinstance(u, Mapping):
        return Usage()
    cost = _cost(u, body)
    return Usage(
        _int(u, "prompt_tokens"),
        _int(u, "prompt_tokens_details", "cached_tokens"),
        _int(u, "completion_tokens"),
        _int(u, "completion_tokens_details", "reasoning_tokens"),
        cost,
        priced=int(cost is not None),
    )


_CHAT_STATUS = {"stop": "completed", "length": "max_output_tokens"}


def chat_answer(body: Any) -> Answer:
    if not isinstance(body, Mapping):
        raise WireError("the answer is not a JSON object")
    choices = body.get("choices")
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], Mapping):
        raise WireError("the answer has no choices")
    message = choices[0].get("message") or {}
    content = message.get("content")
    if not content and message.get("refusal"):
        raise WireError(f"the model refused: {message['refusal']}", retryable=False)
    reason = choices[0].get("finish_reason") or "stop"
    rid = body.get("id")
    return Answer(
        str(content or ""),
        chat_usage(body)._replace(requests=1),
        rid if isinstance(rid, str) else None,
        _CHAT_STATUS.get(reason, str(reason)),
        _model(body),
        isinstance(body.get("usage"), Mapping),
    )


class ChatStream:
    """Reads the chunks of a streamed chat completion."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.usage = Usage()
        self.reason: str | None = None
        self.response_id: str | None = None
        self.model: str | None = None
        self.usage_seen = False
        self.events = 0
        self.done = False

    def feed(self, event: str | None, data: str) -> None:
        self.events += 1
        if data.strip() == "[DONE]":
            self.done = True
            return
        try:
            chunk = json.loads(data)
        except (ValueError, RecursionError):
            raise WireError(f"a stream chunk is not JSON: {data[:80]!r}") from None
        if not isinstance(chunk, dict):
            raise WireError("a stream chunk is not a JSON object")
        if "error" in chunk:
            err = chunk["error"]
            msg = err.get("message") if isinstance(err, dict) else err
            raise WireError(f"the service reported an error: {msg}")
        if isinstance(chunk.get("id"), str):
            self.response_id = chunk["id"]
        self.model = _model(chunk) or self.model
        if isinstance(chunk.get("usage"), dict):
            self.usage = chat_usage(chunk)
            self.usage_seen = True
        for choice in chunk.get("choices") or ():
            delta = choice.get("delta") or {}
            if isinstance(delta.get("content"), str):
                self.parts.append(delta["content"])
            if choice.get("finish_reason"):
                self.reason = choice["finish_reason"]

    def finish(self) -> Answer:
        if not self.events:
            raise WireError("the answer stream was empty", empty=True)
        if self.reason is None:
            # Ended without a finish_reason, even with its [DONE]: a stream
            # that another request interrupted (llama-cpp-python's
            # interrupt_requests), not a whole answer.
            raise WireError("the answer stream ended before its last chunk", cut=True)
        status = _CHAT_STATUS.get(self.reason or "stop", self.reason or "completed")
        return Answer(
            "".join(self.parts),
            self.usage._replace(requests=1),
            self.response_id,
            status,
            self.model,
            self.usage_seen,
        )

"""The model client: HTTP, auth, timeouts, retries. Knows the wire formats
(wire.py), nothing about git or findings.

Every failure ends as a ServiceError whose message says what the user can do,
naming the model, the server's host and the credential variable, never the
credential itself.
"""

from __future__ import annotations

import email.utils
import ipaddress
import json
import random
import threading
import time
from collections.abc import Mapping
from typing import Any, NamedTuple
from urllib.parse import urlsplit

import httpx

from commitgate import __version__, sse, wire
from commitgate.errors import ConfigError, ReviewUnavailable

TOKEN_VARIABLES = ("AI_GATEWAY_API_KEY", "VERCEL_OIDC_TOKEN")
_ONLY_RESPONSES = "only supported in v1/responses"
# An answer larger than this is not a review (the schema caps findings at a
# few kilobytes each); reading stops there.
MAX_ANSWER_BYTES = 4 * 1024 * 1024


class Credential(NamedTuple):
    token: str
    variable: str  # the environment variable it came from: safe to show

    def __repr__(self) -> str:
        return f"Credential(variable={self.variable!r})"


def find_credential(env: Mapping[str, str]) -> Credential | None:
    """AI_GATEWAY_API_KEY, else VERCEL_OIDC_TOKEN; an API key wins even when
    it is invalid, as with the gateway's own SDK."""
    for name in TOKEN_VARIABLES:
        value = env.get(name, "").strip()
        if value:
            return Credential(value, name)
    return None


NO_CREDENTIAL = (
    "no credentials for the model service: set AI_GATEWAY_API_KEY (create a key in the "
    "Vercel dashboard under AI Gateway > API Keys) or VERCEL_OIDC_TOKEN (run "
    "`vercel env pull` in a linked project; it expires after about 12 hours)"
)


class ServiceError(ReviewUnavailable):
    """The model service could not give an answer."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        retryable: bool = False,
        retry_after: float | None = None,
        use_responses: bool = False,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.retryable = retryable
        self.retry_after = retry_after
        self.use_responses = use_responses


class Deadline:
    """The time left for the whole review."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.at = time.monotonic() + seconds

    def remaining(self) -> float:
        return max(0.0, self.at - time.monotonic())

    def expired(self) -> bool:
        return self.remaining() <= 0


class RetryPolicy(NamedTuple):
    retries: int = 3
    backoff: float = 1.0  # the first wait; doubled each time, with jitter
    max_backoff: float = 30.0
    max_retry_after: float = 60.0  # a longer Retry-After is capped to this


DEFAULT_RETRY = RetryPolicy()


class Endpoint(NamedTuple):
    base_url: str
    api: str  # responses | chat
    stream: bool
    connect_timeout: float
    read_timeout: float
    ca_bundle: str = ""
    allow_http: bool = False


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_base_url(url: str, allow_http: bool) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"base-url {url!r} is not an http(s) URL")
    if parts.scheme == "http" and not allow_http and not is_loopback(parts.hostname):
        raise ConfigError(
            f"base-url {url!r} sends your code and credential unencrypted to "
            f"{parts.hostname}: use https, or set allow-http = true if you mean it"
        )
    return url.rstrip("/")


class ModelClient:
    def __init__(
        self,
        endpoint: Endpoint,
        credential: Credential,
        retry: RetryPolicy = DEFAULT_RETRY,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = check_base_url(endpoint.base_url, endpoint.allow_http)
        self.host = urlsplit(self.base_url).hostname or self.base_url
        self.endpoint = endpoint
        self.api = endpoint.api
        self.credential = credential
        self.retry = retry
        self.notes: list[str] = []
        self._lock = threading.Lock()
        # Loading CA certificates takes tens of milliseconds: only for https.
        verify: Any = (endpoint.ca_bundle or True) if self.base_url.startswith("https:") else False
        self._http = httpx.Client(
            transport=transport,
            verify=verify,
            headers={
                "authorization": f"Bearer {credential.token}",
                "user-agent": f"commitgate/{__version__}",
                "x-title": "commitgate",
            },
            follow_redirects=False,
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> ModelClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the one public call -------------------------------------------------

    def complete(self, req: wire.ModelRequest, deadline: Deadline) -> wire.Answer:
        """One answer, retrying what is worth retrying within the deadline."""
        attempt = 0
        while True:
            if deadline.expired():
                raise ServiceError(f"the review deadline ({deadline.seconds:g}s) passed")
            try:
                return self._once(req, deadline)
            except ServiceError as e:
                if e.use_responses and self.api == "chat":
                    with self._lock:
                        if self.api == "chat":
                            self.api = "responses"
                            self.notes.append(
                                f"{req.model} is only served on the Responses API: switched "
                                'to it (set api = "responses" to skip this round trip)'
                            )
                    continue
                if not e.retryable or attempt >= self.retry.retries:
                    if e.retryable and attempt:
                        raise ServiceError(
                            f"{e} (gave up after {attempt + 1} attempts)", status=e.status
                        ) from None
                    raise
                wait = self._wait(e, attempt)
                if wait >= deadline.remaining():
                    raise ServiceError(
                        f"{e} (no time left to retry within the {deadline.seconds:g}s deadline)",
                        status=e.status,
                    ) from None
                time.sleep(wait)
                attempt += 1

    def _wait(self, e: ServiceError, attempt: int) -> float:
        if e.retry_after is not None:
            return min(e.retry_after, self.retry.max_retry_after)
        base: float = min(self.retry.backoff * 2.0**attempt, self.retry.max_backoff)
        return base * random.uniform(0.5, 1.0)

    # -- one attempt ---------------------------------------------------------

    def _once(self, req: wire.ModelRequest, deadline: Deadline) -> wire.Answer:
        api, stream = self.api, self.endpoint.stream
        if api == "chat":
            url, body = f"{self.base_url}/chat/completions", wire.chat_body(req, stream)
        else:
            url, body = f"{self.base_url}/responses", wire.responses_body(req, stream)
        left = deadline.remaining()
        timeout = httpx.Timeout(
            connect=min(self.endpoint.connect_timeout, left),
            read=min(self.endpoint.read_timeout, left),
            write=min(self.endpoint.read_timeout, left),
            pool=min(self.endpoint.connect_timeout, left),
        )
        try:
            with self._http.stream(
                "POST",
                url,
                content=wire.encode(body),
                timeout=timeout,
                headers={
                    "content-type": "application/json",
                    "accept": "text/event-stream" if stream else "application/json",
                },
            ) as r:
                if r.status_code >= 400:
                    raise self._http_error(r, req.model)
                if r.status_code != 200:
                    raise ServiceError(
                        f"{self.host} answered HTTP {r.status_code} instead of an answer",
                        status=r.status_code,
                    )
                ctype = r.headers.get("content-type", "")
                if "text/event-stream" in ctype:
                    return self._read_stream(r, api, deadline)
                return self._read_whole(r, api)
        except httpx.TimeoutException as e:
            kind = "connect" if isinstance(e, httpx.ConnectTimeout) else "read"
            raise ServiceError(
                f"{self.host} did not answer in time ({kind} timeout)", retryable=True
            ) from None
        except httpx.TransportError as e:
            raise ServiceError(
                f"could not reach {self.host}: {self.scrub(str(e)) or type(e).__name__}",
                retryable=True,
            ) from None
        except wire.WireError as e:
            raise ServiceError(
                f"unusable answer from {self.host}: {self.scrub(str(e))}", retryable=e.retryable
            ) from None

    def _read_whole(self, r: httpx.Response, api: str) -> wire.Answer:
        data = bytearray()
        for chunk in r.iter_bytes():
            data += chunk
            if len(data) > MAX_ANSWER_BYTES:
                raise wire.WireError(
                    f"the answer is larger than {MAX_ANSWER_BYTES // 1024 // 1024} MB",
                    retryable=False,
                )
        try:
            body = json.loads(bytes(data))
        except (ValueError, RecursionError):
            raise wire.WireError("the answer is not JSON") from None
        return wire.chat_answer(body) if api == "chat" else wire.responses_answer(body)

    def _read_stream(self, r: httpx.Response, api: str, deadline: Deadline) -> wire.Answer:
        reader: wire.ResponsesStream | wire.ChatStream = (
            wire.ChatStream() if api == "chat" else wire.ResponsesStream()
        )
        size = 0

        def lines() -> Any:
            nonlocal size
            for line in r.iter_lines():
                size += len(line)
                if size > MAX_ANSWER_BYTES:
                    raise wire.WireError(
                        f"the answer is larger than {MAX_ANSWER_BYTES // 1024 // 1024} MB",
                        retryable=False,
                    )
                if deadline.expired():
                    raise ServiceError(f"the review deadline ({deadline.seconds:g}s) passed")
                yield line

        for name, data in sse.events(lines()):
            reader.feed(name, data)
        return reader.finish()

    # -- errors --------------------------------------------------------------

    def scrub(self, text: str) -> str:
        """Remove the credential from text that came from elsewhere."""
        token = self.credential.token
        return text.replace(token, "[redacted]") if token else text

    def _http_error(self, r: httpx.Response, model: str) -> ServiceError:
        try:
            raw = r.read()[:65536]
        except httpx.HTTPError:
            raw = b""
        detail, kind = _error_detail(raw)
        detail = self.scrub(detail)
        status = r.status_code
        host, var = self.host, self.credential.variable
        said = f": {detail}" if detail else ""
        if _ONLY_RESPONSES in detail:
            return ServiceError(detail, status=status, use_responses=True)
        if status == 429:
            return ServiceError(
                f"{host} is rate-limiting requests (HTTP 429){said}",
                status=status,
                retryable=True,
                retry_after=parse_retry_after(r.headers.get("retry-after")),
            )
        if status >= 500:
            return ServiceError(
                f"{host} had a server error (HTTP {status}){said}", status=status, retryable=True
            )
        if kind == "no_providers_available" or "no_providers_available" in detail:
            return ServiceError(
                f"no provider of {model} on {host} satisfies the request's routing options: "
                "with zero-data-retention on, only providers that retain no data may serve it, "
                "and with provider-only, only those listed. Choose a model they serve, or "
                "relax those settings" + said,
                status=status,
            )
        advice = {
            400: f"{host} rejected the request for {model}{said}. If the model or server does "
            'not support this API, try api = "chat" or api = "responses"',
            401: f"{host} did not accept the credential in {var} (HTTP 401){said}. "
            + (
                "Run `vercel env pull` to get a fresh token (they expire after about 12 hours)"
                if var == "VERCEL_OIDC_TOKEN"
                else "Check the key in the Vercel dashboard under AI Gateway > API Keys"
            ),
            402: f"{host} refused for lack of funds or budget (HTTP 402){said}. Add credits or "
            "raise the budget in the Vercel dashboard",
            403: f"{host} refused access to {model} with the credential in {var} "
            f"(HTTP 403){said}. Check the team's plan, verification and provider settings",
            404: f"{host} does not know model {model!r} or this endpoint (HTTP 404){said}. "
            "Check the model id (e.g. openai/gpt-5.1-codex-mini) and base-url",
        }
        return ServiceError(
            advice.get(status, f"{host} answered HTTP {status}{said}"), status=status
        )


def _error_detail(raw: bytes) -> tuple[str, str]:
    """The message and type of a gateway error body, else the body's start."""
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError):
        return raw.decode("utf-8", "replace").strip()[:300], ""
    err = body.get("error") if isinstance(body, dict) else None
    if isinstance(err, dict):
        return str(err.get("message", ""))[:500], str(err.get("type") or err.get("code") or "")
    if isinstance(err, str):
        return err[:500], ""
    return json.dumps(body)[:300], ""


def parse_retry_after(value: str | None) -> float | None:
    """Seconds, or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - time.time())

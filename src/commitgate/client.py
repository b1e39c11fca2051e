"""The model client: HTTP, auth, timeouts, retries. Knows the wire formats
(wire.py), nothing about git or findings.

Every failure ends as a ServiceError whose message says what the user can do,
naming the model, the server's host and the credential variable, never the
credential itself.
"""

from __future__ import annotations

import codecs
import email.utils
import ipaddress
import json
import random
import string
import threading
import time
from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple
from urllib.parse import urlsplit

import httpx

from commitgate import __version__, sse, wire
from commitgate.deadline import Deadline
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


# What an HTTP header may carry: a token with anything else was pasted wrong
# (a line break, a quote), and would be refused before it is sent.
_TOKEN_CHARS = frozenset(string.ascii_letters + string.digits + string.punctuation)


def credential_problem(credential: Credential) -> str | None:
    """Why the credential cannot be sent, without showing it."""
    if not set(credential.token) <= _TOKEN_CHARS:
        return (
            f"{credential.variable} holds characters a token cannot have (white space, a line "
            "break or a non-ASCII character): set it again, to the token alone"
        )
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
        verify: Any = (
            tls_context(endpoint.ca_bundle) if self.base_url.startswith("https:") else False
        )
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
                raise ServiceError(deadline.missed("its request was sent"))
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
                            f"{e}; gave up after {attempt + 1} attempts", status=e.status
                        ) from None
                    raise
                wait = self._wait(e, attempt)
                if wait >= deadline.remaining():
                    why = (
                        f"it asked to wait {e.retry_after:.0f}s, past"
                        if e.retry_after is not None
                        else "no time left to retry within"
                    )
                    raise ServiceError(
                        f"{e}; {why} the {deadline.seconds:g}s review deadline",
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
                return self._read_whole(r, api, deadline)
        except httpx.TimeoutException as e:
            if deadline.expired():
                # The timeout was cut short to end at the deadline.
                raise ServiceError(deadline.missed()) from None
            if isinstance(e, httpx.ConnectTimeout):
                t = self.endpoint.connect_timeout
                message = (
                    f"could not connect to {self.host} within {t:g}s (connect-timeout = {t:g})"
                )
            else:
                t = self.endpoint.read_timeout
                message = f"{self.host} sent nothing for {t:g}s (timeout = {t:g})"
            raise ServiceError(message, retryable=True) from None
        except httpx.TransportError as e:
            refused = _certificate_problem(e)
            if refused:
                raise ServiceError(
                    f"could not verify the TLS certificate of {self.host}: {refused}. If your "
                    "network re-signs TLS traffic (a company proxy), set ca-bundle to its CA "
                    "certificate file"
                ) from None
            what = (
                "could not connect to"
                if isinstance(e, httpx.ConnectError)
                else "lost the connection to"
            )
            raise ServiceError(
                f"{what} {self.host}: {self.scrub(str(e)) or type(e).__name__}",
                retryable=True,
            ) from None
        except wire.WireError as e:
            raise ServiceError(
                f"unusable answer from {self.host}: {self.scrub(str(e))}", retryable=e.retryable
            ) from None

    def _body(self, r: httpx.Response, deadline: Deadline) -> Iterator[bytes]:
        """The answer's bytes, cut off at MAX_ANSWER_BYTES and at the deadline:
        a server that trickles bytes, or one endless line, must not hold the
        commit (the read timeout only catches silence)."""
        size = 0
        for chunk in r.iter_bytes():
            size += len(chunk)
            if size > MAX_ANSWER_BYTES:
                raise wire.WireError(
                    f"the answer is larger than {MAX_ANSWER_BYTES // 1024 // 1024} MB",
                    retryable=False,
                )
            if deadline.expired():
                raise ServiceError(deadline.missed())
            yield chunk

    def _read_whole(self, r: httpx.Response, api: str, deadline: Deadline) -> wire.Answer:
        data = b"".join(self._body(r, deadline))
        try:
            body = json.loads(data)
        except (ValueError, RecursionError):
            raise wire.WireError("the answer is not JSON") from None
        return wire.chat_answer(body) if api == "chat" else wire.responses_answer(body)

    def _read_stream(self, r: httpx.Response, api: str, deadline: Deadline) -> wire.Answer:
        reader: wire.ResponsesStream | wire.ChatStream = (
            wire.ChatStream() if api == "chat" else wire.ResponsesStream()
        )

        def lines() -> Iterator[str]:
            # Split on "\n" only (sse strips a "\r" before it): a JSON string
            # may hold U+2028, which str.splitlines would also split on.
            decoder = codecs.getincrementaldecoder("utf-8")("replace")
            pending = ""
            for chunk in self._body(r, deadline):
                text = decoder.decode(chunk)
                if "\n" not in text:
                    pending += text
                    continue
                *complete, pending = (pending + text).split("\n")
                yield from complete
            pending += decoder.decode(b"", final=True)
            if pending:
                yield pending

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
                f"no provider on {host} may serve {model} for this request (HTTP {status} "
                f"no_providers_available{said}): under zero data retention "
                "(zero-data-retention = true) only providers that retain no data are eligible, "
                "and bring-your-own keys are skipped; with provider-only, only the providers "
                f"listed. Choose a model they serve, or relax those settings (credential: {var})",
                status=status,
            )
        advice = {
            400: f"{host} rejected the request for {model} (HTTP 400){said}. If the server "
            'does not support this API, set api = "chat" or api = "responses" '
            f"(credential: {var})",
            401: f"{host} did not accept the credential in {var} for {model} (HTTP 401){said}. "
            + (
                "Run `vercel env pull` for a fresh token (they expire after about 12 hours), "
                "or set AI_GATEWAY_API_KEY"
                if var == "VERCEL_OIDC_TOKEN"
                else "Check the key in the Vercel dashboard under AI Gateway > API Keys; "
                "it is used even when VERCEL_OIDC_TOKEN is also set"
            ),
            402: f"{host} refused the request for {model} for lack of funds or budget "
            f"(HTTP 402){said}. Add credits or raise the budget of the team whose credential "
            f"is in {var}, in the Vercel dashboard",
            403: f"{host} refused access to {model} with the credential in {var} "
            f"(HTTP 403){said}. Check the team's plan, verification and provider settings",
            404: f"{host} does not know model {model!r} or this endpoint (HTTP 404){said}. "
            "Check the model id (e.g. openai/gpt-5.1-codex-mini) and base-url "
            f"(credential: {var})",
        }
        return ServiceError(
            advice.get(status, f"{host} answered HTTP {status}{said} (model: {model})"),
            status=status,
        )


def _certificate_problem(e: BaseException) -> str | None:
    """Why the server's certificate was refused, if that is what failed.
    Retrying would not help, so it is told apart from other network errors."""
    import ssl

    seen: BaseException | None = e
    while seen is not None:
        if isinstance(seen, ssl.SSLCertVerificationError):
            return str(seen.verify_message or seen.reason or "verification failed")
        seen = seen.__cause__ or seen.__context__
    return None


def tls_context(ca_bundle: str) -> Any:
    """TLS with verification always on: the system's CAs, or the configured bundle."""
    if not ca_bundle:
        return True
    import ssl

    try:
        return ssl.create_default_context(cafile=ca_bundle)
    except FileNotFoundError:
        raise ConfigError(f"ca-bundle {ca_bundle!r}: no such file") from None
    except ssl.SSLError:
        raise ConfigError(f"ca-bundle {ca_bundle!r}: not a PEM file of CA certificates") from None
    except OSError as e:
        raise ConfigError(f"ca-bundle {ca_bundle!r}: {e.strerror or e}") from None


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

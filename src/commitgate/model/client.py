"""The model client: HTTP, auth, timeouts, retries. Knows the wire formats
(wire.py), nothing about git or findings. Every failure ends as a
ServiceError (errors.py)."""

from __future__ import annotations

import codecs
import json
import random
import threading
import time
from collections.abc import Iterator
from typing import Any, NamedTuple
from urllib.parse import urlsplit

import httpx

from commitgate import __version__
from commitgate.model import sse, wire
from commitgate.model.credential import Credential
from commitgate.model.deadline import Deadline
from commitgate.model.endpoint import Endpoint, check_base_url, tls_context
from commitgate.model.errors import ServiceError, certificate_problem, error_detail, explain
from commitgate.model.server import FORM_NAMES, FORMS, Profile
from commitgate.model.throttle import Throttle
from commitgate.scrub import Scrubber

# An answer larger than this is not a review (the schema caps findings at a
# few kilobytes each); reading stops there.
MAX_ANSWER_BYTES = 4 * 1024 * 1024


class RetryPolicy(NamedTuple):
    retries: int = 3
    backoff: float = 1.0  # the first wait; doubled each time, with jitter
    max_backoff: float = 30.0
    max_retry_after: float = 60.0  # a longer Retry-After is capped to this


DEFAULT_RETRY = RetryPolicy()


class ModelClient:
    def __init__(
        self,
        endpoint: Endpoint,
        credential: Credential | None,
        retry: RetryPolicy = DEFAULT_RETRY,
        transport: httpx.BaseTransport | None = None,
        scrub: Scrubber | None = None,
        throttle: Throttle | None = None,
        profile: Profile | None = None,
        gateway: bool = True,
        max_request_tokens: int = 0,
    ) -> None:
        """`credential`: None sends none (a local server). `scrub` removes
        secrets from what the server says, the answers included; by
        default, the credential."""
        self.base_url = check_base_url(endpoint.base_url, endpoint.allow_http)
        self.host = urlsplit(self.base_url).hostname or self.base_url
        self.endpoint = endpoint
        self.api = endpoint.api
        self.credential = credential
        self.scrub = scrub or Scrubber([credential.token] if credential else [])
        self.retry = retry
        self.throttle = throttle or Throttle(64)
        # What the server takes, as learnt: read by the session when done.
        self.profile = profile or Profile()
        self.gateway = gateway
        self.max_request_tokens = max_request_tokens
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
                **({"authorization": f"Bearer {credential.token}"} if credential else {}),
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
        """One answer, retrying what is worth retrying within the deadline,
        and adapting (once each) to what the server says it cannot take."""
        attempt = 0
        stream = self.endpoint.stream
        tried: set[str] = set()
        while True:
            if deadline.expired():
                raise ServiceError(deadline.missed("its request was sent"))
            form = self.profile.form or FORMS[0]  # what this attempt asks for
            try:
                with self.throttle.slot(deadline):
                    try:
                        answer = self._once(self._fitted(req), deadline, stream)
                    except ServiceError as e:
                        if e.cut and self.throttle.in_flight > 1:
                            self.throttle.cut_while_busy()
                        raise
                # A proxy that echoes the key into the answer must not get
                # it into a finding, the cache or a report.
                return answer._replace(text=self.scrub(answer.text))
            except TimeoutError:
                raise ServiceError(deadline.missed("its request was sent")) from None
            except ServiceError as e:
                if e.use_responses and self.api == "chat":
                    self.use_api("responses", f"{req.model} is only served on the Responses API")
                    continue
                if e.adapt == "unstreamed" and stream and "unstreamed" not in tried:
                    # An empty stream says nothing (llama-cpp-python's, when the
                    # prompt is too large): asked whole, the server says why.
                    tried.add("unstreamed")
                    stream = False
                    continue
                # Each change once; the answer format as often as there is a next one.
                if e.adapt and e.adapt != "unstreamed" and e.adapt not in tried:
                    if e.adapt != "form":
                        tried.add(e.adapt)
                    if self._adapt(e, req, form):
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

    # -- what the server takes ------------------------------------------------

    def use_api(self, api: str, why: str) -> None:
        """Switch the rest of the run to `api`, and remember it for the server."""
        with self._lock:
            if self.api == api:
                return
            self.api = api
            self.profile = self.profile._replace(api=api)
            named = "the Responses API" if api == "responses" else "chat completions"
            self.notes.append(
                f"{why}: switched to {named} "
                f'(remembered for {self.host}; api = "{api}" skips the round trip)'
            )

    def _adapt(self, e: ServiceError, req: wire.ModelRequest, form: str) -> bool:
        """Change what is sent as the refusal asks; False if nothing is left
        to change. `form`: the answer format the refused request asked for."""
        with self._lock:
            p = self.profile
            if e.adapt == "form":
                if (p.form or FORMS[0]) != form:
                    return True  # another request, refused the same, changed it already
                if form == FORMS[-1]:
                    return False
                following = FORMS[FORMS.index(form) + 1]
                self.profile = p._replace(form=following)
                self.notes.append(
                    f"{self.host} refused the answer format {FORM_NAMES[form]}: sent "
                    f"{FORM_NAMES[following]} instead (remembered)"
                )
                return True
            if e.adapt in ("sampling", "reasoning"):
                what = "temperature" if e.adapt == "sampling" else "reasoning"
                sent = (
                    req.temperature is not None if what == "temperature" else req.reasoning_effort
                )
                if not sent or p.refuses(req.model, what):
                    return False
                self.profile = p.refusing(req.model, what)
                without = "a temperature or seed" if what == "temperature" else "a reasoning effort"
                self.notes.append(
                    f"{req.model} at {self.host} refused {str(e).split(': ', 1)[-1][:160]}: sent "
                    f"without {without}, the model's default (remembered for a day)"
                )
                return True
        if e.adapt == "api":
            self.use_api("chat" if self.api == "responses" else "responses", str(e))
            return True
        return False

    def _fitted(self, req: wire.ModelRequest) -> wire.ModelRequest:
        """The request without what the model refused before."""
        p = self.profile
        if p.refuses(req.model, "temperature"):
            req = req._replace(temperature=None, seed=None)
        if p.refuses(req.model, "reasoning"):
            req = req._replace(reasoning_effort=None)
        return req

    def _wait(self, e: ServiceError, attempt: int) -> float:
        if e.retry_after is not None:
            return min(e.retry_after, self.retry.max_retry_after)
        base: float = min(self.retry.backoff * 2.0**attempt, self.retry.max_backoff)
        return base * random.uniform(0.5, 1.0)

    # -- one attempt ---------------------------------------------------------

    def _once(self, req: wire.ModelRequest, deadline: Deadline, stream: bool) -> wire.Answer:
        api = self.api
        if api == "chat":
            form = self.profile.form or FORMS[0]
            url, body = f"{self.base_url}/chat/completions", wire.chat_body(req, stream, form)
        else:
            url, body = f"{self.base_url}/responses", wire.responses_body(req, stream)
        left = deadline.remaining()
        timeout = httpx.Timeout(
            connect=min(self.endpoint.connect_timeout, left),
            read=min(self.endpoint.read_timeout, left),
            write=min(self.endpoint.read_timeout, left),
            pool=min(self.endpoint.connect_timeout, left),
        )
        sent = time.monotonic()
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
                    return self._read_stream(r, api, deadline, sent)
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
                if not stream:
                    # Unstreamed, the whole answer must come within the timeout:
                    # sending it again would only wait as long once more.
                    raise ServiceError(
                        f"{message}; without streaming the whole answer must come within it: "
                        "set stream = true, or raise timeout"
                    ) from None
            raise ServiceError(message, retryable=True) from None
        except httpx.TransportError as e:
            refused = certificate_problem(e)
            if refused:
                raise ServiceError(
                    f"could not verify the TLS certificate of {self.host}: {refused}. If your "
                    "network re-signs TLS traffic (a company proxy), set ca-bundle to its CA "
                    "certificate file"
                ) from None
            connecting = isinstance(e, httpx.ConnectError)
            what = "could not connect to" if connecting else "lost the connection to"
            raise ServiceError(
                f"{what} {self.host}: {self.scrub(str(e)) or type(e).__name__}",
                retryable=True,
                cut=not connecting,
            ) from None
        except wire.WireError as e:
            raise ServiceError(
                f"unusable answer from {self.host}: {self.scrub(str(e))}",
                retryable=e.retryable,
                cut=e.cut,
                adapt="unstreamed" if e.empty else None,
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

    def _read_stream(
        self, r: httpx.Response, api: str, deadline: Deadline, sent: float
    ) -> wire.Answer:
        """`sent`: when the request went (time.monotonic), for the speed."""
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

        first = last = 0.0
        for name, data in sse.events(lines()):
            pieces = len(reader.parts)
            reader.feed(name, data)
            if len(reader.parts) > pieces and any(reader.parts[pieces:]):
                # Text, not a keep-alive comment or a reasoning summary.
                last = time.monotonic()
                first = first or last
        answer = reader.finish()
        if not first:
            return answer
        return answer._replace(speed=wire.Speed(first - sent, last - first))

    # -- errors --------------------------------------------------------------

    def _http_error(self, r: httpx.Response, model: str) -> ServiceError:
        try:
            raw = r.read()[:65536]
        except httpx.HTTPError:
            raw = b""
        detail, kind, window = error_detail(raw)
        return explain(
            r.status_code,
            self.scrub(detail),
            kind,
            window=window,
            gateway=self.gateway,
            api=self.api,
            max_request_tokens=self.max_request_tokens,
            host=self.host,
            model=model,
            variable=self.credential.variable if self.credential else None,
            retry_after=r.headers.get("retry-after"),
        )

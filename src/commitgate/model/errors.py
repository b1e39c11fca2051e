"""What can go wrong with the model service, and what the user is told:
every failure ends as a ServiceError whose message says what the user can
do, naming the model, the server's host and the credential variable, never
the credential itself.
"""

from __future__ import annotations

import email.utils
import json
import re
import time

from commitgate.errors import ReviewUnavailable

ONLY_RESPONSES = "only supported in v1/responses"


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
        cut: bool = False,
        adapt: str | None = None,
        context_window: int | None = None,
        prompt_tokens: int | None = None,
    ) -> None:
        """`cut`: the answer stopped in the middle (the connection dropped,
        or the stream ended before its completion event). `adapt`: what the
        request could change to be taken (see client.ModelClient._adapt):
        "form" (another answer format), "api" (the other API), "sampling"
        or "reasoning" (without those parameters), "unstreamed".
        `context_window`: when the request did not fit the server's
        context, its size (0 when the server did not say)."""
        super().__init__(message)
        self.status = status
        self.retryable = retryable
        self.retry_after = retry_after
        self.use_responses = use_responses
        self.cut = cut
        self.adapt = adapt
        self.context_window = context_window
        self.prompt_tokens = prompt_tokens  # ...and the prompt's, as the server counted


# How servers say a prompt is larger than their context: llama-server's
# type (with n_ctx in the body), OpenAI's and llama-cpp-python's code.
_TOO_LONG = ("exceed_context_size_error", "context_length_exceeded")
_WINDOW = re.compile(r"(?:maximum context length is|context size \()\s*(\d+)")
# The prompt as the server counted it: llama-server's "request (4431 tokens)",
# llama-cpp-python's "(3173 in the messages".
_PROMPT = re.compile(r"request \((\d+) tokens\)|\((\d+) in the messages")
# pydantic's words: llama-cpp-python answers any invalid request with a 500.
_INVALID = re.compile(r"^\d+ validation errors?\b")


def explain(
    status: int,
    detail: str,
    kind: str,
    *,
    host: str,
    model: str,
    variable: str | None,
    retry_after: str | None = None,
    window: int | None = None,
    gateway: bool = True,
    api: str = "responses",
    max_request_tokens: int = 0,
) -> ServiceError:
    """The ServiceError for an HTTP error answer: its status, the message
    and type its body gave (already scrubbed of the credential), and its
    Retry-After header. `variable`: where the credential sent came from;
    None when none was sent. `window`: the context size the body gave.
    `gateway`: whether the server is the gateway (whose 404 means the
    model, where another server's may mean the endpoint); `api`: the one
    the request used."""
    var = variable or "none sent"
    said = f": {detail}" if detail else ""
    if ONLY_RESPONSES in detail:
        return ServiceError(detail, status=status, use_responses=True)
    lowered = detail.lower()
    too_long = kind in _TOO_LONG or any(k in lowered for k in _TOO_LONG)
    if status in (400, 413) and (too_long or "maximum context length" in lowered):
        found = _WINDOW.search(lowered)
        size = window or (int(found.group(1)) if found else None)
        counted = _PROMPT.search(lowered)
        prompt = int(counted.group(1) or counted.group(2)) if counted else None
        return ServiceError(
            f"{host} cannot take a request this large for {model} (HTTP {status}{said}): its "
            f"context holds {f'{size:,}' if size else 'fewer'} tokens. Lower max-request-tokens "
            f"(now {max_request_tokens:,}) to fit, or start the server with a larger context",
            status=status,
            context_window=size or 0,
            prompt_tokens=prompt,
        )
    if status in (400, 422, 500) and api == "chat" and "response_format" in lowered:
        return ServiceError(
            f"{host} refused the answer format (HTTP {status}{said})", status=status, adapt="form"
        )
    if status == 400 and ("temperature" in lowered or "'seed'" in lowered):
        return ServiceError(f"{model} refused a sampling setting{said}", adapt="sampling")
    if status == 400 and "reasoning" in lowered:
        return ServiceError(f"{model} refused the reasoning effort{said}", adapt="reasoning")
    if status == 404 and not gateway and "model" not in lowered + kind.lower():
        # Not the gateway, and not about the model: the endpoint is missing
        # (llama-cpp-python has no /v1/responses).
        return ServiceError(
            f"{host} has no {'/responses' if api == 'responses' else '/chat/completions'} "
            f"endpoint (HTTP 404){said}",
            status=status,
            adapt="api",
        )
    if status == 500 and _INVALID.match(detail):
        return ServiceError(
            f"{host} refused the request as invalid (HTTP 500{said}); a request it cannot "
            "take is not retried",
            status=status,
        )
    if status == 429:
        return ServiceError(
            f"{host} is rate-limiting requests (HTTP 429){said}",
            status=status,
            retryable=True,
            retry_after=parse_retry_after(retry_after),
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
        401: _unauthorized(host, model, variable, said),
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


def _unauthorized(host: str, model: str, variable: str | None, said: str) -> str:
    if variable is None:
        return (
            f"{host} asks for a credential for {model} (HTTP 401){said}, and none was sent: "
            "set COMMITGATE_API_KEY to this server's key"
        )
    advice = {
        "VERCEL_OIDC_TOKEN": "Run `vercel env pull` for a fresh token (they expire after "
        "about 12 hours), or set AI_GATEWAY_API_KEY",
        "AI_GATEWAY_API_KEY": "Check the key in the Vercel dashboard under AI Gateway > API "
        "Keys; it is used even when VERCEL_OIDC_TOKEN is also set",
    }.get(variable, f"Check the key in {variable}")
    return (
        f"{host} did not accept the credential in {variable} for {model} (HTTP 401){said}. {advice}"
    )


def certificate_problem(e: BaseException) -> str | None:
    """Why the server's certificate was refused, if that is what failed.
    Retrying would not help, so it is told apart from other network errors."""
    import ssl

    seen: BaseException | None = e
    while seen is not None:
        if isinstance(seen, ssl.SSLCertVerificationError):
            return str(seen.verify_message or seen.reason or "verification failed")
        seen = seen.__cause__ or seen.__context__
    return None


def error_detail(raw: bytes) -> tuple[str, str, int | None]:
    """The message and type of a gateway error body, else the body's start;
    and the context size, when the body gives one (llama-server's n_ctx)."""
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError):
        return raw.decode("utf-8", "replace").strip()[:300], "", None
    err = body.get("error") if isinstance(body, dict) else None
    if isinstance(err, dict):
        n_ctx = err.get("n_ctx")
        window = n_ctx if isinstance(n_ctx, int) and not isinstance(n_ctx, bool) else None
        code = err.get("code") if isinstance(err.get("code"), str) else ""
        kind = str(err.get("type") or "")
        kind = code if code in _TOO_LONG else kind or str(code or "")
        return str(err.get("message", ""))[:500], kind, window
    if isinstance(err, str):
        return err[:500], "", None
    return json.dumps(body)[:300], "", None


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

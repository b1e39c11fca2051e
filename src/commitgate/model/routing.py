"""What the gateway is asked besides the review: which providers may serve it,
whether they may keep the data, and whom to report the usage under.

Sent as `providerOptions.gateway` at the top level of the body (the OpenAI
SDK's `extra_body`), and only when one of them is set: without them a request
is a plain OpenAI request, which any compatible server accepts, while some
(vLLM, strict proxies) reject a parameter they do not know.
"""

from __future__ import annotations

from typing import Any

from commitgate.config import Settings


def provider_options(settings: Settings) -> dict[str, Any]:
    """The body fields for the gateway's options, or {} when none is set."""
    gateway: dict[str, Any] = {}
    if settings.zero_data_retention:
        gateway["zeroDataRetention"] = True
    if settings.provider_order:
        gateway["order"] = list(settings.provider_order)
    if settings.provider_only:
        gateway["only"] = list(settings.provider_only)
    if settings.user:
        gateway["user"] = settings.user
    if settings.tags:
        gateway["tags"] = list(settings.tags)
    return {"providerOptions": {"gateway": gateway}} if gateway else {}


def off_gateway_note(settings: Settings) -> str | None:
    """A warning when the options are sent somewhere that may ignore them:
    believing zero-data-retention is in force when it is not is worse than
    not asking for it."""
    server = settings.server
    if not provider_options(settings) or server.is_gateway:
        return None
    host = server.host
    return (
        f"zero-data-retention, provider-order/-only, user and tags are Vercel AI Gateway "
        f"options: {host} may ignore them"
    )

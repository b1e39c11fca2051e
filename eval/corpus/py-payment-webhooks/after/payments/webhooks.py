"""Entry point for webhooks sent by the payment provider."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
import time
from dataclasses import dataclass
from typing import Any, Callable

log = logging.getLogger(__name__)

Handler = Callable[[dict[str, Any]], None]


@dataclass(frozen=True)
class Reply:
    status: int
    body: str = ""


_HEX_DIGEST = re.compile(r"[0-9a-f]{64}")


def signature_valid(
    body: bytes, header: str, secret: str, now: float, tolerance: float = 300.0
) -> bool:
    """Check a ``t=<unix time>,v1=<hex hmac-sha256 of "t.body">`` signature header.

    Several v1 entries may be present while the provider rotates secrets.
    """
    timestamp, signatures = None, []
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t" and value.isascii() and value.isdigit():
            timestamp = int(value)
        elif key == "v1" and _HEX_DIGEST.fullmatch(value):
            signatures.append(value)
    if timestamp is None or not signatures or abs(now - timestamp) > tolerance:
        return False
    signed = str(timestamp).encode("ascii") + b"." + body
    expected = hmac.new(secret.encode("utf-8"), signed, hashlib.sha256).hexdigest()
    return any(hmac.compare_digest(expected, candidate) for candidate in signatures)


class WebhookEndpoint:
    def __init__(self, secret: str, clock: Callable[[], float] = time.time) -> None:
        if not secret:
            raise ValueError("a webhook secret is required")
        self._secret = secret
        self._clock = clock
        self._handlers: dict[str, Handler] = {}

    def on(self, event_type: str, handler: Handler) -> None:
        self._handlers[event_type] = handler

    def receive(self, body: bytes, headers: dict[str, str]) -> Reply:
        header = next((v for k, v in headers.items() if k.lower() == "payment-signature"), "")
        if not signature_valid(body, header, self._secret, self._clock()):
            return Reply(401, "bad signature")
        try:
            event = json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError):
            return Reply(400, "malformed JSON")
        if not isinstance(event, dict) or not isinstance(event.get("type"), str):
            return Reply(400, "missing event type")
        handler = self._handlers.get(event["type"])
        if handler is None:
            log.info("ignoring webhook of type %s", event["type"])
            return Reply(204)
        handler(event)
        return Reply(200, "ok")

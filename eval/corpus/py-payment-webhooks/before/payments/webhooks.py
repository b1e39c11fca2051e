"""Entry point for webhooks sent by the payment provider."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any, Callable

log = logging.getLogger(__name__)

Handler = Callable[[dict[str, Any]], None]


@dataclass(frozen=True)
class Reply:
    status: int
    body: str = ""


class WebhookEndpoint:
    def __init__(self) -> None:
        self._handlers: dict[str, Handler] = {}

    def on(self, event_type: str, handler: Handler) -> None:
        self._handlers[event_type] = handler

    def receive(self, body: bytes, headers: dict[str, str]) -> Reply:
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

"""Delivers queued webhook events to subscriber endpoints."""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from typing import Callable, Protocol

log = logging.getLogger(__name__)


class DeliveryError(Exception):
    pass


@dataclass
class Event:
    id: str
    url: str
    payload: dict[str, object]
    delivered: bool = False


class Transport(Protocol):
    def __call__(self, url: str, body: bytes, headers: dict[str, str]) -> int: ...


class Deliverer:
    def __init__(
        self,
        transport: Transport,
        max_attempts: int = 4,
        backoff: float = 0.5,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._transport = transport
        self.max_attempts = max_attempts
        self.backoff = backoff
        self._sleep = sleep

    def _post(self, event: Event) -> None:
        body = json.dumps(event.payload, separators=(",", ":")).encode("utf-8")
        headers = {"Content-Type": "application/json", "X-Event-Id": event.id}
        status = self._transport(event.url, body, headers)
        if not 200 <= status < 300:
            raise DeliveryError(f"{event.url} answered {status}")

    def deliver(self, event: Event) -> None:
        """Send one event; raises DeliveryError when the endpoint does not accept it."""
        self._post(event)

    def flush(self, outbox: list[Event]) -> int:
        """Deliver pending events; failed ones stay pending for the next flush."""
        sent = 0
        for event in outbox:
            if event.delivered:
                continue
            try:
                self.deliver(event)
            except (DeliveryError, OSError) as exc:
                log.warning("event %s not delivered: %s", event.id, exc)
                continue
            event.delivered = True
            sent += 1
        return sent

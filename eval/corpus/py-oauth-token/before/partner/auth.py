"""OAuth2 access tokens for the partner API (refresh-token grant)."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any, Callable

Exchange = Callable[[str], dict[str, Any]]


@dataclass(frozen=True)
class AccessToken:
    value: str
    expires_at: float  # clock() time


class AuthError(Exception):
    pass


class TokenManager:
    """Hands out a valid access token, refreshing it shortly before it expires.

    The partner rotates refresh tokens: each exchange returns a new refresh
    token and invalidates the one that was used.
    """

    def __init__(
        self,
        refresh_token: str,
        exchange: Exchange,
        skew: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._refresh_token = refresh_token
        self._exchange = exchange
        self._skew = skew
        self._clock = clock
        self._token: AccessToken | None = None
        self._lock = threading.Lock()

    def _fresh(self) -> bool:
        return self._token is not None and self._token.expires_at - self._clock() > self._skew

    def access_token(self) -> str:
        with self._lock:
            if not self._fresh():
                self._refresh()
            assert self._token is not None
            return self._token.value

    def _refresh(self) -> None:
        answer = self._exchange(self._refresh_token)
        if "access_token" not in answer:
            raise AuthError(f"token refresh failed: {answer.get('error', 'no token')}")
        self._refresh_token = answer.get("refresh_token", self._refresh_token)
        self._token = AccessToken(
            answer["access_token"], self._clock() + float(answer.get("expires_in", 3600))
        )

    def authorization(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token()}"}

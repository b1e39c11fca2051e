"""WSGI middleware that applies the throttle per API key."""

from __future__ import annotations

from typing import Any, Callable, Iterable

from api.throttle import Throttle

Environ = dict[str, Any]
StartResponse = Callable[..., Any]
App = Callable[[Environ, StartResponse], Iterable[bytes]]


def throttled(app: App, throttle: Throttle) -> App:
    def wrapper(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        key = environ.get("HTTP_X_API_KEY") or environ.get("REMOTE_ADDR", "-")
        if not throttle.allow(key):
            start_response("429 Too Many Requests", [("Retry-After", "1")])
            return [b"rate limit exceeded\n"]
        return app(environ, start_response)

    return wrapper

"""Where requests go, and how the connection is secured: the base URL's
checks, and TLS with verification always on."""

from __future__ import annotations

from typing import Any, NamedTuple
from urllib.parse import urlsplit

from commitgate.config.trust import is_loopback
from commitgate.errors import ConfigError


class Endpoint(NamedTuple):
    base_url: str
    api: str  # responses | chat
    stream: bool
    connect_timeout: float
    read_timeout: float
    ca_bundle: str = ""
    allow_http: bool = False


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


def fetch_json(
    url: str,
    *,
    ca_bundle: str = "",
    headers: dict[str, str] | None = None,
    seconds: float = 3.0,
    max_bytes: int = 8 * 1024 * 1024,
) -> Any:
    """A small JSON document, GET, within `seconds` in all (httpx's timeouts
    are per read: a slow trickle needs the overall limit); None on any
    failure. For what is nice to know (prices, a server's context size),
    never for what a review needs."""
    import json
    import time

    import httpx

    deadline = time.monotonic() + seconds
    try:
        verify: Any = tls_context(ca_bundle) if url.startswith("https:") else False
        with httpx.Client(timeout=seconds / 2, verify=verify) as client:
            body = bytearray()
            sent = {"accept": "application/json", **(headers or {})}
            with client.stream("GET", url, headers=sent) as r:
                if r.status_code != 200:
                    return None
                for chunk in r.iter_bytes():
                    body += chunk
                    if len(body) > max_bytes or time.monotonic() > deadline:
                        return None
        return json.loads(bytes(body))
    except (httpx.HTTPError, OSError, ValueError, RecursionError, ConfigError):
        return None

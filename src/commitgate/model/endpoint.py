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

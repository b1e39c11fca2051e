"""Which server a review goes to, who chose it, and whether it may be sent
anything.

The hook runs in repositories the user did not write: a fork, a pull
request checked out in CI. A repository's own configuration must not be
able to send the user's code and credential to a server of its choosing.
So a server is trusted when the *user* chose it, or it cannot leave the
machine:

- the default gateway;
- a base-url from the environment (COMMITGATE_BASE_URL) or from the user
  configuration file, outside every repository;
- a loopback address;
- a base URL the user lists in `trusted-servers` (user configuration only).

Any other server named by a repository's configuration gets nothing.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from typing import NamedTuple
from urllib.parse import urlsplit

from commitgate.config.keys import DEFAULT_BASE_URL, USER_CONFIG_FILE

GATEWAY_HOST = "ai-gateway.vercel.sh"

# Who chose the server.
DEFAULT, USER, REPOSITORY = "default", "user", "repository"


class Server(NamedTuple):
    url: str
    chosen_by: str  # DEFAULT | USER | REPOSITORY
    where: str  # the file or variable that named it, for messages

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname or self.url

    @property
    def is_gateway(self) -> bool:
        return self.host == GATEWAY_HOST

    @property
    def is_default(self) -> bool:
        return self.key == _normal(DEFAULT_BASE_URL)

    @property
    def key(self) -> str:
        """The server's URL, normalised: what verdicts are cached under."""
        return _normal(self.url)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _normal(url: str) -> str:
    try:
        parts = urlsplit(url.strip())
        port = f":{parts.port}" if parts.port else ""
    except ValueError:  # not a URL: client.check_base_url says so
        return url.strip()
    host = (parts.hostname or "").lower()
    return f"{parts.scheme.lower()}://{host}{port}{parts.path.rstrip('/')}"


def untrusted(server: Server, trusted: tuple[str, ...], user_file: str) -> str | None:
    """Why nothing may be sent to `server`, or None when it may be."""
    if server.chosen_by != REPOSITORY or server.is_default or is_loopback(server.host):
        return None
    if server.key in {_normal(t) for t in trusted}:
        return None
    return (
        f"{server.where} sets base-url = {server.url!r}: that server ({server.host}) was chosen "
        "by the repository, not by you, so nothing was sent to it. If you trust it, add "
        f'trusted-servers = ["{server.url}"] to {user_file}, or set COMMITGATE_BASE_URL'
    )


def user_config_path(env: Mapping[str, str]) -> str:
    """The user configuration file: $XDG_CONFIG_HOME/commitgate/config.toml
    (~/.config/... by default); %APPDATA%\\commitgate\\config.toml on Windows.
    COMMITGATE_CONFIG names another."""
    if env.get("COMMITGATE_CONFIG"):
        return env["COMMITGATE_CONFIG"]
    if os.name == "nt" and env.get("APPDATA"):
        base = env["APPDATA"]
    else:
        base = env.get("XDG_CONFIG_HOME") or os.path.join(
            env.get("HOME") or os.path.expanduser("~"), ".config"
        )
    return os.path.join(base, "commitgate", USER_CONFIG_FILE)

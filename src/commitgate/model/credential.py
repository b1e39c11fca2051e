"""The credential for the model service, from the environment, and what
may be said about it: the variable it came from, never its value."""

from __future__ import annotations

import string
from collections.abc import Mapping
from typing import NamedTuple

from commitgate.config.trust import USER, Server

# The gateway's own credentials, sent only to the gateway, or to a server
# the user named (a proxy of theirs in front of it), never to one a
# repository named.
GATEWAY_VARIABLES = ("AI_GATEWAY_API_KEY", "VERCEL_OIDC_TOKEN")
# The key for any other server (llama.cpp, vLLM, a LiteLLM proxy...).
SERVER_VARIABLE = "COMMITGATE_API_KEY"
# Every variable that may hold a credential: scrubbed from all output.
TOKEN_VARIABLES = (*GATEWAY_VARIABLES, SERVER_VARIABLE)


class Credential(NamedTuple):
    token: str
    variable: str  # the environment variable it came from: safe to show

    def __repr__(self) -> str:
        return f"Credential(variable={self.variable!r})"


def find_credential(env: Mapping[str, str], server: Server | None = None) -> Credential | None:
    """The credential to send to `server` (the default gateway if None).

    The gateway gets AI_GATEWAY_API_KEY, else VERCEL_OIDC_TOKEN (an API key
    wins even when it is invalid, as with the gateway's own SDK). Any other
    server gets COMMITGATE_API_KEY; a server the user named themselves gets
    the gateway's credential when COMMITGATE_API_KEY is not set. A server a
    repository named never gets the gateway's; without COMMITGATE_API_KEY
    it gets no credential at all (a local server needs none)."""
    names: tuple[str, ...] = GATEWAY_VARIABLES
    if server is not None and not server.is_gateway:
        names = (
            (SERVER_VARIABLE, *GATEWAY_VARIABLES)
            if server.chosen_by == USER
            else (SERVER_VARIABLE,)
        )
    for name in names:
        value = env.get(name, "").strip()
        if value:
            return Credential(value, name)
    return None


# What an HTTP header may carry: a token with anything else was pasted wrong
# (a line break, a quote), and would be refused before it is sent.
_TOKEN_CHARS = frozenset(string.ascii_letters + string.digits + string.punctuation)


def credential_problem(credential: Credential) -> str | None:
    """Why the credential cannot be sent, without showing it."""
    if not set(credential.token) <= _TOKEN_CHARS:
        return (
            f"{credential.variable} holds characters a token cannot have (white space, a line "
            "break or a non-ASCII character): set it again, to the token alone"
        )
    return None


NO_CREDENTIAL = (
    "no credentials for the model service: set AI_GATEWAY_API_KEY (create a key in the "
    "Vercel dashboard under AI Gateway > API Keys) or VERCEL_OIDC_TOKEN (run "
    "`vercel env pull` in a linked project; it expires after about 12 hours)"
)

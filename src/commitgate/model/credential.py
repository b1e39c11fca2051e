"""The credential for the model service, from the environment, and what
may be said about it: the variable it came from, never its value."""

from __future__ import annotations

import string
from collections.abc import Mapping
from typing import NamedTuple

TOKEN_VARIABLES = ("AI_GATEWAY_API_KEY", "VERCEL_OIDC_TOKEN")


class Credential(NamedTuple):
    token: str
    variable: str  # the environment variable it came from: safe to show

    def __repr__(self) -> str:
        return f"Credential(variable={self.variable!r})"


def find_credential(env: Mapping[str, str]) -> Credential | None:
    """AI_GATEWAY_API_KEY, else VERCEL_OIDC_TOKEN; an API key wins even when
    it is invalid, as with the gateway's own SDK."""
    for name in TOKEN_VARIABLES:
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

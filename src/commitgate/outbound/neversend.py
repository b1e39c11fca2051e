"""Files never sent, whatever is in them: keys, keystores, credential and
environment files. Their names are enough to know; their content would be
mostly secret, and redaction is for secrets in the middle of code."""

from __future__ import annotations

from collections.abc import Sequence

from commitgate.git.change import Change, NotReviewed
from commitgate.glob import matcher

# The `never-send` setting adds to these, and `!glob` takes one back.
NEVER_SEND: tuple[str, ...] = (
    ".env*",
    "*.pem",
    "*.key",
    "*.p12",
    "*.pfx",
    "*.p8",
    "*.ppk",
    "*.jks",
    "*.keystore",
    "*.kdbx",
    "id_rsa*",
    "id_dsa*",
    "id_ecdsa*",
    "id_ed25519*",
    "credentials.json",
    "**/.aws/credentials",
    ".npmrc",
    ".pypirc",
    ".netrc",
    "_netrc",
    ".git-credentials",
    ".htpasswd",
    ".pgpass",
    "*.tfstate",
    "*.tfstate.backup",
)


def glob_for(path: str, patterns: Sequence[str] = ()) -> str | None:
    """The glob that holds `path` back, or None if it may be sent. The last
    matching pattern decides, as in .gitignore: `!glob` sends what an earlier
    pattern held back. Case does not matter (`ID_RSA`, `.Env`): on macOS and
    Windows those are the same files."""
    held = None
    for pattern in (*NEVER_SEND, *patterns):
        allow = pattern.startswith("!")
        if matcher((pattern[1:] if allow else pattern,), ignore_case=True)(path):
            held = None if allow else pattern
    return held


def hold_back(change: Change, patterns: Sequence[str]) -> Change:
    """Move the files that are never sent to the not-reviewed list, saying
    which glob held each back."""
    held = [(f, glob_for(f.path, patterns)) for f in change.files]
    change.files = [f for f, glob in held if glob is None]
    change.not_reviewed = [
        NotReviewed(f.path, f"never sent: matches never-send glob {glob!r}")
        for f, glob in held
        if glob is not None
    ] + change.not_reviewed
    return change

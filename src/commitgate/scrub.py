"""The credential out of everything that leaves the process.

A server that writes the key into its answer (a compromised or buggy
proxy) must not get it printed, uploaded as SARIF or posted as a comment.
So the model's answers are scrubbed as they arrive (model/client.py), and
what the process writes (stdout, stderr, report files) is scrubbed again
on its way out (main.py). An echo of part of the key is scrubbed too: its
start or its end, of at least ECHO characters, in any case.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import IO, Any

REDACTED = "[redacted]"
# The shortest start or end of a secret taken for an echo of it: long
# enough that ordinary text does not hold one by chance.
ECHO = 10
# A "secret" shorter than this is no credential (a placeholder, a test's
# "k"), and scrubbing it would blank every word that holds it.
SHORTEST = 8


def _start_of(secret: str) -> str:
    """A pattern for the secret or any start of it of ECHO characters or more,
    matching as much of it as is there: `abc(?:d(?:e)?)?`."""
    head, rest = secret[:ECHO], secret[ECHO:]
    tail = ""
    for c in reversed(rest):
        tail = f"(?:{re.escape(c)}{tail})?"
    return re.escape(head) + tail


class Scrubber:
    """Replaces each secret, and any start or end of it of at least ECHO
    characters, in any case, by REDACTED."""

    def __init__(self, secrets: Iterable[str]) -> None:
        self.secrets = tuple(dict.fromkeys(s for s in secrets if len(s) >= SHORTEST))
        starts = [_start_of(s) for s in self.secrets]
        ends = [_start_of(s[::-1]) for s in self.secrets]
        self._starts = re.compile("|".join(starts), re.IGNORECASE) if starts else None
        # An end of the secret is a start of it, read backwards.
        self._ends = re.compile("|".join(ends), re.IGNORECASE) if ends else None

    def __bool__(self) -> bool:
        return bool(self.secrets)

    def __call__(self, text: str) -> str:
        if self._starts is None or self._ends is None or not text:
            return text
        text = self._starts.sub(REDACTED, text)
        return self._ends.sub(REDACTED[::-1], text[::-1])[::-1]


def from_env(env: Mapping[str, str], names: Iterable[str]) -> Scrubber:
    return Scrubber(env.get(n, "").strip() for n in names)


class Stream:
    """A text stream whose writes are scrubbed; everything else (isatty,
    encoding, fileno) is the stream's own."""

    def __init__(self, stream: IO[str], scrub: Scrubber) -> None:
        self._stream = stream
        self._scrub = scrub

    def write(self, text: str) -> int:
        self._stream.write(self._scrub(text))
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)

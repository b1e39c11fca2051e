"""Path globs as users know them from .gitignore.

`*` and `?` stay inside one path segment, `**` spans segments, and a pattern
with no `/` matches the file name at any depth (`*.min.js`, `.env*`); a
pattern that matches a directory matches everything below it (`vendor`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable


def _translate(pattern: str) -> str:
    anchored = "/" in pattern.rstrip("/")
    pattern = pattern.lstrip("/")
    if pattern.endswith("/"):
        pattern += "**"
    out = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif c == "*":
            out.append("[^/]*")
            i += 1
        elif c == "?":
            out.append("[^/]")
            i += 1
        elif c == "[" and (j := pattern.find("]", i + 2)) != -1:
            body = pattern[i + 1 : j]
            if body.startswith("!"):
                body = "^" + body[1:]
            try:
                re.compile(f"[{body}]")
            except re.error:
                raise ValueError(f"{pattern!r} has an invalid [...] class") from None
            out.append(f"[{body}]")
            i = j + 1
        else:
            out.append(re.escape(c))
            i += 1
    prefix = "" if anchored else "(?:.*/)?"
    # As in .gitignore, a pattern that names a directory covers what is in it.
    return f"{prefix}{''.join(out)}(?:/.*)?"


def check(pattern: str) -> None:
    """Raise ValueError, saying why, if `pattern` is not a glob."""
    re.compile(_translate(pattern))


class PathMatcher:
    """Matches repository-relative paths against a set of globs; with
    `ignore_case`, in any case (as file systems on macOS and Windows do)."""

    def __init__(self, patterns: Iterable[str], ignore_case: bool = False) -> None:
        self.patterns = tuple(patterns)
        regex = "|".join(f"(?:{_translate(p)})" for p in self.patterns)
        flags = re.IGNORECASE if ignore_case else 0
        self._re = re.compile(f"(?s:{regex})\\Z", flags) if self.patterns else None

    def __call__(self, path: str) -> bool:
        return self._re is not None and self._re.match(path) is not None

    def __bool__(self) -> bool:
        return bool(self.patterns)


@functools.lru_cache(maxsize=64)
def matcher(patterns: tuple[str, ...], ignore_case: bool = False) -> PathMatcher:
    return PathMatcher(patterns, ignore_case)

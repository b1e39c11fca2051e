"""Inline suppression: a `commitgate: ignore` comment in the code.

`commitgate: ignore` removes every finding on its line;
`commitgate: ignore[security,correctness]` only findings of those categories.
A comment alone on its line speaks for the line below as well; one after
code, for its own line only. Any comment syntax will do: the marker must
start a comment (`#`, `//`, `/*`, `*`, `--`, `;`, `%`, `<!--`, `{#`, `{-`,
`(*`, `'`, `REM`, `::`, `!`), and is not one when it sits inside a string
literal that closes later on the same line. That is a heuristic, not a
parser: good enough to keep the marker in an error message or a test
fixture from counting, cheap enough for every commit.

Suppression is applied to the model's findings, not told to the model: the
verdict stays about the code. The markers are read from the files as they
are, never from what was sent, which may have been redacted.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from commitgate.git.change import ChangedFile
from commitgate.review.findings import Finding
from commitgate.review.prompt import CATEGORIES

_OPENER = r"""
    <!-- | <%-- | \{\# | \{- | \(\* | @\*        # markup, templates, Haskell, ML, Razor
  | /\*+!? | //+!? | \#+ | --+ | ;+ | %+ | ::     # C family, shell, SQL/Lua, Lisp, TeX, batch
  | \*(?!\w) | !+(?!\w) | ' | \brem\b            # block-comment body, Fortran, VB, batch
"""
_MARKER = re.compile(
    rf"(?:{_OPENER})[ \t]*commitgate:[ \t]*ignore(?:\[(?P<categories>[^\]]*)\])?(?![\w\[-])",
    re.IGNORECASE | re.VERBOSE,
)
_QUOTES = "\"'`"


class Marker(NamedTuple):
    categories: frozenset[str] | None  # None: every category
    alone: bool  # the comment is all there is on its line
    unknown: tuple[str, ...] = ()  # named categories that do not exist


class Suppressed(NamedTuple):
    findings: list[Finding]  # what is left
    removed: int  # how many findings were removed
    notes: list[str]  # markers that name no known category


def markers(line: str) -> list[Marker]:
    """The `commitgate: ignore` markers in one line of code."""
    out = []
    for m in _MARKER.finditer(line):
        if _in_string(line, m.start()):
            continue
        alone = not line[: m.start()].strip()
        listed = m.group("categories")
        if listed is None:
            out.append(Marker(None, alone))
            continue
        names = [c.strip().lower() for c in listed.split(",") if c.strip()]
        unknown = tuple(c for c in names if c not in CATEGORIES) or (() if names else ("",))
        out.append(Marker(frozenset(c for c in names if c in CATEGORIES), alone, unknown))
    return out


def _in_string(line: str, pos: int) -> bool:
    """Whether `pos` is inside a string literal that closes later on the line.
    A quote that never closes is taken for an apostrophe or a Rust lifetime."""
    quote = None
    i = 0
    while i < pos:
        c = line[i]
        if c == "\\":
            i += 2
            continue
        if quote is None and c in _QUOTES:
            quote = c
        elif c == quote:
            quote = None
        i += 1
    return quote is not None and quote in line[pos:]


def apply(findings: Iterable[Finding], files: Sequence[ChangedFile]) -> Suppressed:
    """Remove the findings that a marker on their line, or alone on the line
    above, suppresses. `files` must hold the content as it is on disk."""
    by_path = {f.path: f for f in files}
    kept: list[Finding] = []
    count = 0
    notes: dict[str, None] = {}  # ordered and without repeats
    for f in findings:
        file = by_path.get(f.path)
        if file is not None and _suppressed(f, file, notes):
            count += 1
        else:
            kept.append(f)
    return Suppressed(kept, count, list(notes))


def _suppressed(f: Finding, file: ChangedFile, notes: dict[str, None]) -> bool:
    for n, own in ((f.line, True), (f.line - 1, False)):
        if not 1 <= n <= len(file.lines):
            continue
        for m in markers(file.lines[n - 1]):
            if m.unknown:
                names = ", ".join(repr(c) for c in m.unknown)
                notes[
                    f"{file.path}:{n}: `commitgate: ignore[...]` names no known category "
                    f"({names}); categories: {', '.join(CATEGORIES)}"
                ] = None
            if (own or m.alone) and (m.categories is None or f.category in m.categories):
                return True
    return False

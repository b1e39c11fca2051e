"""A fix's edits, made to the file as it is now.

The model numbers its edits as the file was reviewed; the working tree may
have moved on since (unstaged changes kept aside while the hook ran, a line
added above). Each edited line is found in the file as it is now, and an
edit whose lines are no longer as they were is refused, never guessed at.
The file's bytes stay as they are wherever no edit touches them: its line
endings, its byte-order mark, a last line without a newline.
"""

from __future__ import annotations

import codecs
import difflib
from collections.abc import Mapping, Sequence
from typing import NamedTuple

from commitgate.git.content import split_lines

PLACEHOLDER = "[REDACTED:"


class Edit(NamedTuple):
    """Lines `start`..`end` (inclusive, as reviewed) become `replacement`;
    an empty replacement deletes them."""

    path: str
    start: int
    end: int
    replacement: str
    number: int = 0  # the finding it fixes

    def lines(self) -> list[str]:
        if self.replacement == "":
            return []
        text = self.replacement[:-1] if self.replacement.endswith("\n") else self.replacement
        return [line[:-1] if line.endswith("\r") else line for line in text.split("\n")]


class Refused(Exception):
    """A fix that cannot be made; the message says why, for the user."""


class Text(NamedTuple):
    """A working-tree file, as lines with their own endings."""

    bom: bytes
    raw: list[bytes]  # each line with its ending ("\n", "\r\n" or none, last)
    lines: tuple[str, ...]  # decoded, endings dropped, as git numbers them

    @property
    def eol(self) -> bytes:
        """The ending most of its lines have."""
        crlf = sum(r.endswith(b"\r\n") for r in self.raw)
        return b"\r\n" if crlf * 2 > len(self.raw) else b"\n"

    def data(self) -> bytes:
        return self.bom + b"".join(self.raw)


def read(path: str, data: bytes) -> Text:
    """The file's bytes as lines; only UTF-8 is edited (another encoding
    could not be written back as it was)."""
    bom = codecs.BOM_UTF8 if data.startswith(codecs.BOM_UTF8) else b""
    body = data[len(bom) :]
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise Refused(f"{path} is not UTF-8 text: fix it by hand") from None
    raw = body.splitlines(keepends=True) if body else []
    # bytes.splitlines also splits at "\r" alone, "\x0b", "\x0c"... git does not.
    raw = _rejoin(raw)
    return Text(bom, raw, split_lines(text))


def _rejoin(parts: list[bytes]) -> list[bytes]:
    out: list[bytes] = []
    for p in parts:
        if out and not out[-1].endswith(b"\n"):
            out[-1] += p
        else:
            out.append(p)
    return out


def mapping(reviewed: Sequence[str], now: Sequence[str]) -> dict[int, int]:
    """Line numbers as reviewed -> as they are now, for the lines that are
    still there unchanged (1-based)."""
    if tuple(reviewed) == tuple(now):
        return {n: n for n in range(1, len(now) + 1)}
    out: dict[int, int] = {}
    matcher = difflib.SequenceMatcher(None, list(reviewed), list(now), autojunk=False)
    for tag, a0, a1, b0, _b1 in matcher.get_opcodes():
        if tag == "equal":
            out.update({a0 + i + 1: b0 + i + 1 for i in range(a1 - a0)})
    return out


def check_lines(
    where: Mapping[int, int], first: int, last: int, path: str, what: str
) -> tuple[int, int]:
    """Lines `first`..`last` as reviewed, where they are now; refused when
    any of them changed since the review."""
    span = [where.get(n, 0) for n in range(first, last + 1)]
    if 0 in span or span != list(range(span[0], span[0] + len(span))):
        lines = f"line {first}" if first == last else f"lines {first}-{last}"
        raise Refused(f"{path}: {lines} ({what}) changed since the review: review again")
    return span[0], span[-1]


def apply(
    text: Text,
    reviewed: Sequence[str],
    edits: Sequence[Edit],
    shown: Sequence[str] = (),
) -> bytes:
    """The file with the edits made. `shown`: the lines as the model saw
    them (secrets replaced); a replacement line that is one of those lines
    unchanged gets the line back as it is, secret included."""
    if not edits:
        return text.data()
    path = edits[0].path
    where = mapping(reviewed, text.lines)
    restore = _restorable(shown, reviewed)
    spans: list[tuple[int, int, Edit]] = []
    for e in edits:
        if not 1 <= e.start <= e.end <= len(reviewed):
            raise Refused(
                f"{path}: the fix edits lines {e.start}-{e.end}, outside the file's "
                f"{len(reviewed)} lines"
            )
        first, last = check_lines(where, e.start, e.end, path, "what the fix edits")
        spans.append((first, last, e))
    spans.sort(key=lambda s: s[0])
    for (a0, a1, ea), (b0, _b1, eb) in zip(spans, spans[1:]):
        if b0 <= a1:
            who = f"the fixes for findings {ea.number} and {eb.number}"
            raise Refused(
                f"{path}: {who if ea.number != eb.number else 'the fix'} edit the same lines "
                f"({a0}-{a1} and {b0}-...): fix them one at a time"
            )
    raw = list(text.raw)
    eol = text.eol
    for first, last, e in reversed(spans):
        new: list[bytes] = []
        for line in reindent(e.lines(), text.lines[first - 1 : last]):
            line = restore.get(line, line)
            if PLACEHOLDER in line:
                raise Refused(
                    f"{path}: the fix would write a redacted placeholder ({PLACEHOLDER}...]) "
                    "where a secret is: fix it by hand"
                )
            new.append(line.encode("utf-8") + _ending(raw[last - 1], eol))
        if new and not raw[last - 1].endswith(b"\n"):
            new[-1] = new[-1].rstrip(b"\r\n")  # the file's last line had no newline
        elif not new and last == len(raw) and first > 1 and not raw[last - 1].endswith(b"\n"):
            raw[first - 2] = raw[first - 2].rstrip(b"\r\n")  # the new last line has none
        raw[first - 1 : last] = new
    return text.bom + b"".join(raw)


def reindent(replacement: Sequence[str], replaced: Sequence[str]) -> list[str]:
    """The replacement, moved right to where the lines it replaces start,
    when it is written flush left and they are not: models often drop the
    leading white space of code they quote in JSON, and an indented block
    whose first line lost its indentation is never what a minimal fix
    meant. Lines keep their indentation relative to each other."""
    first_new = next((line for line in replacement if line.strip()), None)
    first_old = next((line for line in replaced if line.strip()), None)
    if first_new is None or first_old is None or first_new[:1] in (" ", "\t"):
        return list(replacement)
    indent = first_old[: len(first_old) - len(first_old.lstrip(" \t"))]
    if not indent:
        return list(replacement)
    return [indent + line if line.strip() else line for line in replacement]


def _restorable(shown: Sequence[str], reviewed: Sequence[str]) -> dict[str, str]:
    """Redacted line -> the line it was, where only one line reads so: two
    secrets that redact alike could not be told apart."""
    out: dict[str, str] = {}
    twice: set[str] = set()
    for s, r in zip(shown, reviewed):
        if s != r:
            if out.get(s, r) != r:
                twice.add(s)
            out[s] = r
    return {s: r for s, r in out.items() if s not in twice}


def _ending(line: bytes, default: bytes) -> bytes:
    if line.endswith(b"\r\n"):
        return b"\r\n"
    if line.endswith(b"\n"):
        return b"\n"
    return default

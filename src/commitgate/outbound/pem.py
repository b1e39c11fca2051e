"""Private key blocks (`-----BEGIN ... PRIVATE KEY-----`): as a file's
lines, in string literals, or on one line with `\\n` escapes. Their body
is replaced, line by line, by a placeholder."""

from __future__ import annotations

import re

from commitgate.outbound.shapes import placeholder

_PEM_BEGIN = re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----")
_PEM_END = re.compile(r"-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----")
# A line of a key's body, bare or as a string literal in code
# (`"MIIE...\n" +`), or an armour header (`Proc-Type: 4,ENCRYPTED`), or blank.
_PEM_BODY = re.compile(
    r"""[ \t]*["'`]?[ \t]*(?:[A-Za-z0-9+/=]+|[A-Za-z-]+: .*)?"""
    r"""(?:\\r)?(?:\\n)?["'`]?[ \t]*[+,;)\\]*[ \t]*"""
)
_PEM_HEADER = re.compile(r"""[ \t]*["'`]?[A-Za-z-]+: """)
# Key material: not a lone `+` (a concatenation) nor the `n` of an escaped `\n`.
_B64_RUN = re.compile(r"(?<!\\)[A-Za-z0-9+/=]*[A-Za-z0-9][A-Za-z0-9+/=]*")
_LONG_RUN = re.compile(r"(?<!\\)[A-Za-z0-9+/=]{16,}")
_LEAD = re.compile(r"(?:\\[rn]|[ \t])*")
_TRAIL = re.compile(r"(?:\\[rn]|[ \t])*\Z")

_KEY = placeholder("private-key")


def _key_body(text: str) -> str:
    return _B64_RUN.sub(_KEY, text)


def _key_span(middle: str) -> str:
    """The body between BEGIN and END on one line (a JSON string, say),
    keeping its escaped line breaks at either end."""
    lead, trail = _LEAD.match(middle), _TRAIL.search(middle)
    head = lead.end() if lead else 0
    tail = max(head, trail.start() if trail else len(middle))
    return middle[:head] + (_KEY if tail > head else "") + middle[tail:]


def private_keys(lines: list[str], in_block: bool) -> tuple[list[str], int, frozenset[int]]:
    out: list[str] = []
    found = 0
    counted = False  # this block's key was counted
    open_after: set[int] = set()
    for i, line in enumerate(lines):
        if in_block:
            end = _PEM_END.search(line)
            if end is not None:
                body = line[: end.start()]
                # Before END, the last of the body, or code that names END.
                if _PEM_BODY.fullmatch(body) and _B64_RUN.search(body):
                    found += not counted
                    counted = True
                    line = _key_body(body) + line[end.start() :]
                out.append(line)
                in_block = False
                continue
            if _is_body(lines, i):
                if not _PEM_HEADER.match(line) and _B64_RUN.search(line):
                    found += not counted
                    counted = True
                    line = _key_body(line)
                out.append(line)
                open_after.add(i + 1)
                continue
            # Not key material after all (code that looks for a key, say):
            # the block is over, and this line is read as any other.
            in_block = False
        begin = _PEM_BEGIN.search(line)
        if begin is None:
            out.append(line)
            continue
        head, rest = line[: begin.end()], line[begin.end() :]
        end = _PEM_END.search(rest)
        if end is not None:
            middle = rest[: end.start()]
            if _LONG_RUN.search(middle):
                found += 1
                line = head + _key_span(middle) + rest[end.start() :]
            out.append(line)
            continue
        counted = _LONG_RUN.search(rest) is not None
        found += counted
        out.append(head + _LONG_RUN.sub(_KEY, rest))
        in_block = True
        open_after.add(i + 1)
    return out, found, frozenset(open_after)


def _is_body(lines: list[str], i: int) -> bool:
    """Whether lines[i] can be part of a key's body. A short line (the last
    of a body, or a blank one) only if key material or the END line follows:
    so that `pass` after code that mentions a BEGIN line stays code."""
    for line in lines[i:]:
        if _PEM_END.search(line):
            return True
        if not _PEM_BODY.fullmatch(line):
            return False
        if _PEM_HEADER.match(line) or _LONG_RUN.search(line):
            return True
    return False

"""How much of a file is shown around each change (the `context` setting):

- `lines`: `context-lines` unchanged lines either side of each hunk;
- `function`: the function or class that holds the hunk, found by
  indentation and the way definitions start in the common languages
  (`def`, `class`, `func`, `function`, an opening brace), at most
  MAX_SCOPE lines, else as `lines`;
- `file`: the whole file when it has at most SMALL_FILE lines, else as
  `function`.

More is not better by itself (SWE-PRBench: a short diff-focused prompt beat
a longer full-context one): `commitgate eval` measures which helps.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from commitgate.git.change import ChangedFile

MODES = ("lines", "function", "file")
MAX_SCOPE = 120  # lines of an enclosing definition shown, at most
SMALL_FILE = 300  # lines of a file shown whole under `file`

# A line that starts a definition: Python, Go, JavaScript/TypeScript,
# Java/C#/C++/Rust/Kotlin/Swift/Ruby/PHP signatures; or, not being a control
# statement (below), a line that opens a block (a method: `  load(id) {`).
_DEFINES = re.compile(
    r"^\s*(?:@\w|(?:(?:export|default|async|static|public|private|protected|internal|"
    r"override|final|abstract|pub|unsafe|suspend|inline|open)\s+)*"
    r"(?:def|class|func|function|fn|interface|struct|impl|enum|trait|module|object|"
    r"type|const|let|var|sub|procedure)\b)"
    r"|[{:]\s*(?://.*|#.*)?$"
)
# A block inside a definition: looked past, up to the definition that holds it.
_CONTROL = re.compile(
    r"^\s*(?:\}\s*)?(?:if|else|elif|for|foreach|while|try|except|catch|finally|switch|"
    r"case|default|with|do|select|loop|match|unless|until|begin|rescue|ensure)\b"
)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


def _blank(line: str) -> bool:
    return not line.strip()


def enclosing(lines: Sequence[str], first: int, last: int) -> tuple[int, int] | None:
    """The lines (from 1) of the innermost definition holding lines first..last,
    or None when none is found within MAX_SCOPE lines (top-level code, or a
    definition too long to be worth showing whole)."""
    if not lines:
        return None
    first, last = max(1, min(first, len(lines))), min(len(lines), max(first, last))
    held = [lines[n - 1] for n in range(first, last + 1) if not _blank(lines[n - 1])]
    depth = min((_indent(x) for x in held), default=0)
    start = None
    for n in range(first - 1, max(0, first - 1 - MAX_SCOPE), -1):
        text = lines[n - 1]
        if _blank(text) or _indent(text) >= depth:
            continue
        if _CONTROL.match(text):
            depth = _indent(text)  # an if or a loop: its definition is further up
        elif _DEFINES.search(text):
            start = n
            break
        elif _indent(text) == 0:
            return None  # top-level code, in no definition
        else:
            depth = _indent(text)
    if start is None:
        return None
    head = _indent(lines[start - 1])
    for n in range(max(last, start) + 1, min(len(lines), start + MAX_SCOPE) + 1):
        text = lines[n - 1]
        if _blank(text) or _indent(text) > head:
            continue
        # The first line back at the definition's depth ends it; a closing
        # bracket there is its own last line.
        return start, n if text.strip()[:1] in ")]}" else _trimmed(lines, n - 1)
    if start + MAX_SCOPE <= len(lines):
        return None  # longer than we show
    return start, _trimmed(lines, len(lines))


def _trimmed(lines: Sequence[str], end: int) -> int:
    while end > 1 and _blank(lines[end - 1]):
        end -= 1
    return end


def spans(f: ChangedFile, mode: str, context_lines: int) -> list[tuple[int, int]] | None:
    """The lines to show for each hunk of `f` (new-file numbers, from 1), or
    None for the default: `context_lines` around each hunk."""
    if mode == "lines" or f.whole or not f.hunks:
        return None
    if mode == "file" and len(f.lines) <= SMALL_FILE:
        return [(1, len(f.lines))]
    out = []
    for h in f.hunks:
        first = h.new_start if h.new_count else h.new_start + 1
        last = h.new_start + h.new_count - 1 if h.new_count else first
        around = (max(1, first - context_lines), min(len(f.lines), last + context_lines))
        found = enclosing(f.lines, first, last)
        if found is None:
            out.append(around)
        else:
            out.append((min(found[0], around[0]), max(found[1], around[1])))
    return out

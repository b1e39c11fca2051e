"""A fix as a patch: shown as a unified diff, checked by `git apply --check`,
applied by `git apply` to the working tree only (never `--index`: the index
is the user's, and they stage the fix themselves)."""

from __future__ import annotations

import difflib

from commitgate import git
from commitgate.errors import GitError
from commitgate.fix.edits import Refused

CONTEXT = 3
_NO_NEWLINE = b"\\ No newline at end of file\n"


def unified(path: str, old: bytes, new: bytes, created: bool = False) -> bytes:
    """The change from `old` to `new` as a git patch of one file; `created`:
    a new file (`old` is empty), which `git apply` refuses to write over one
    that exists."""
    a, b = _lines(old), _lines(new)
    name = _quote(path)
    out = [
        b"diff --git a/%s b/%s\n" % (name, name),
        b"new file mode 100644\n--- /dev/null\n" if created else b"--- a/%s\n" % name,
        b"+++ b/%s\n" % name,
    ]
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for group in matcher.get_grouped_opcodes(CONTEXT):
        a0, a1, b0, b1 = group[0][1], group[-1][2], group[0][3], group[-1][4]
        out.append(b"@@ -%s +%s @@\n" % (_range(a0, a1), _range(b0, b1)))
        for tag, i0, i1, j0, j1 in group:
            if tag == "equal":
                out += [_line(b" ", x) for x in a[i0:i1]]
                continue
            out += [_line(b"-", x) for x in a[i0:i1]]
            out += [_line(b"+", x) for x in b[j0:j1]]
    return b"".join(out) if len(out) > 3 else b""


def _lines(data: bytes) -> list[bytes]:
    # Split at "\n" only, as git does; each line keeps its ending.
    parts = data.split(b"\n")
    lines = [p + b"\n" for p in parts[:-1]]
    return lines + ([parts[-1]] if parts[-1] else [])


def _line(mark: bytes, line: bytes) -> bytes:
    return mark + line if line.endswith(b"\n") else mark + line + b"\n" + _NO_NEWLINE


def _range(start: int, end: int) -> bytes:
    count = end - start
    first = start + 1 if count else start
    return b"%d" % first if count == 1 else b"%d,%d" % (first, count)


def _quote(path: str) -> bytes:
    """A path as git writes it in a patch header: C-quoted when it holds a
    quote, a backslash or a control character."""
    raw = path.encode("utf-8", "surrogateescape")
    if not any(c < 0x20 or c in (0x22, 0x5C, 0x7F) for c in raw):
        return raw
    escapes = {0x22: b'\\"', 0x5C: b"\\\\", 0x09: b"\\t", 0x0A: b"\\n"}
    body = b"".join(
        escapes.get(c, b"\\%03o" % c if c < 0x20 or c == 0x7F else bytes([c])) for c in raw
    )
    return b'"' + body + b'"'


def check(repo: git.Repo, path: str, patch: bytes) -> None:
    """Refused unless `git apply --check` takes the patch in the working tree."""
    try:
        git.run(["apply", "--check", "--whitespace=nowarn", "-"], cwd=repo.root, stdin=patch)
    except GitError as e:
        detail = str(e).removeprefix("git apply failed: ").removeprefix("error: ")
        raise Refused(f"{path}: the patch does not apply ({detail})") from None


def apply(repo: git.Repo, path: str, patch: bytes) -> None:
    """Write the patch to the working tree (not the index)."""
    check(repo, path, patch)
    try:
        git.run(["apply", "--whitespace=nowarn", "-"], cwd=repo.root, stdin=patch)
    except GitError as e:
        raise Refused(f"{path}: the patch did not apply: {e}") from None


def compiles(path: str, old: bytes, new: bytes) -> None:
    """Refused when a Python file that compiled would no longer compile
    (compiled only, never run)."""
    if not path.endswith((".py", ".pyi")):
        return
    if syntax_error(path, old) is not None:
        return  # it did not compile before either: not the fix's doing
    problem = syntax_error(path, new)
    if problem is not None:
        raise Refused(f"{path}: with the fix it would no longer compile ({problem})")


def syntax_error(path: str, source: bytes) -> str | None:
    """Why Python source does not compile (compiled only, never run), or None."""
    try:
        compile(source, path, "exec", dont_inherit=True)
    except SyntaxError as e:
        return f"{e.msg}, line {e.lineno}"
    except (ValueError, UnicodeDecodeError) as e:
        return str(e)
    return None

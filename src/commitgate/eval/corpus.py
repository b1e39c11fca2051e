"""A corpus of review cases, read from disk, and a case made from a commit.

A case is a directory: `case.toml` (what the change is, and the bugs a
reviewer should find in it), `before/` (the tree before the change) and
`after/` (the tree after it). `fixed/` and `check/` may be there too (a
corrected file, and a check that runs the code); the review never sees
them. The format is documented in eval/README.md.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from commitgate.config.load import read_toml
from commitgate.errors import UsageError
from commitgate.severity import Severity

CASE_FILE = "case.toml"
KINDS = ("bug", "clean")


class Bug(NamedTuple):
    path: str
    first: int  # lines, inclusive, in the after/ file
    last: int
    severity: Severity
    why: str = ""


class Case(NamedTuple):
    id: str
    root: str  # the case's directory
    kind: str  # bug | clean
    bugs: tuple[Bug, ...]
    language: str = ""
    message: str = ""
    change: str = ""  # for a clean case: fix | refactor | tests | dependency | feature

    @property
    def before(self) -> str:
        return os.path.join(self.root, "before")

    @property
    def after(self) -> str:
        return os.path.join(self.root, "after")


def load(paths: Iterable[str]) -> list[Case]:
    """The cases at `paths`: each a case directory, or a directory of them."""
    cases: list[Case] = []
    for path in paths:
        if os.path.isfile(os.path.join(path, CASE_FILE)):
            cases.append(read_case(path))
        elif os.path.isdir(path):
            found = sorted(
                d for d in os.listdir(path) if os.path.isfile(os.path.join(path, d, CASE_FILE))
            )
            if not found:
                raise UsageError(f"{path}: no cases in it (a case is a folder with {CASE_FILE})")
            cases += [read_case(os.path.join(path, d)) for d in found]
        else:
            raise UsageError(f"{path}: not a case or a folder of cases")
    ids = [c.id for c in cases]
    twice = sorted({i for i in ids if ids.count(i) > 1})
    if twice:
        raise UsageError(f"the same case given twice: {', '.join(twice)}")
    return cases


def read_case(root: str) -> Case:
    where = os.path.join(root, CASE_FILE)
    data = read_toml(where)
    case_id = os.path.basename(os.path.normpath(root))
    kind = data.get("kind")
    if kind not in KINDS:
        raise UsageError(f"{where}: 'kind' must be one of {', '.join(KINDS)} (got {kind!r})")
    raw = data.get("bug", [])
    if not isinstance(raw, list) or not all(isinstance(b, dict) for b in raw):
        raise UsageError(f"{where}: [[bug]] must be tables")
    bugs = tuple(_bug(b, f"{where} [[bug]] #{i}") for i, b in enumerate(raw, 1))
    if (kind == "bug") != bool(bugs):
        raise UsageError(f"{where}: a bug case has [[bug]] tables, a clean case has none")
    if not os.path.isdir(os.path.join(root, "after")):
        raise UsageError(f"{root}: no after/ tree")
    return Case(
        case_id,
        root,
        kind,
        bugs,
        str(data.get("language", "")),
        str(data.get("message", "")),
        str(data.get("change", "")),
    )


def _bug(table: dict[str, object], where: str) -> Bug:
    path, lines, severity = table.get("path"), table.get("lines"), table.get("severity", "high")
    if not isinstance(path, str) or not path:
        raise UsageError(f"{where}: 'path' must be the file's path in after/")
    if not (
        isinstance(lines, list)
        and len(lines) == 2
        and all(isinstance(n, int) and not isinstance(n, bool) for n in lines)
        and 1 <= lines[0] <= lines[1]
    ):
        raise UsageError(f"{where}: 'lines' must be [first, last], counted from 1")
    try:
        sev = Severity.parse(str(severity))
    except ValueError as e:
        raise UsageError(f"{where}: {e}") from None
    return Bug(path, int(lines[0]), int(lines[1]), sev, str(table.get("why", "")))


class Expected(NamedTuple):
    """A bug as `--expect` names it: path:line[-line][:severity]."""

    path: str
    first: int
    last: int
    severity: str


def parse_expect(text: str) -> Expected:
    parts = text.rsplit(":", 2)
    severity = "high"
    if len(parts) == 3:
        path, span, severity = parts
    elif len(parts) == 2:
        path, span = parts
    else:
        raise UsageError(
            f"--expect {text!r}: give path:line, path:first-last or path:line:severity"
        )
    first, _, last = span.partition("-")
    if not first.isdigit() or (last and not last.isdigit()) or not path:
        raise UsageError(
            f"--expect {text!r}: give path:line, path:first-last or path:line:severity"
        )
    try:
        Severity.parse(severity)
    except ValueError as e:
        raise UsageError(f"--expect {text!r}: {e}") from None
    return Expected(path, int(first), int(last or first), severity)


def write_case(
    root: str,
    files_before: dict[str, bytes],
    files_after: dict[str, bytes],
    expected: Sequence[Expected],
    message: str,
) -> None:
    """A case directory from the files a commit changed, as they were
    before and after it."""
    if os.path.exists(root):
        raise UsageError(f"{root} already exists: choose another --output")
    try:
        for tree, files in (("before", files_before), ("after", files_after)):
            os.makedirs(os.path.join(root, tree))
            for rel, data in files.items():
                path = os.path.join(root, tree, *rel.split("/"))
                os.makedirs(os.path.dirname(path), exist_ok=True)
                with open(path, "wb") as f:
                    f.write(data)
        lines = [
            f"message = {_toml_string(message)}",
            f'kind = "{"bug" if expected else "clean"}"',
        ]
        for e in expected:
            lines += [
                "",
                "[[bug]]",
                f"path = {_toml_string(e.path)}",
                f"lines = [{e.first}, {e.last}]",
                f'severity = "{e.severity}"',
            ]
        with open(os.path.join(root, CASE_FILE), "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
    except BaseException:
        shutil.rmtree(root, ignore_errors=True)
        raise


def _toml_string(text: str) -> str:
    import json

    return json.dumps(text, ensure_ascii=False)

"""Generated source code for the benchmarks: realistic Python modules, a
typical commit's change to five of them, and a whole repository.

Everything is seeded, so the same command makes the same files on every
machine and the figures of two runs compare.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import NamedTuple

_NOUNS = [
    "account",
    "order",
    "invoice",
    "session",
    "token",
    "payload",
    "record",
    "batch",
    "report",
    "user",
    "item",
    "entry",
    "message",
    "channel",
    "policy",
    "schedule",
    "profile",
    "device",
    "shipment",
    "ledger",
    "quota",
    "bucket",
]
_VERBS = [
    "load",
    "parse",
    "build",
    "merge",
    "check",
    "apply",
    "render",
    "fetch",
    "store",
    "update",
    "resolve",
    "collect",
    "normalise",
    "validate",
    "format",
    "publish",
    "refresh",
    "archive",
    "compute",
    "expire",
]
_ATTRS = ["items", "entries", "children", "values", "rows", "parts", "lines", "events", "members"]
_PREDS = ["is_valid", "is_active", "is_expired", "has_owner", "is_empty", "is_locked"]
_TYPES = ("int", "str", "bytes", "float", "dict[str, Any]", "list[str]", "Mapping[str, Any]")
_WORDS = [
    "the",
    "a",
    "each",
    "every",
    "given",
    "current",
    "pending",
    "stored",
    "remote",
    "local",
    "cached",
    "previous",
    "next",
    "value",
    "record",
    "request",
    "result",
    "field",
    "limit",
    "window",
    "owner",
    "state",
    "reason",
    "count",
]


def _name(rng: random.Random) -> str:
    return f"{rng.choice(_VERBS)}_{rng.choice(_NOUNS)}"


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(_WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def _function(rng: random.Random, indent: str, method: bool) -> list[str]:
    """One function of 6 to 30 lines, in one of a few everyday shapes."""
    name, noun, attr = _name(rng), rng.choice(_NOUNS), rng.choice(_ATTRS)
    arg = f"{noun}s" if rng.random() < 0.5 else noun
    self = "self, " if method else ""
    i, j = indent, indent + "    "
    head = [
        f"{i}def {name}({self}{arg}: {rng.choice(_TYPES)}, *, strict: bool = False) -> "
        f"{rng.choice(_TYPES)}:",
        f'{j}"""{_sentence(rng, rng.randint(5, 11))}"""',
    ]
    shape = rng.randrange(4)
    if shape == 0:
        body = [
            f"{j}if {arg} is None:",
            f'{j}    raise ValueError("{noun} must not be None")',
            f"{j}result = []",
            f"{j}for item in {arg}.{attr}:",
            f"{j}    if not item.{rng.choice(_PREDS)}():",
            f"{j}        continue",
            f"{j}    value = {'self.' if method else ''}_{_name(rng)}(item, strict=strict)",
            f"{j}    result.append(value)",
            f"{j}return result",
        ]
    elif shape == 1:
        body = [
            f"{j}try:",
            f"{j}    handle = open({arg}.path, encoding='utf-8')",
            f"{j}except OSError as e:",
            f'{j}    logger.warning("cannot open %s: %s", {arg}.path, e)',
            f"{j}    return None",
            f"{j}with handle:",
            f"{j}    data = json.load(handle)",
            f"{j}if strict and set(data) - KNOWN_FIELDS:",
            f'{j}    raise ValueError(f"unknown fields in {{{arg}.path}}")',
            f"{j}return {noun.capitalize()}(**data)",
        ]
    elif shape == 2:
        n = rng.randint(2, 5)
        body = [f"{j}total = 0", f"{j}seen: set[str] = set()"]
        for k in range(n):
            key = rng.choice(_NOUNS)
            body += [
                f'{j}if {arg}.get("{key}") is not None:',
                f'{j}    total += int({arg}["{key}"]) * {k + 2}',
                f'{j}    seen.add("{key}")',
            ]
        body += [
            f"{j}if strict and len(seen) < {n}:",
            f'{j}    raise KeyError(f"missing fields: {{sorted(seen)}}")',
            f"{j}return total",
        ]
    else:
        body = [
            f"{j}# {_sentence(rng, rng.randint(6, 12))}",
            f"{j}cutoff = time.time() - {rng.choice((60, 300, 3600, 86400))}",
            f"{j}expired = [x for x in {arg}.{attr} if x.updated_at < cutoff]",
            f"{j}for x in expired:",
            f"{j}    {arg}.{attr}.remove(x)",
            f'{j}logger.info("dropped %d {noun}s older than %s", len(expired), cutoff)',
            f"{j}return len(expired)",
        ]
    return head + body


def _class(rng: random.Random) -> list[str]:
    noun = rng.choice(_NOUNS).capitalize()
    out = [
        f"class {noun}{rng.choice(('Store', 'Index', 'Queue', 'Cache', 'Client'))}:",
        f'    """{_sentence(rng, rng.randint(6, 12))}"""',
        "",
        "    def __init__(self, root: str, limit: int = 100) -> None:",
        "        self.root = root",
        "        self.limit = limit",
        "        self._items: dict[str, Any] = {}",
    ]
    for _ in range(rng.randint(2, 4)):
        out += ["", *_function(rng, "    ", method=True)]
    return out


def module(rng: random.Random, min_lines: int) -> list[str]:
    """A Python module of at least min_lines lines."""
    out = [
        f'"""{_sentence(rng, rng.randint(6, 12))}"""',
        "",
        "from __future__ import annotations",
        "",
        "import json",
        "import logging",
        "import time",
        "from collections.abc import Mapping",
        "from typing import Any",
        "",
        "logger = logging.getLogger(__name__)",
        f"KNOWN_FIELDS = frozenset({{{', '.join(repr(n) for n in rng.sample(_NOUNS, 4))}}})",
    ]
    while len(out) < min_lines:
        block = _class(rng) if rng.random() < 0.3 else _function(rng, "", method=False)
        out += ["", "", *block]
    return out


def text(lines: list[str]) -> bytes:
    return ("\n".join(lines) + "\n").encode()


# ---- the typical commit ---------------------------------------------------


class Commit(NamedTuple):
    before: dict[str, bytes]  # committed
    after: dict[str, bytes]  # staged
    changed_lines: int  # added + removed as made (git may align a line or two otherwise)


def typical_commit(seed: int = 4, files: int = 5, target: int = 200) -> Commit:
    """Five modules of 150-300 lines, and a change of about `target` lines
    spread over several hunks in each: lines modified, functions added,
    lines removed."""
    rng = random.Random(seed)
    before: dict[str, bytes] = {}
    after: dict[str, bytes] = {}
    changed = 0
    names = rng.sample(_NOUNS, files)
    for n, name in enumerate(names):
        path = f"src/app/{name}{'s' if n % 2 else ''}.py"
        lines = module(rng, rng.randint(150, 280))
        before[path] = text(lines)
        new, count = _edit(rng, lines, (target - changed) // (files - n))
        after[path] = text(new)
        changed += count
    return Commit(before, after, changed)


def _edit(rng: random.Random, lines: list[str], target: int) -> tuple[list[str], int]:
    """Change about `target` lines of a module in several small hunks, as a
    day's work does: a few lines modified here and there, a function added,
    a few lines removed. Returns the new lines and lines added + removed."""
    edits: list[tuple[int, str, int]] = []  # (line, kind, size)
    taken: list[range] = []
    changed = 0
    while changed < target:
        kind = rng.choice(("modify", "modify", "modify", "add", "remove"))
        size = {
            "modify": rng.randint(1, 4),
            "add": rng.randint(5, 14),
            "remove": rng.randint(1, 4),
        }[kind]
        if kind == "add":
            # A new function goes before an existing top-level one.
            starts = [i for i, line in enumerate(lines) if line.startswith("def ")]
            at = rng.choice(starts) if starts else len(lines)
        else:
            at = rng.randrange(12, len(lines) - size)
        # Well apart from the other edits, so that hunks rarely merge.
        if any(at in r for r in taken):
            continue
        taken.append(range(at - 8, at + size + 8))
        edits.append((at, kind, size))
        # A modified line is a line removed and one added; a function comes
        # with two blank lines after it.
        changed += {"modify": 2 * size, "add": size + 2, "remove": size}[kind]
    new = list(lines)
    for at, kind, size in sorted(edits, reverse=True):
        if kind == "modify":
            new[at : at + size] = [_mutate(rng, line) for line in new[at : at + size]]
        elif kind == "add":
            new[at:at] = [*_function(rng, "", method=False)[:size], "", ""]
        else:
            del new[at : at + size]
    return new, changed


def _mutate(rng: random.Random, line: str) -> str:
    if not line.strip():
        return f"    # {_sentence(rng, 5)}"
    for old, repl in (
        ("strict", "strict_mode"),
        ("result", "results"),
        ("item", "entry"),
        ("value", "converted"),
        (" is None", " is None or not str(x).strip()"),
        ("0", "1"),
    ):
        if old in line:
            return line.replace(old, repl, 1)
    return line + f"  # {rng.choice(_WORDS)}"


# ---- a whole repository ---------------------------------------------------


class RepoFile(NamedTuple):
    path: str
    data: bytes
    lines: int  # 0 for binary


def repository(
    files: int = 10_000, lines: int = 1_000_000, seed: int = 10, max_file_bytes: int = 524_288
) -> Iterator[RepoFile]:
    """About `files` files and `lines` lines: mostly small and medium
    modules, a few large ones, some binary files and some over
    max_file_bytes (the "not reviewed" paths)."""
    rng = random.Random(seed)
    binaries = max(1, files // 500)
    oversize = max(1, files // 2000)
    # Oversized files: over the limit at any line length above 30 bytes.
    big_lines = max_file_bytes // 30
    left = lines - oversize * big_lines
    text_files = files - binaries - oversize
    large = max(1, text_files // 100)  # 1 % of files hold about 20 % of the lines
    large_lines = left // 5 // large
    small_lines = (left - large * large_lines) // (text_files - large)
    pool = [module(rng, 400) for _ in range(8)]  # recycled blocks: fast to make
    block = [line for m in pool for line in m]

    def body(n: int) -> bytes:
        start = rng.randrange(len(block))
        out = [f'"""Module {rng.randrange(10**6)}."""']
        while len(out) < n:
            take = min(n - len(out), len(block) - start)
            out += block[start : start + take]
            start = 0
        return text(out[:n])

    made = 0
    for k in range(text_files):
        n = large_lines if k < large else max(5, int(rng.expovariate(1 / small_lines)))
        made += n
        if k == text_files - 1:
            n = max(5, n + lines - oversize * big_lines - made)
        yield RepoFile(f"pkg{k % 50:02d}/mod{k // 50:03d}/m{k}.py", body(n), n)
    for k in range(oversize):
        yield RepoFile(f"data/huge{k}.py", body(big_lines), big_lines)
    for k in range(binaries):
        data = bytes(rng.randrange(256) for _ in range(2048)) + b"\0"
        yield RepoFile(f"assets/img{k}.png", data, 0)

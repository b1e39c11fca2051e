"""Packing units of review into requests within a token budget."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Sequence
from typing import NamedTuple

from commitgate.prompt import REVIEW_INSTRUCTIONS, Unit

# Characters per token, on the low side for code (o200k gives ~3.5-4 on
# source; line numbers and indentation push it down), so budgets hold.
CHARS_PER_TOKEN = 3.2

# Context windows of the models we know (ai-gateway.md); a model we do not
# know is assumed to have a window that every current model has.
CONTEXT_WINDOWS = {
    "openai/gpt-5.1-codex-mini": 400_000,
    "openai/gpt-5.1-codex": 400_000,
    "openai/gpt-5.1-codex-max": 400_000,
}
DEFAULT_CONTEXT_WINDOW = 128_000


def context_window(model: str) -> int:
    return CONTEXT_WINDOWS.get(model, DEFAULT_CONTEXT_WINDOW)


def estimate_tokens(text: str) -> int:
    return int(len(text) / CHARS_PER_TOKEN) + 1


class Batch(NamedTuple):
    units: tuple[Unit, ...]
    tokens: int  # estimated tokens of the units' text

    @property
    def request_tokens(self) -> int:
        """Estimated input tokens of the whole request: the units, the
        instructions, the answer schema and the framing."""
        return self.tokens + estimate_tokens(REVIEW_INSTRUCTIONS) + 300


_TEST_AFFIX = re.compile(r"^(?:test_)|(?:_test|_spec|\.test|\.spec|Test|Tests)$")


def _name(path: str) -> str:
    return posixpath.splitext(posixpath.basename(path))[0]


def source_stem(path: str) -> str:
    """The name of the file a test file tests: foo for test_foo.py,
    foo_test.go, foo.spec.ts, FooTest.java; the name itself otherwise."""
    return _TEST_AFFIX.sub("", _name(path)) or _name(path)


def is_test(path: str) -> bool:
    return source_stem(path) != _name(path)


def _order(units: Sequence[Unit]) -> list[Unit]:
    """Related files next to each other: a directory's files together, and a
    test file beside the file it tests (same name but for test_/_test/.spec),
    wherever the tests live. Parts of a split file stay in order."""
    home: dict[str, str] = {}
    for u in sorted(units, key=lambda u: u.path):
        if source_stem(u.path) == _name(u.path):
            home.setdefault(source_stem(u.path), posixpath.dirname(u.path))

    def key(u: Unit) -> tuple[str, str, bool, str, int]:
        stem = source_stem(u.path)
        directory = posixpath.dirname(u.path)
        if is_test(u.path):
            directory = home.get(stem, directory)
        return directory, stem, is_test(u.path), u.path, u.first_line

    return sorted(units, key=key)


def pack(
    units: Sequence[Unit], budget: int, *, no_tail: bool = False, limit: int = 0
) -> list[Batch]:
    """Fill batches with related files, up to `budget` tokens each. A unit
    larger than the budget gets a batch of its own; prompt.units already
    split files so that this is rare. The packing depends only on the units,
    so the same change always makes the same requests.

    `no_tail`: spread the last, partly filled batch over the others (each
    then a little over budget) instead of sending it on its own. For a call
    that pre-commit made as one of several (see precommit.more_calls_follow):
    each call then makes floor(tokens / budget) requests instead of
    ceil(...), so that the calls together make no more requests than one
    call over all the files would. No batch grows past `limit` (the
    model's context window, less room for instructions and answer)."""
    ordered = _order(units)
    batches = _fill(ordered, budget)
    if no_tail and len(batches) > 1:
        total = sum(b.tokens for b in batches)
        target = -(-total // (len(batches) - 1))
        if target <= (limit or target):
            spread = _fill(ordered, target)
            if len(spread) < len(batches):
                return spread
        last, before = batches[-1], batches[-2]
        if before.tokens + last.tokens <= (limit or before.tokens + last.tokens):
            batches[-2:] = [Batch(before.units + last.units, before.tokens + last.tokens)]
    return batches


def _fill(units: Sequence[Unit], budget: int) -> list[Batch]:
    batches: list[Batch] = []
    current: list[Unit] = []
    used = 0
    for unit in units:
        size = estimate_tokens(unit.text)
        if current and used + size > budget:
            batches.append(Batch(tuple(current), used))
            current, used = [], 0
        current.append(unit)
        used += size
    if current:
        batches.append(Batch(tuple(current), used))
    return batches

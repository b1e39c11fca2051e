"""Packing units of review into requests within a token budget."""

from __future__ import annotations

import posixpath
from collections.abc import Sequence
from typing import NamedTuple

from commitgate.git.testmap import is_test, source_stem
from commitgate.model.tokens import FRAMING, estimate_tokens
from commitgate.review.prompt import REVIEW_INSTRUCTIONS, Unit


class Batch(NamedTuple):
    units: tuple[Unit, ...]
    tokens: int  # estimated tokens of the units' text
    # ...and of what every request carries besides: the instructions (the
    # team's own included), the answer schema and the framing.
    overhead: int = estimate_tokens(REVIEW_INSTRUCTIONS) + FRAMING

    @property
    def request_tokens(self) -> int:
        """Estimated input tokens of the whole request."""
        return self.tokens + self.overhead


def _order(units: Sequence[Unit]) -> list[Unit]:
    """Related files next to each other: a directory's files together, and a
    test file beside the file it tests (same name but for test_/_test/.spec),
    wherever the tests live. Parts of a split file stay in order."""
    home: dict[str, str] = {}
    for u in sorted(units, key=lambda u: u.path):
        if not is_test(u.path):
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

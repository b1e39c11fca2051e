"""Packing units of review into requests within a token budget."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from commitgate.prompt import REVIEW_INSTRUCTIONS, Unit

# Characters per token, on the low side for code (o200k gives ~3.5-4 on
# source; line numbers and indentation push it down), so budgets hold.
CHARS_PER_TOKEN = 3.2


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


def pack(units: Sequence[Unit], budget: int) -> list[Batch]:
    """Fill batches in path order (files of one directory, which are most
    likely related, travel together) up to `budget` tokens each. A unit
    larger than the budget gets a batch of its own; prompt.units already
    split files so that this is rare."""
    batches: list[Batch] = []
    current: list[Unit] = []
    used = 0
    for unit in sorted(units, key=lambda u: (u.path, u.first_line)):
        size = estimate_tokens(unit.text)
        if current and used + size > budget:
            batches.append(Batch(tuple(current), used))
            current, used = [], 0
        current.append(unit)
        used += size
    if current:
        batches.append(Batch(tuple(current), used))
    return batches

from __future__ import annotations

from commitgate.model import tokens
from commitgate.review import plan
from commitgate.review.prompt import Unit


def unit(path: str, size: int = 100, first: int = 1) -> Unit:
    return Unit(path, "x" * size, first, first + 10)


def paths(batches: list[plan.Batch]) -> list[list[str]]:
    return [[u.path for u in b.units] for b in batches]


def test_related_files_travel_together() -> None:
    units = [
        unit(p)
        for p in [
            "tests/test_models.py",
            "src/app/views.py",
            "src/app/models.py",
            "README.md",
            "web/models.spec.ts",
            "src/app/urls.py",
            "tests/test_urls.py",
        ]
    ]
    [batch] = plan.pack(units, 10_000)
    assert [u.path for u in batch.units] == [
        "README.md",
        "src/app/models.py",
        "tests/test_models.py",
        "web/models.spec.ts",
        "src/app/urls.py",
        "tests/test_urls.py",
        "src/app/views.py",
    ]


def test_budget_splits_and_is_deterministic() -> None:
    units = [unit(f"d/f{i}.py", 320) for i in range(10)]  # 101 tokens each
    batches = plan.pack(units, 250)
    assert [len(b.units) for b in batches] == [2, 2, 2, 2, 2]
    assert all(b.tokens <= 250 for b in batches)
    assert paths(plan.pack(list(reversed(units)), 250)) == paths(batches)


def test_oversized_unit_alone() -> None:
    batches = plan.pack([unit("a", 10), unit("b", 100_000), unit("c", 10)], 1000)
    assert paths(batches) == [["a"], ["b"], ["c"]]


def test_parts_of_a_file_stay_in_order() -> None:
    units = [unit("big.py", 100, first) for first in (301, 1, 151)]
    [batch] = plan.pack(units, 10_000)
    assert [u.first_line for u in batch.units] == [1, 151, 301]


def test_context_window() -> None:
    assert tokens.context_window("openai/gpt-5.1-codex-mini") == 400_000
    assert tokens.context_window("someone/else") == tokens.DEFAULT_CONTEXT_WINDOW


def test_no_tail_spreads_the_last_batch() -> None:
    units = [unit(f"d/f{i}.py", 320) for i in range(9)]  # 101 tokens each
    assert [len(b.units) for b in plan.pack(units, 250)] == [2, 2, 2, 2, 1]
    spread = plan.pack(units, 250, no_tail=True)
    assert [len(b.units) for b in spread] == [2, 2, 2, 3]
    assert sum(len(b.units) for b in spread) == 9
    # Never past the hard limit: then the tail stays.
    assert len(plan.pack(units, 250, no_tail=True, limit=210)) == 5
    assert len(plan.pack(units[:1], 250, no_tail=True)) == 1

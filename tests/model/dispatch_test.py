from __future__ import annotations

import threading
import time

import pytest

from commitgate.model import dispatch
from commitgate.model.deadline import Deadline


def test_results_in_order_with_bounded_concurrency() -> None:
    running = 0
    peak = 0
    lock = threading.Lock()

    def work(n: int) -> int:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        time.sleep(0.02)
        with lock:
            running -= 1
        return n * 2

    seen: list[int] = []
    out = dispatch.run(
        list(range(12)),
        work,
        concurrency=3,
        deadline=Deadline(30),
        on_result=lambda i, r: seen.append(i),
    )
    assert out == [n * 2 for n in range(12)]
    assert peak <= 3
    assert sorted(seen) == list(range(12))


def test_admit_refuses() -> None:
    out = dispatch.run(
        [1, 2, 3],
        lambda n: n,
        concurrency=1,
        deadline=Deadline(30),
        admit=lambda n: "too much" if n == 2 else None,
    )
    assert out == [1, dispatch.Refused("too much"), 3]


def test_deadline_cuts_off_and_reports_every_job() -> None:
    release = threading.Event()

    def work(n: int) -> int:
        if n == 0:
            release.wait(5)
        return n

    seen: list[object] = []
    out = dispatch.run(
        [0, 1, 2],
        work,
        concurrency=1,
        deadline=Deadline(0.2),
        on_result=lambda i, r: seen.append(r),
    )
    release.set()
    assert all(isinstance(r, dispatch.TimedOut) for r in out)
    assert len(seen) == 3


def test_a_bug_in_work_is_raised_not_swallowed() -> None:
    def work(n: int) -> int:
        raise KeyError("bug")

    with pytest.raises(KeyError):
        dispatch.run([1], work, concurrency=2, deadline=Deadline(10))


def test_no_jobs() -> None:
    assert dispatch.run([], lambda n: n, concurrency=4, deadline=Deadline(1)) == []

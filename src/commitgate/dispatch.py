"""Running requests concurrently, within the review's deadline."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Sequence
from typing import TypeVar, Union

from commitgate.client import Deadline

T = TypeVar("T")
R = TypeVar("R")


class TimedOut:
    """A job that the review's deadline cut off."""

    def __init__(self, reason: str) -> None:
        self.reason = reason


def run(
    jobs: Sequence[T],
    work: Callable[[T], R],
    *,
    concurrency: int,
    deadline: Deadline,
    on_done: Callable[[int, int], None] | None = None,
) -> list[R | TimedOut]:
    """`work` on every job, at most `concurrency` at once; results in job order.

    `work` reports its own expected failures in its result; anything it
    raises is a bug and is raised again here. Workers are daemon threads:
    when the deadline passes, the jobs not done are reported as TimedOut and
    the run goes on without them (a blocking HTTP read cannot be interrupted
    from outside, and the process is about to exit anyway).
    """
    if not jobs:
        return []
    todo: queue.SimpleQueue[int] = queue.SimpleQueue()
    for i in range(len(jobs)):
        todo.put(i)
    done: queue.SimpleQueue[tuple[int, Union[R, TimedOut, BaseException]]] = queue.SimpleQueue()
    sent: set[int] = set()  # what a worker took up; the rest was never sent

    def worker() -> None:
        while True:
            try:
                i = todo.get_nowait()
            except queue.Empty:
                return
            if deadline.expired():
                done.put((i, TimedOut(deadline.missed("its request was sent"))))
                continue
            sent.add(i)
            try:
                done.put((i, work(jobs[i])))
            except BaseException as e:
                done.put((i, e))

    for _ in range(min(concurrency, len(jobs))):
        threading.Thread(target=worker, daemon=True, name="commitgate-request").start()
    results: list[R | TimedOut | None] = [None] * len(jobs)
    finished = 0
    while finished < len(jobs):
        try:
            i, result = done.get(timeout=max(deadline.remaining(), 0.01))
        except queue.Empty:
            break
        if isinstance(result, BaseException):
            raise result
        results[i] = result
        finished += 1
        if on_done:
            on_done(finished, len(jobs))
    late, unsent = TimedOut(deadline.missed()), TimedOut(deadline.missed("its request was sent"))
    return [(late if i in sent else unsent) if r is None else r for i, r in enumerate(results)]

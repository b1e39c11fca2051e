"""Running requests concurrently, within the review's deadline."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Sequence
from typing import NamedTuple, TypeVar, Union

from commitgate.model.deadline import Deadline

T = TypeVar("T")
R = TypeVar("R")


class TimedOut(NamedTuple):
    """A job that the review's deadline cut off."""

    reason: str


class Refused(NamedTuple):
    """A job that `admit` did not let start."""

    reason: str


def run(
    jobs: Sequence[T],
    work: Callable[[T], R],
    *,
    concurrency: int,
    deadline: Deadline,
    admit: Callable[[T], str | None] | None = None,
    on_result: Callable[[int, Union[R, TimedOut, Refused]], None] | None = None,
) -> list[R | TimedOut | Refused]:
    """`work` on every job, at most `concurrency` at once; results in job order.

    `admit`, asked in a worker just before a job starts, may refuse it with a
    reason (a spent budget). `on_result` is called in the calling thread as
    each result arrives, so it may touch what is not thread-safe (a SQLite
    connection). `work` reports its own expected failures in its result;
    anything it raises is a bug and is raised again here.

    Workers are daemon threads: when the deadline passes, the jobs not done
    are reported as TimedOut and the run goes on without them (a blocking
    read cannot be interrupted from outside, and the process exits soon).
    """
    if not jobs:
        return []
    todo: queue.SimpleQueue[int] = queue.SimpleQueue()
    for i in range(len(jobs)):
        todo.put(i)
    done: queue.SimpleQueue[tuple[int, Union[R, TimedOut, Refused, BaseException]]]
    done = queue.SimpleQueue()
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
                refusal = admit(jobs[i]) if admit else None
                done.put((i, Refused(refusal) if refusal else work(jobs[i])))
            except BaseException as e:  # handed to the calling thread
                done.put((i, e))

    for _ in range(min(concurrency, len(jobs))):
        threading.Thread(target=worker, daemon=True, name="commitgate-request").start()
    results: list[R | TimedOut | Refused | None] = [None] * len(jobs)
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
        if on_result:
            on_result(i, result)
    late, unsent = TimedOut(deadline.missed()), TimedOut(deadline.missed("its request was sent"))
    out: list[R | TimedOut | Refused] = []
    for i, r in enumerate(results):
        if r is None:
            r = late if i in sent else unsent
            if on_result:
                on_result(i, r)
        out.append(r)
    return out

"""40 requests to a server that takes 1 s to answer each, 8 at a time: the
ideal is 5 s. The same change to a server answering at once, in the same
run, shows the fixed cost.

Target: wall time at most 1.15 x the ideal."""

from __future__ import annotations

import random
import threading
import time
from pathlib import Path
from typing import Any

from tests.fake_gateway import FakeGateway, ReviewInput

from bench import corpus, harness

TARGET = 1.15
REQUESTS = 40
CONCURRENCY = 8
LATENCY = 1.0
ROUNDS = 3

# The smallest request budget commitgate allows; each file below takes
# more than half of it, so that no two share a request.
CONFIG = f"max-concurrency = {CONCURRENCY}\nmax-request-tokens = 2000\n"


def setup(ws: harness.Workspace, files: int = REQUESTS) -> Path:
    """A repository whose staged change is `files` new modules of about
    800 tokens each, with the settings above."""
    rng = random.Random(40)
    repo = ws.repo("concurrency")
    harness.write(repo, {"commitgate.toml": CONFIG.encode()})
    harness.commit(repo, ws.env())
    harness.write(
        repo,
        {
            f"svc/worker_{k:02d}.py": corpus.text(corpus.module(rng, 120)[:120])
            for k in range(files)
        },
    )
    harness.git(repo, ws.env(), "add", "-A")
    return repo


class InFlight:
    """The most requests the server was answering at once."""

    def __init__(self, latency: float) -> None:
        self.latency = latency
        self.answered: list[float] = []
        self._lock = threading.Lock()

    def __call__(self, request: ReviewInput) -> dict[str, Any]:
        with self._lock:
            self.answered.append(time.monotonic())
        return {"findings": []}

    def peak(self) -> int:
        # The server sleeps `latency` before answering: a request was in
        # flight during the `latency` before its answer.
        t = sorted(self.answered)
        return max((sum(1 for u in t if x - self.latency < u <= x) for x in t), default=0)


def main(rounds: int | None = None, save: bool = True, keep: bool = False) -> bool:
    where = harness.machine()
    rounds = rounds or ROUNDS
    with harness.Workspace(keep) as ws, FakeGateway() as gw:
        repo = setup(ws)
        env = ws.env(gw.base_url)
        cmd = [*harness.script("commitgate"), "--no-cache", "--format", "json"]
        planned = harness.report(harness.run([*cmd, "--dry-run"], repo, env))
        if len(planned["requests"]) != REQUESTS:
            raise SystemExit(f"bench: the change makes {len(planned['requests'])} requests")
        peaks: list[int] = []
        connections: list[int] = []

        def once(latency: float) -> float:
            gw.latency = latency
            gw.reviewer = probe = InFlight(latency)
            before, opened = len(gw.posts), gw.connections_opened
            r = harness.run(cmd, repo, env)
            doc = harness.report(r)
            if r.code != 0 or len(gw.posts) - before != REQUESTS:
                raise SystemExit(f"bench: exit {r.code}, {len(gw.posts) - before} requests")
            if doc["usage"]["requests"] != REQUESTS:
                raise SystemExit(f"bench: {doc['usage']['requests']} requests answered")
            if latency:
                peaks.append(probe.peak())
                connections.append(gw.connections_opened - opened)
            return r.seconds

        times = harness.interleave(
            {"latency 1 s": lambda: once(LATENCY), "latency 0 s": lambda: once(0.0)}, rounds
        )
    ideal = REQUESTS / CONCURRENCY * LATENCY
    slow, fast = harness.spread(times["latency 1 s"]), harness.spread(times["latency 0 s"])
    ok = slow.median <= TARGET * ideal
    out = [
        f"{REQUESTS} new files staged, each taking its own request (max-request-tokens = "
        f"2000), max-concurrency = {CONCURRENCY}, `--no-cache`; ideal {ideal:g} s. "
        f"{slow.n} runs of each, interleaved.",
        "",
        harness.table(
            ["server latency", "requests", "wall time, median (min-max)", "x ideal"],
            [
                [f"{LATENCY:g} s", REQUESTS, slow.s(), f"{slow.median / ideal:.3f}"],
                ["0 (answers at once)", REQUESTS, fast.s(), ""],
            ],
        ),
        "",
        f"Requests in flight at once, at most: {max(peaks)}; TCP connections opened per "
        f"run: {', '.join(map(str, connections))}.",
        "",
        f"Target: at most {TARGET} x the ideal {ideal:g} s: {slow.median / ideal:.3f}, "
        f"{harness.met(ok)}.",
    ]
    text = "\n".join(out)
    print(text)
    if save:
        harness.save("concurrency", text, where)
    return ok

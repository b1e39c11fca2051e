"""The same run again, nothing changed: answered from the review cache.

Two changes: the typical commit (server answering at once), and the
concurrency benchmark's 40-request change (server taking 1 s a request).
The first run of each is the baseline; the re-runs must ask nothing.

Target: under 0.3 s and zero requests."""

from __future__ import annotations

import collections
import shutil
from pathlib import Path

from tests.fake_gateway import FakeGateway

from bench import concurrency, harness

TARGET = 0.3
ROUNDS = 10


def ms(seconds: list[float]) -> str:
    return f"{harness.spread(seconds).median * 1000:.0f} ms"


def main(rounds: int | None = None, save: bool = True, keep: bool = False) -> bool:
    where = harness.machine()
    rounds = rounds or ROUNDS
    cg = harness.script("commitgate")
    rows = []
    ok = True
    with harness.Workspace(keep) as ws, FakeGateway() as gw:
        env = ws.env(gw.base_url)
        typical, files = harness.typical_repo(ws)
        forty = concurrency.setup(ws)

        cpu: dict[tuple[Path, bool], list[float]] = collections.defaultdict(list)

        def once(repo: Path, args: list[str], latency: float, empty: bool) -> float:
            """One run; with `empty`, from an empty cache. A cached run must
            ask nothing."""
            if empty:
                shutil.rmtree(repo / ".git" / "commitgate", ignore_errors=True)
            gw.latency = latency
            before = len(gw.posts)
            r = harness.run([*cg, *args], repo, env)
            if r.code != 0:
                raise SystemExit(f"bench: commitgate exited {r.code}: {r.stderr.strip()}")
            asked = len(gw.posts) - before
            if not empty and asked:
                raise SystemExit(f"bench: a cached re-run made {asked} requests")
            if empty and not asked:
                raise SystemExit("bench: a run from an empty cache made no request")
            cpu[repo, empty].append(r.cpu)
            return r.seconds

        # The typical commit: cold and warm runs interleaved (two copies of
        # the repository, one cache each).
        cold_repo, _ = harness.typical_repo(ws, "typical-cold")
        once(typical, files, 0.0, True)
        t = harness.interleave(
            {
                "first run": lambda: once(cold_repo, files, 0.0, True),
                "re-run": lambda: once(typical, files, 0.0, False),
            },
            rounds,
        )
        first, again = harness.spread(t["first run"]), harness.spread(t["re-run"])
        ok = ok and again.median < TARGET
        rows.append(
            [
                "typical commit (5 files)",
                "first run, empty cache",
                first.ms(),
                ms(cpu[cold_repo, True]),
                "1",
            ]
        )
        rows.append(["", "re-run, nothing changed", again.ms(), ms(cpu[typical, False]), "0"])

        # 40 requests at 1 s each: one first run, then the re-runs.
        cold = once(forty, [], concurrency.LATENCY, True)
        t = harness.interleave(
            {"re-run": lambda: once(forty, [], concurrency.LATENCY, False)}, rounds
        )
        again = harness.spread(t["re-run"])
        ok = ok and again.median < TARGET
        rows.append(
            [
                "40-request change, latency 1 s",
                "first run, empty cache",
                f"{cold * 1000:.0f} ms",
                ms(cpu[forty, True]),
                str(concurrency.REQUESTS),
            ]
        )
        rows.append(["", "re-run, nothing changed", again.ms(), ms(cpu[forty, False]), "0"])
    out = [
        f"commitgate's console script run with the files as pre-commit passes them; "
        f"{rounds} runs of each re-run (interleaved with the first runs for the typical "
        "commit), median (min-max).",
        "",
        harness.table(["change", "run", "wall time", "CPU time", "requests"], rows),
        "",
        f"Target: a re-run under {TARGET} s with zero requests: {harness.met(ok)} (every "
        "re-run above made zero requests; the benchmark stops if one does not).",
    ]
    text = "\n".join(out)
    print(text)
    if save:
        harness.save("cache", text, where)
    return ok

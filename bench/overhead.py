"""What commitgate costs on a typical commit when the server answers at
once, beside Yelp's detect-secrets-hook on the same files.

Whole-process wall times, the two interleaved. commitgate makes its real
request each run: its cache is emptied before every run, so each run also
pays for opening and writing a fresh cache, as a first commit of a change
does. Timed with hyperfine when it is installed, else with a loop here.

Target: commitgate's median at most 0.75 x detect-secrets'."""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from tests.fake_gateway import FakeGateway

from bench import harness

TARGET = 0.75
ROUNDS = 5  # hyperfine calls (or, without it, this many x RUNS loop rounds)
RUNS = 6  # runs of each command per hyperfine call


def commands(repo: Path, files: list[str]) -> dict[str, list[str]]:
    return {
        "commitgate": [*harness.script("commitgate"), *files],
        "detect-secrets-hook": [*harness.script("detect-secrets-hook"), *files],
        # For scale: the interpreter alone, and with the HTTP client loaded
        # as commitgate loads it (httpcore is imported by the first Client).
        "python -c pass": [sys.executable, "-c", "pass"],
        "python -c 'import httpx; httpx.Client(verify=False)'": [
            sys.executable,
            "-c",
            "import httpx; httpx.Client(verify=False)",
        ],
    }


def with_hyperfine(
    cmds: Mapping[str, Sequence[str]],
    prepare: Mapping[str, str],
    cwd: Path,
    env: Mapping[str, str],
    rounds: int,
) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Wall times of every run, and CPU times (hyperfine gives their mean
    per call). hyperfine runs its commands one after another; calling it
    several times with the order reversed each time interleaves them."""
    times: dict[str, list[float]] = {name: [] for name in cmds}
    cpu: dict[str, list[float]] = {name: [] for name in cmds}
    for r in range(rounds):
        names = list(cmds) if r % 2 == 0 else list(reversed(list(cmds)))
        with tempfile.NamedTemporaryFile(suffix=".json") as out:
            args = ["hyperfine", "-N", "--style", "none", "--warmup", "1"]
            args += ["--runs", str(RUNS), "--export-json", out.name]
            for name in names:
                args += ["--prepare", prepare.get(name, "true")]
            args += [shlex.join(cmds[name]) for name in names]
            subprocess.run(args, cwd=cwd, env=dict(env), check=True, capture_output=True)
            results = json.loads(Path(out.name).read_text(encoding="utf-8"))["results"]
        for name, result in zip(names, results):
            times[name] += result["times"]
            cpu[name].append(result["user"] + result["system"])
    return times, cpu


def with_loop(
    cmds: Mapping[str, Sequence[str]],
    cache: Path,
    cwd: Path,
    env: Mapping[str, str],
    rounds: int,
) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    cpu: dict[str, list[float]] = {name: [] for name in cmds}

    def once(name: str) -> float:
        if name == "commitgate":
            for old in cache.parent.glob(cache.name + "*"):
                old.unlink()
        r = harness.run(cmds[name], cwd, env)
        if r.code != 0:
            raise SystemExit(f"bench: {name} exited {r.code}: {r.stderr.strip()}")
        cpu[name].append(r.cpu)
        return r.seconds

    jobs = {name: (lambda n=name: once(n)) for name in cmds}
    return harness.interleave(jobs, rounds * RUNS), cpu


def main(rounds: int | None = None, save: bool = True, keep: bool = False) -> bool:
    where = harness.machine()
    rounds = rounds or ROUNDS
    timer = "hyperfine" if shutil.which("hyperfine") else "python loop"
    with harness.Workspace(keep) as ws, FakeGateway() as gw:
        repo, files = harness.typical_repo(ws)
        # The review cache only: the price list, like on a real machine, is
        # fetched once and kept for a day.
        cache = repo / ".git" / "commitgate" / "cache.sqlite3"
        cmds = commands(repo, files)
        env = ws.env(gw.base_url)
        # Whatever the timer, every run must pass and make its one request.
        for name, cmd in cmds.items():
            r = harness.run(cmd, repo, env)
            if r.code != 0:
                raise SystemExit(f"bench: {name} exited {r.code}: {r.stderr.strip()}")
        before = len(gw.posts)
        if timer == "hyperfine":
            # hyperfine -N runs this without a shell: no glob, every file named.
            stale = [f"{cache}{end}" for end in ("", "-wal", "-shm")]
            prepare = {"commitgate": shlex.join(["rm", "-f", *stale])}
            times, cpu = with_hyperfine(cmds, prepare, repo, env, rounds)
        else:
            times, cpu = with_loop(cmds, cache, repo, env, rounds)
        requests = len(gw.posts) - before
    stats = {name: harness.spread(t) for name, t in times.items()}
    runs = stats["commitgate"].n
    if requests < runs:
        raise SystemExit(f"bench: {runs} commitgate runs made only {requests} requests")
    cpus = {name: harness.spread(t) for name, t in cpu.items()}
    ds, ds_cpu = stats["detect-secrets-hook"].median, cpus["detect-secrets-hook"].median
    ratio = stats["commitgate"].median / ds
    ok = ratio <= TARGET
    out = [
        f"The typical commit ({len(files)} files, about 200 changed lines) staged; each "
        "command gets the 5 file names, as pre-commit passes them. commitgate asks the "
        f"loopback gateway (answering at once) each run, with an empty cache. Timer: "
        f"{timer}; {runs} runs of each command, interleaved.",
        "",
        harness.table(
            ["command", "wall time, median (min-max)", "x detect-secrets", "CPU time", "x"],
            [
                [
                    f"`{n}`",
                    s.ms(),
                    f"{s.median / ds:.2f}",
                    f"{cpus[n].median * 1000:.0f} ms",
                    f"{cpus[n].median / ds_cpu:.2f}",
                ]
                for n, s in stats.items()
            ],
        ),
        "",
        "CPU time: user + system, the process and its children (git), median"
        + (" of hyperfine's mean per call." if timer == "hyperfine" else "."),
        "",
        f"Target: commitgate's median at most {TARGET} x detect-secrets': "
        f"{ratio:.2f}, {harness.met(ok)}.",
    ]
    text = "\n".join(out)
    print(text)
    if save:
        harness.save("overhead", text, where)
    return ok

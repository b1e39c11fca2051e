"""What commitgate costs on a typical commit when the server answers at
once, beside Yelp's detect-secrets-hook on the same files.

Whole-process wall times, the two interleaved. commitgate makes its real
request each run: its cache is emptied before every run, so each run also
pays for opening and writing a fresh cache, as a first commit of a change
does. Timed with hyperfine when it is installed, else with a loop here.

Two commits: the typical one (5 files, about 200 changed lines), and a new
user's first (5 files of 40 lines, 20 changed lines each). Beside them, the
floor: the interpreter, httpx and its client, and the git calls that
commitgate's run made (recorded with GIT_TRACE from a real run, then run one
after another by a script that does nothing else). What commitgate costs
above the floor is its own.

Targets, on each commit: commitgate's median at most 0.75 x detect-secrets',
and at most 1.3 x the floor's."""

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
FLOOR_TARGET = 1.3
FLOOR = "the floor: python, httpx, and the git calls of the run"

# Runs the git calls of a commitgate run, in order, after loading what
# commitgate loads to talk to the server.
_FLOOR_SCRIPT = """\
import json, subprocess, sys
import httpx
httpx.Client(verify=False)
for argv in json.load(open(sys.argv[1])):
    subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, check=False)
"""
ROUNDS = 5  # hyperfine calls (or, without it, this many x RUNS loop rounds)
RUNS = 6  # runs of each command per hyperfine call


def git_calls(repo: Path, files: Sequence[str], env: Mapping[str, str]) -> list[list[str]]:
    """The git commands one commitgate run makes, as GIT_TRACE shows them."""
    with tempfile.NamedTemporaryFile(suffix=".trace") as trace:
        r = harness.run(
            [*harness.script("commitgate"), "--no-cache", *files],
            repo,
            {**env, "GIT_TRACE": trace.name},
        )
        if r.code != 0:
            raise SystemExit(f"bench: commitgate exited {r.code}: {r.stderr.strip()}")
        lines = Path(trace.name).read_text(encoding="utf-8", errors="replace").splitlines()
    calls = []
    for line in lines:
        # "12:00:00.000000 git.c:463  trace: built-in: git diff-index ..."; the
        # exec and run_command lines of the same call are not calls of their own.
        _, sep, rest = line.partition("trace: built-in: ")
        if sep:
            calls.append(shlex.split(rest))
    if not calls:
        raise SystemExit("bench: GIT_TRACE recorded no git call")
    return calls


def small_repo(ws: harness.Workspace) -> tuple[Path, list[str]]:
    """A new user's first commit: 5 files of 40 lines, 20 of them changed."""
    before, after = {}, {}
    for i in range(5):
        lines = [f"def f{i}_{n}(x):\n    return x + {n}\n" for n in range(20)]
        before[f"pkg/mod{i}.py"] = "".join(lines).encode()
        changed = [
            f"def f{i}_{n}(x):\n    return x * {n + 1}\n" if n % 2 else lines[n] for n in range(20)
        ]
        after[f"pkg/mod{i}.py"] = "".join(changed).encode()
    repo = ws.repo("small")
    harness.write(repo, before)
    harness.commit(repo, ws.env())
    harness.write(repo, after)
    harness.git(repo, ws.env(), "add", "-A")
    return repo, sorted(after)


def commands(repo: Path, files: list[str], floor: Path | None = None) -> dict[str, list[str]]:
    floor_cmd = {FLOOR: [sys.executable, "-c", _FLOOR_SCRIPT, str(floor)]} if floor else {}
    return {
        "commitgate": [*harness.script("commitgate"), *files],
        "detect-secrets-hook": [*harness.script("detect-secrets-hook"), *files],
        **floor_cmd,
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
    out: list[str] = []
    ok = True
    with harness.Workspace(keep) as ws, FakeGateway() as gw:
        for title, make in (
            ("The typical commit (5 files, about 200 changed lines)", harness.typical_repo),
            ("A new user's first commit (5 files of 40 lines, 20 changed lines each)", small_repo),
        ):
            repo, files = make(ws)
            text, met = _measure(ws, gw, repo, files, rounds, timer)
            out += [f"**{title}.** {text[0]}", "", *text[1:], ""]
            ok = ok and met
    out += [
        "CPU time: user + system, the process and its children (git), median"
        + (" of hyperfine's mean per call." if timer == "hyperfine" else "."),
    ]
    body = "\n".join(out)
    print(body)
    if save:
        harness.save("overhead", body, where)
    return ok


def _measure(
    ws: harness.Workspace,
    gw: FakeGateway,
    repo: Path,
    files: list[str],
    rounds: int,
    timer: str,
) -> tuple[list[str], bool]:
    """One commit's table and verdict."""
    # The review cache only: the price list, like on a real machine, is
    # fetched once and kept for a day.
    cache = repo / ".git" / "commitgate" / "cache.sqlite3"
    env = ws.env(gw.base_url)
    calls = git_calls(repo, files, env)
    floor = repo.parent / f"{repo.name}-git-calls.json"
    floor.write_text(json.dumps(calls), encoding="utf-8")
    cmds = commands(repo, files, floor)
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
    fl = stats[FLOOR].median
    ratio = stats["commitgate"].median / ds
    above = stats["commitgate"].median / fl
    ok = ratio <= TARGET and above <= FLOOR_TARGET
    lines = [
        "Each command gets the file names, as pre-commit passes them. commitgate asks the "
        f"loopback gateway (answering at once) each run, with an empty cache; it made "
        f"{len(calls)} git calls, which the floor runs. Timer: {timer}; {runs} runs of each "
        "command, interleaved.",
        harness.table(
            [
                "command",
                "wall time, median (min-max)",
                "x detect-secrets",
                "x floor",
                "CPU time",
                "x detect-secrets",
            ],
            [
                [
                    f"`{n}`" if n != FLOOR else n,
                    s.ms(),
                    f"{s.median / ds:.2f}",
                    f"{s.median / fl:.2f}",
                    f"{cpus[n].median * 1000:.0f} ms",
                    f"{cpus[n].median / ds_cpu:.2f}",
                ]
                for n, s in stats.items()
            ],
        ),
        "",
        f"Targets: at most {TARGET} x detect-secrets': {ratio:.2f}; at most {FLOOR_TARGET} x "
        f"the floor's: {above:.2f}. {harness.met(ok)}.",
    ]
    return lines, ok

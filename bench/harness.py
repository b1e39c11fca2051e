"""What every benchmark shares: temporary git repositories, commitgate run
as a real process against the loopback gateway, timing, and the sections
of RESULTS.md."""

from __future__ import annotations

import datetime
import json
import os
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # for tests.fake_gateway

RESULTS = ROOT / "bench" / "RESULTS.md"
SECTIONS = (
    "overhead",
    "concurrency",
    "cache",
    "scale",
    "efficiency",
    "speed",
    "quality",
    "fixes",
)
# `all`: every benchmark but quality and fixes, which set up a real model and
# take hours.
FAST = SECTIONS[:-2]

# Variables of the caller's environment that would change what a run does.
_ISOLATE = (
    "AI_GATEWAY_API_KEY",
    "VERCEL_OIDC_TOKEN",
    "COMMITGATE_MODEL",
    "COMMITGATE_BASE_URL",
    "COMMITGATE_DEBUG",
    "CI",
    "PRE_COMMIT",
    "PRE_COMMIT_FROM_REF",
    "PRE_COMMIT_TO_REF",
    "GIT_DIR",
    "GIT_INDEX_FILE",
    "GIT_WORK_TREE",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "http_proxy",
    "https_proxy",
    "all_proxy",
    # An installed hook has its bytecode compiled (pip compiles on install);
    # without it every run would compile commitgate's modules again.
    "PYTHONDONTWRITEBYTECODE",
)


def script(name: str) -> list[str]:
    """A console script of the running interpreter's environment.

    commitgate runs as its console script because that is what pre-commit
    runs (`entry: commitgate`); `python -m commitgate` when it is missing."""
    path = Path(sys.executable).parent / name
    if path.exists():
        return [str(path)]
    if name == "commitgate":
        return [sys.executable, "-m", "commitgate"]
    found = shutil.which(name)
    if found is None:
        raise SystemExit(f"bench: {name} is not installed: pip install -e '.[bench]'")
    return [found]


def environment(base_url: str = "", home: str = "") -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _ISOLATE}
    env.update(
        GIT_CONFIG_NOSYSTEM="1",
        GIT_AUTHOR_NAME="bench",
        GIT_AUTHOR_EMAIL="bench@example.com",
        GIT_COMMITTER_NAME="bench",
        GIT_COMMITTER_EMAIL="bench@example.com",
    )
    if home:
        env["HOME"] = home
        env["XDG_CONFIG_HOME"] = os.path.join(home, ".config")
    if base_url:
        env["COMMITGATE_BASE_URL"] = base_url
        env["AI_GATEWAY_API_KEY"] = "bench-key"
    return env


class Workspace:
    """A temporary folder with a HOME of its own and git repositories in it."""

    def __init__(self, keep: bool = False) -> None:
        self.path = Path(tempfile.mkdtemp(prefix="commitgate-bench-"))
        self.home = self.path / "home"
        self.home.mkdir()
        self.keep = keep

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        if not self.keep:
            shutil.rmtree(self.path, ignore_errors=True)

    def env(self, base_url: str = "") -> dict[str, str]:
        return environment(base_url, str(self.home))

    def repo(self, name: str) -> Path:
        path = self.path / name
        path.mkdir()
        git(path, self.env(), "init", "-q")
        return path


def git(repo: Path, env: Mapping[str, str], *args: str) -> str:
    proc = subprocess.run(
        ["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=False
    )
    if proc.returncode:
        raise SystemExit(f"bench: git {' '.join(args)} failed: {proc.stderr.strip()}")
    return proc.stdout


def write(repo: Path, files: Mapping[str, bytes]) -> None:
    for rel, data in files.items():
        p = repo / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)


def commit(repo: Path, env: Mapping[str, str], message: str = "bench") -> None:
    git(repo, env, "add", "-A")
    git(repo, env, "commit", "-q", "--no-verify", "-m", message)


class Run(NamedTuple):
    seconds: float
    code: int
    stdout: str
    stderr: str
    max_rss_kb: int  # of the process (and the children it waited for)
    cpu: float  # user + system seconds, the same


def run(cmd: Sequence[str], cwd: Path, env: Mapping[str, str]) -> Run:
    """Run a process to its end; its wall time and peak memory."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(list(cmd), cwd=cwd, env=dict(env), stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Run(
            seconds,
            proc.returncode,
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
            usage.ru_maxrss,
            usage.ru_utime + usage.ru_stime,
        )


def report(r: Run) -> dict[str, Any]:
    """The JSON report of a run made with `--format json`."""
    try:
        doc: dict[str, Any] = json.loads(r.stdout)
    except ValueError:
        raise SystemExit(f"bench: no JSON report (exit {r.code}): {r.stderr.strip()}") from None
    return doc


def typical_repo(ws: Workspace, name: str = "typical") -> tuple[Path, list[str]]:
    """A repository with the typical commit staged; its files."""
    from bench import corpus

    c = corpus.typical_commit()
    repo = ws.repo(name)
    write(repo, c.before)
    commit(repo, ws.env())
    write(repo, c.after)
    git(repo, ws.env(), "add", "-A")
    return repo, sorted(c.after)


# ---- figures ----------------------------------------------------------------


class Spread(NamedTuple):
    median: float
    low: float
    high: float
    n: int

    def ms(self) -> str:
        return f"{self.median * 1000:.0f} ms ({self.low * 1000:.0f}-{self.high * 1000:.0f})"

    def s(self) -> str:
        return f"{self.median:.2f} s ({self.low:.2f}-{self.high:.2f})"


def spread(values: Iterable[float]) -> Spread:
    v = sorted(values)
    return Spread(statistics.median(v), v[0], v[-1], len(v))


def interleave(commands: Mapping[str, Callable[[], float]], rounds: int) -> dict[str, list[float]]:
    """Call each of `commands` (name -> callable returning seconds) once per
    round, in an order that alternates, so that a noisy neighbour hurts all
    of them alike."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    names = list(commands)
    for r in range(rounds):
        for name in names if r % 2 == 0 else reversed(names):
            times[name].append(commands[name]())
    return times


def table(head: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(out)


def met(ok: bool) -> str:
    return "**met**" if ok else "**NOT met**"


# ---- RESULTS.md -------------------------------------------------------------


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            m = re.search(r"^model name\s*:\s*(.+)$", f.read(), re.M)
        if m:
            cpu = m.group(1).strip()
    except OSError:
        pass
    system = platform.platform(terse=True)
    try:
        with open("/etc/os-release", encoding="utf-8") as f:
            m = re.search(r'^PRETTY_NAME="?([^"\n]+)', f.read(), re.M)
        if m:
            system = f"{m.group(1)} ({platform.system()} {platform.release()})"
    except OSError:
        pass
    gitv = subprocess.run(["git", "--version"], capture_output=True, text=True).stdout.strip()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"{cpu}, {os.cpu_count()} cores (load average as the benchmark started: {load}); "
        f"Python {platform.python_version()}; {system}; {gitv}"
    )


def command() -> str:
    python = Path(sys.executable)
    if python.is_relative_to(ROOT):
        python = python.relative_to(ROOT)
    return shlex.join([str(python), "bench/run.py", *sys.argv[1:]])


def save(section: str, body: str, where: str) -> None:
    """Put a benchmark's section in RESULTS.md in place of its last one;
    `where` is machine() as the benchmark started."""
    if section not in SECTIONS:
        raise ValueError(section)
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    head = (
        f"Machine: {where}  \nDate: {stamp}  \nCommand: `{command()}`"
        " (from the repository root)\n\n"
    )
    old = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else ""
    parts = _sections(old)
    parts[section] = f"## {section}\n\n{head}{body.strip()}\n"
    out = [_PREAMBLE.strip()]
    out += [parts[name] for name in SECTIONS if name in parts]
    RESULTS.write_text("\n\n".join(p.strip() for p in out) + "\n", encoding="utf-8")


def _sections(text: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for chunk in re.split(r"(?m)^(?=## )", text):
        m = re.match(r"## (\w+)", chunk)
        if m and m.group(1) in SECTIONS:
            found[m.group(1)] = chunk
    return found


_PREAMBLE = """
# Benchmark results

Written by `bench/run.py` (see README, "Benchmarks"); each section is
replaced when its benchmark runs again. All runs but quality's and fixes' are
against the loopback gateway (tests/fake_gateway.py) in temporary git
repositories; those two are against a real small model on a local server (see
there). commitgate is
run as its console script, the entry pre-commit runs, with its bytecode
compiled as an installed hook's is. Times are whole-process wall times,
median (min-max) of interleaved runs; CPU time (user + system, children
included) is beside them where it helps, because the machine is shared and
its load (given in each section) moves wall times much more than CPU times.
"""

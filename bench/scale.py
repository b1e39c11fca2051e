"""`commitgate --all-files` over a generated repository of 10,000 files and
1 million lines, the server answering at once: wall time, requests, peak
memory, and whether every file was either reviewed or listed as not
reviewed. The same repository with `--dry-run` (collect, render and plan,
send nothing) is the baseline.

Target: peak RSS under 300 MB; every file accounted for."""

from __future__ import annotations

import collections
import json
import shutil
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

from tests.fake_gateway import FakeGateway

from bench import corpus, harness

TARGET_MB = 300
DRY_RUN = "`commitgate --all-files --dry-run` (baseline: sends nothing)"
NO_CACHE = "`commitgate --all-files --no-cache`"
EMPTY = "`commitgate --all-files`, empty cache"
CACHED = "`commitgate --all-files`, cached re-run"
PRE_COMMIT = "`pre-commit run commitgate --all-files`, hook args `--no-cache`; {calls} calls"
ROUNDS = 3
FILES = 10_000
LINES = 1_000_000


class Made(NamedTuple):
    repo: Path
    files: int
    lines: int
    megabytes: float
    seconds: float


def setup(ws: harness.Workspace, files: int = FILES, lines: int = LINES) -> Made:
    started = time.perf_counter()
    repo = ws.repo("scale")
    count = size = total = 0
    batch: dict[str, bytes] = {}
    for f in corpus.repository(files, lines):
        batch[f.path] = f.data
        count, size, total = count + 1, size + len(f.data), total + f.lines
        if len(batch) >= 1000:
            harness.write(repo, batch)
            batch = {}
    harness.write(repo, batch)
    harness.commit(repo, ws.env())
    return Made(repo, count, total, size / 1e6, time.perf_counter() - started)


class Result(NamedTuple):
    seconds: float
    cpu: float
    requests: int
    rss_mb: float
    reviewed: int
    not_reviewed: Mapping[str, int]  # reason -> files
    complete: bool  # every tracked file reviewed or listed, none both


def check(doc: Mapping[str, Any], tracked: set[str]) -> tuple[bool, dict[str, int]]:
    reviewed = set(doc["files"])
    skipped = {nr["path"] for nr in doc["not_reviewed"]}
    reasons = collections.Counter(nr["reason"].split(" (")[0] for nr in doc["not_reviewed"])
    complete = reviewed | skipped == tracked and not reviewed & skipped
    return complete, dict(reasons)


def pre_commit_config(ws: harness.Workspace) -> Path:
    """A pre-commit configuration (outside the repository under test, so
    that it is not one of its files) whose hook is this checkout, as
    pre-commit would clone it, reporting in JSON."""
    hook = ws.path / "hook"
    hook.mkdir()
    for name in ("pyproject.toml", ".pre-commit-hooks.yaml", "README.md", "LICENSE"):
        shutil.copy(harness.ROOT / name, hook / name)
    shutil.copytree(
        harness.ROOT / "src",
        hook / "src",
        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"),
    )
    harness.git(hook, ws.env(), "init", "-q")
    harness.commit(hook, ws.env())
    rev = harness.git(hook, ws.env(), "rev-parse", "HEAD").strip()
    config = ws.path / "pre-commit-config.yaml"
    config.write_text(
        f"repos:\n  - repo: {hook}\n    rev: {rev}\n    hooks:\n      - id: commitgate\n"
        "        args: [--format, json, --no-cache]\n",
        encoding="utf-8",
    )
    return config


def reports(output: str) -> list[dict[str, Any]]:
    """The JSON reports of every call pre-commit made, from its output."""
    decoder = json.JSONDecoder()
    docs = []
    at = output.find("{")
    while at != -1:
        doc, end = decoder.raw_decode(output, at)
        docs.append(doc)
        at = output.find("{", end)
    return docs


def main(rounds: int | None = None, save: bool = True, keep: bool = False) -> bool:
    where = harness.machine()
    rounds = rounds or ROUNDS
    with harness.Workspace(keep) as ws, FakeGateway() as gw:
        made = setup(ws)
        print(f"generated {made.files:,} files, {made.lines:,} lines in {made.seconds:.0f} s")
        repo, env = made.repo, ws.env(gw.base_url)
        tracked = set(harness.git(repo, env, "ls-files", "-z").split("\0")) - {""}
        cmd = [*harness.script("commitgate"), "--all-files", "--format", "json"]
        cache = repo / ".git" / "commitgate"
        results: dict[str, list[Result]] = collections.defaultdict(list)
        from identify.identify import tags_from_path  # pre-commit's own file typing

        config = pre_commit_config(ws)
        hook_env = {**env, "PRE_COMMIT_HOME": str(ws.path / "pre-commit-home")}
        pre_commit = [sys.executable, "-m", "pre_commit", "run", "--config", str(config)]
        harness.run([*pre_commit[:3], "install-hooks", "--config", str(config)], repo, hook_env)
        # The hook takes text files only (`types: [text]`): pre-commit never
        # passes it the others.
        not_text = {p for p in tracked if "text" not in tags_from_path(str(repo / p))}
        calls: list[int] = []

        def once(name: str, args: list[str], empty: bool) -> float:
            if empty:
                for p in cache.glob("*"):
                    p.unlink()
            gw.requests.clear()  # the bodies of 400 requests add up
            if name == PRE_COMMIT:
                r = harness.run([*pre_commit, "--all-files", "--color", "never"], repo, hook_env)
                docs = reports(r.stdout)
                calls.append(len(docs))
                doc = {
                    "files": [f for d in docs for f in d["files"]],
                    "not_reviewed": [nr for d in docs for nr in d["not_reviewed"]]
                    + [{"path": p, "reason": "not text (pre-commit)"} for p in not_text],
                }
            else:
                r = harness.run([*cmd, *args], repo, env)
                doc = harness.report(r)
            if r.code != 0:
                raise SystemExit(f"bench: {name} exited {r.code}: {r.stderr.strip()}")
            complete, reasons = check(doc, tracked)
            results[name].append(
                Result(
                    r.seconds,
                    r.cpu,
                    len(gw.posts),
                    r.max_rss_kb / 1024,
                    len(doc["files"]),
                    reasons,
                    complete,
                )
            )
            return r.seconds

        once(CACHED, [], True)  # warms the cache and the page cache
        harness.interleave(
            {
                DRY_RUN: lambda: once(DRY_RUN, ["--dry-run"], False),
                NO_CACHE: lambda: once(NO_CACHE, ["--no-cache"], False),
                EMPTY: lambda: once(EMPTY, [], True),
                CACHED: lambda: once(CACHED, [], False),
                PRE_COMMIT: lambda: once(PRE_COMMIT, [], False),
            },
            rounds,
        )
        results[CACHED].pop(0)
    rows = []
    ok = True
    for name, rs in results.items():
        t = harness.spread(r.seconds for r in rs)
        cpu = harness.spread(r.cpu for r in rs)
        rss = max(r.rss_mb for r in rs)
        complete = all(r.complete for r in rs)
        ok = ok and complete and rss < TARGET_MB
        requests = sorted({r.requests for r in rs})
        rows.append(
            [
                name.format(calls="/".join(map(str, sorted(set(calls))))),
                t.s(),
                f"{cpu.median:.2f} s",
                "/".join(map(str, requests)),
                f"{rss:.0f}",
                f"{rs[0].reviewed:,}",
                ", ".join(f"{n} {reason}" for reason, n in sorted(rs[0].not_reviewed.items())),
                "yes" if complete else "**NO**",
            ]
        )
    out = [
        f"A generated repository: {made.files:,} files, {made.lines:,} lines, "
        f"{made.megabytes:.0f} MB (Python modules from 5 to a few thousand lines; 20 binary "
        f"files; 5 larger than max-file-bytes). `commitgate --all-files --format json`, "
        f"server answering at once; {rounds} runs of each, interleaved. Peak RSS is the "
        "commitgate process's (wait4), the largest of the runs; CPU time is user + system, "
        "the process and its children (git), median.",
        "",
        harness.table(
            [
                "run",
                "wall time, median (min-max)",
                "CPU time",
                "requests",
                "peak RSS, MB",
                "reviewed",
                "not reviewed",
                "every file accounted for",
            ],
            rows,
        ),
        "",
        f"Target: peak RSS under {TARGET_MB} MB, every file reviewed or listed as not "
        f"reviewed: {harness.met(ok)}.",
    ]
    text = "\n".join(out)
    print(text)
    if save:
        harness.save("scale", text, where)
    return ok

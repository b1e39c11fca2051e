"""What `commitgate fix` fixes: the eval corpus's bug cases, each with its
known bug as the finding, fixed by a real model on a real local server, and
the fix judged by running the case's own check (check/run), which passes on
the corrected tree and fails on the buggy one.

Each case is staged as `commitgate eval` stages it (before/ committed,
after/ staged); the last review is written with one finding per expected
bug (its lines, its severity, and the case's `why` as what goes wrong), so
that the fix is measured apart from the review's recall: given the right
finding, does the patch fix the bug? Then `commitgate fix --all --apply`
runs as a user runs it, and check/run judges the working tree.

The server and model are quality's (bench/quality.py): llama.cpp's
llama-server with Qwen2.5-Coder-1.5B-Instruct Q4_K_M on two cores. A floor,
not a promise for gpt-5.1-codex-mini.

    python bench/run.py fixes
    COMMITGATE_FIX_CASES=py-invoice-totals,go-link-checker python bench/run.py fixes --no-save
    COMMITGATE_FIX_CASES=py-,js- python bench/run.py fixes     # ids that start so
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import tempfile
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from bench import harness
from bench.quality import CORPUS, LOCAL, MODEL

# The model, the corpus and the local server's settings are quality's.
RAW = harness.ROOT / "bench" / "fixes.json"
CHECK_TIMEOUT = 300

_TOKENS = re.compile(r"tokens: ([\d,]+) in, ([\d,]+) out")
_REFUSED = re.compile(r"^not fixed: \d+\. (.*)$", re.M)


def cases(names: Sequence[str] = ()) -> list[Any]:
    from commitgate.eval import corpus

    found = [c for c in corpus.load([str(CORPUS)]) if c.kind == "bug"]
    if names:
        # A name ending in "-" is a prefix: "py-" is every Python case.
        unknown = [n for n in names if not any(_named(c.id, n) for c in found)]
        if unknown:
            raise SystemExit(f"bench: no bug case {unknown}")
        found = [c for c in found if any(_named(c.id, n) for n in names)]
    return found


def _named(case_id: str, name: str) -> bool:
    return case_id.startswith(name) if name.endswith("-") else case_id == name


def stage_with_finding(case: Any, root: str, env: Mapping[str, str]) -> None:
    """The case staged, and a kept review whose findings are its bugs."""
    from commitgate import git
    from commitgate.eval.run import isolate, stage
    from commitgate.git.content import decode, split_lines
    from commitgate.review import last
    from commitgate.review.findings import Finding

    stage(case, root, isolate(env))
    repo = git.find_repo(root)
    findings, files = [], {}
    for bug in case.bugs:
        with open(os.path.join(root, bug.path), "rb") as f:
            files[bug.path] = split_lines(decode(f.read()) or "")
        title = re.split(r"(?<=[.;:])\s", bug.why.strip(), maxsplit=1)[0][:120]
        findings.append(
            Finding(
                bug.path,
                bug.first,
                bug.severity,
                title or "the expected bug",
                bug.why,
                end_line=bug.last,
                category="correctness",
                blocking=True,
            )
        )
    problem = last.keep(repo, "review", f"eval case {case.id}", "", "bench", findings, files)
    if problem:
        raise SystemExit(f"bench: {problem}")


def fix_case(case: Any, url: str, settings: Mapping[str, str], home: Path) -> dict[str, Any]:
    """One case: staged, fixed, checked."""
    config = home / "settings.toml"
    config.write_text("".join(f"{k} = {v}\n" for k, v in {**LOCAL, **settings}.items()))
    env = harness.environment(url, str(home))
    env["COMMITGATE_CONFIG"] = str(home / "user-config.toml")
    with tempfile.TemporaryDirectory(prefix=f"commitgate-fixes-{case.id}-") as tmp:
        root = os.path.join(tmp, "repo")
        stage_with_finding(case, root, env)
        index = Path(root, ".git", "index").read_bytes()
        started = time.monotonic()
        proc = subprocess.run(
            [*harness.script("commitgate"), "fix", "--all", "--apply", "--config", str(config)],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        seconds = time.monotonic() - started
        out = proc.stdout + proc.stderr
        applied = "applied to the working tree:" in proc.stdout
        tokens = [int(x.replace(",", "")) for x in (_TOKENS.findall(out) or [("0", "0")])[0]]
        fixed = False
        check_output = ""
        if applied:
            run = os.path.join(case.root, "check", "run")
            try:
                checked = subprocess.run(
                    ["sh", run, root],
                    capture_output=True,
                    text=True,
                    timeout=CHECK_TIMEOUT,
                    env={**env, "HOME": str(home)},
                    check=False,
                )
                fixed = checked.returncode == 0
                check_output = (checked.stdout + checked.stderr)[-400:]
            except subprocess.TimeoutExpired:
                check_output = f"check/run took more than {CHECK_TIMEOUT}s"
        return {
            "id": case.id,
            "language": case.language,
            "exit": proc.returncode,
            "applied": applied,
            "fixed": fixed,
            "refused": _REFUSED.findall(proc.stdout),
            "index_unchanged": Path(root, ".git", "index").read_bytes() == index,
            "tokens": tokens,
            "seconds": round(seconds, 1),
            "check": check_output if applied and not fixed else "",
            "error": proc.stderr.strip()[-300:] if proc.returncode not in (0, 1) else "",
        }


def summary(results: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    n = len(results)
    applied = sum(r["applied"] for r in results)
    fixed = sum(r["fixed"] for r in results)
    reasons: Counter[str] = Counter()
    for r in results:
        for why in r["refused"]:
            reasons[_reason(why)] += 1
    return {
        "cases": n,
        "applied": applied,
        "fixed": fixed,
        "fixed_of_applied": fixed / applied if applied else None,
        "refused": dict(reasons.most_common()),
        "index_unchanged": all(r["index_unchanged"] for r in results),
        "tokens_per_case": sum(sum(r["tokens"]) for r in results) / n if n else 0,
        "seconds_per_case": sum(r["seconds"] for r in results) / n if n else 0,
        "by_language": {
            lang: f"{sum(r['fixed'] for r in rs)} of {len(rs)}"
            for lang in sorted({r["language"] for r in results})
            for rs in [[r for r in results if r["language"] == lang]]
        },
    }


def _reason(why: str) -> str:
    """A refusal's kind, without its file and line numbers."""
    for key, label in (
        ("no longer compile", "would no longer compile"),
        ("changed since the review", "lines changed since the review"),
        ("reaches for", "edits another file"),
        ("proposed no change", "no edits proposed"),
        ("changes nothing", "the edits change nothing"),
        ("edit the same lines", "overlapping edits"),
        ("outside the file", "lines outside the file"),
        ("does not apply", "git apply --check refused"),
        ("no fix:", "no usable answer"),
    ):
        if key in why:
            return label
    return "other"


def render(s: Mapping[str, Any]) -> str:
    rate = s["fixed_of_applied"]
    rows = [
        ["bug cases", str(s["cases"])],
        ["a patch applied", f"{s['applied']} of {s['cases']}"],
        ["the case's check passes (bug fixed)", f"{s['fixed']} of {s['cases']}"],
        ["fixed, of the patches applied", f"{rate:.0%}" if rate is not None else "-"],
        ["fixed, by language", ", ".join(f"{k} {v}" for k, v in s["by_language"].items())],
        [
            "refused, by reason",
            ", ".join(f"{k} {v}" for k, v in s["refused"].items()) or "none",
        ],
        ["index unchanged in every case", "yes" if s["index_unchanged"] else "**no**"],
        ["tokens per case", f"{s['tokens_per_case']:,.0f}"],
        ["seconds per case", f"{s['seconds_per_case']:.1f}"],
    ]
    return harness.table(["", ""], rows)


def main(rounds: int | None = None, save: bool = True, keep: bool = False) -> bool:
    from tests.realserver import servers

    names = [c for c in os.environ.get("COMMITGATE_FIX_CASES", "").split(",") if c]
    chosen = cases(names)
    where = harness.machine()
    servers.setup(models=[MODEL], llama_cpp_python=False)
    started = time.monotonic()
    results = []
    with (
        tempfile.TemporaryDirectory(prefix="commitgate-fixes-") as tmp,
        servers.start_llama_server(MODEL, ctx=16384, parallel=1) as url,
    ):
        for case in chosen:
            home = Path(tmp) / case.id
            home.mkdir()
            r = fix_case(case, url, {}, home)
            results.append(r)
            verdict = "fixed" if r["fixed"] else ("applied" if r["applied"] else "refused")
            print(f"   {case.id}: {verdict} ({r['seconds']:.0f}s)", flush=True)
            # Saved after every case: a run cut short keeps what it measured.
            if save:
                s = summary(results)
                RAW.write_text(json.dumps({"summary": s, "cases": results}, indent=1) + "\n")
                harness.save("fixes", _section(s, time.monotonic() - started), where)
    s = summary(results)
    print(render(s))
    return bool(s["index_unchanged"])


def _section(s: Mapping[str, Any], seconds: float) -> str:
    return f"""\
`commitgate fix --all --apply` on each bug case of eval/corpus, given the
case's known bug as the finding (its lines and severity, and the case's `why`
as what goes wrong: the fix measured apart from the review's recall), then
the case's own check/run on the working tree. Against llama.cpp's
llama-server (`-c 16384 --parallel 1`) serving Qwen2.5-Coder-1.5B-Instruct
Q4_K_M on this machine's 2 cores. **A 1.5B model: a floor, not a promise for
gpt-5.1-codex-mini.** Settings: {", ".join(f"`{k} = {v}`" for k, v in LOCAL.items())}.
Cases: {s["cases"]} ({", ".join(sorted(s["by_language"]))}). Per case: bench/fixes.json.
This run took {seconds / 60:.0f} minutes.

{render(s)}
"""

"""`commitgate eval [CORPUS...]`: the configured review, run over a corpus
of cases with known bugs and clean changes, scored.

Every case is reviewed by the same engine with the same settings and
profile as a commit, against whatever server is configured, in a temporary
repository (never the user's). `--case-from COMMIT --expect path:line`
turns a commit of the current repository into a case.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from typing import Any

from commitgate.commands import Parser
from commitgate.errors import UsageError

DEFAULT_CORPUS = os.path.join("eval", "corpus")


def _parser() -> Parser:
    p = Parser(
        prog="commitgate eval",
        description="Review a corpus of cases (each a change with its expected bugs, or none) "
        "with the configured settings, and score the findings: recall, blocking precision, "
        "false-block rate and F1 at fail-on, with tokens, cost and time.",
    )
    p.add_argument(
        "corpus",
        nargs="*",
        metavar="CORPUS",
        help=f"case folders, or folders of them (default: {DEFAULT_CORPUS})",
    )
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--output", metavar="FILE", help="write the report to FILE as well")
    p.add_argument("--config", metavar="FILE", help="settings file")
    p.add_argument("--profile", default="review", metavar="NAME", help="the profile to review with")
    p.add_argument("--fail-on", metavar="SEVERITY", help="override fail-on")
    p.add_argument(
        "--case-deadline",
        type=float,
        metavar="SECONDS",
        help="the deadline of each case's review (default: the deadline setting)",
    )
    p.add_argument("--only", action="append", metavar="ID", help="only cases whose id has ID")
    p.add_argument("--case-from", metavar="COMMIT", help="write a case from COMMIT instead")
    p.add_argument(
        "--expect",
        action="append",
        default=[],
        metavar="PATH:LINE[-LINE][:SEVERITY]",
        help="with --case-from: a bug the commit introduced (repeatable; none: a clean case)",
    )
    p.add_argument("--case-dir", metavar="DIR", help="with --case-from: where to write the case")
    return p


def main(argv: Sequence[str]) -> int:
    args = _parser().parse_args(list(argv))
    if args.case_from:
        return _case_from(args.case_from, args.expect, args.case_dir)
    if args.expect or args.case_dir:
        raise UsageError("--expect and --case-dir go with --case-from")
    if args.case_deadline is not None and not 1 <= args.case_deadline < 86400:
        raise UsageError("--case-deadline: give seconds, from 1 to 86400")

    from commitgate.eval import corpus, run, score

    # git's location variables (set when this runs inside a hook) would
    # point the temporary repositories' git at the user's: they go.
    for name in run.isolate(os.environ).keys() ^ os.environ.keys():
        del os.environ[name]
    settings = _settings(args)
    cases = corpus.load(args.corpus or [DEFAULT_CORPUS])
    if args.only:
        cases = [c for c in cases if any(part in c.id for part in args.only)]
        if not cases:
            raise UsageError(f"no case matches --only {' '.join(args.only)}")

    from commitgate.progress import Progress

    progress = Progress.for_terminal()
    if progress is not None:
        progress.start(len(cases))
    scored = []
    for case in cases:
        scored.append(score.score(run.review_case(case, settings, os.environ)))
        if progress is not None:
            progress.update(1, len(scored[-1].findings))
    if progress is not None:
        progress.finish()
    summary = score.summarise(scored)
    text = (
        json.dumps(_document(settings, scored, summary), indent=2, ensure_ascii=False) + "\n"
        if args.format == "json"
        else _text(settings, scored, summary)
    )
    sys.stdout.write(text)
    if args.output:
        try:
            with open(args.output, "w", encoding="utf-8") as f:
                f.write(text)
        except OSError as e:
            raise UsageError(f"--output {args.output}: {e.strerror}") from None
    # No usable review of any case: the numbers would mean nothing.
    return 3 if summary.unreviewed == summary.cases else 0


def _settings(args: Any) -> Any:
    from commitgate import config, git
    from commitgate.errors import GitError
    from commitgate.review import profiles
    from commitgate.severity import Severity

    profile = profiles.get(args.profile)
    try:
        root = git.find_repo().root
    except GitError:
        root = os.getcwd()  # outside a repository: the user's settings only
    settings = config.load(
        root, config_file=args.config, profile=profile.name, profile_defaults=profile.defaults
    )
    if args.fail_on:
        try:
            fail_on = None if args.fail_on == config.NEVER else Severity.parse(args.fail_on)
        except ValueError as e:
            raise UsageError(f"--fail-on: {e}") from None
        settings = settings.replace(fail_on=fail_on)
    if args.case_deadline is not None:
        settings = settings.replace(deadline=args.case_deadline)
    return settings


# ---- the report -------------------------------------------------------------


def _pct(part: int, whole: int) -> str:
    return f"{part} of {whole} ({100 * part / whole:.0f}%)" if whole else "none"


def _ratio(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def _result(s: Any) -> str:
    if not s.reviewed:
        return "NOT REVIEWED"
    verdict = "blocked" if s.blocked else "passed"
    if s.case.kind == "bug":
        on = sum(s.stopped)
        caught = sum(s.caught)
        if on:
            return f"{verdict}, on the bug"
        return f"{verdict}, near the bug" if caught else f"{verdict}, bug missed"
    return verdict + (" (false block)" if s.blocked else "")


def _text(settings: Any, scored: Sequence[Any], summary: Any) -> str:
    server = settings.server
    at = "" if server.is_default else f" at {server.host}"
    lines = [
        f"commitgate eval: {summary.cases} cases, by {settings.model}{at}, "
        f"profile {settings.profile}, fail-on = {settings.fail_on_label}",
        "",
        f"  {'case':<28} {'kind':<6} {'result':<24} {'findings':<16} {'tokens':>8}  {'time':>7}",
    ]
    for s in scored:
        blocking = len(s.blocking)
        found = f"{len(s.findings)} ({blocking} blocking)" if s.findings else "0"
        lines.append(
            f"  {s.case.id:<28} {s.case.kind:<6} {_result(s):<24} {found:<16} "
            f"{s.tokens:>8,}  {s.seconds:>6.1f}s"
        )
        if not s.reviewed:
            lines.append(f"    {s.why_unreviewed}")
    m = summary
    per_case = max(1, m.cases)
    cost = "unknown" if m.cost is None else f"${m.cost:.4f}"
    lines += [
        "",
        "summary:",
        f"  recall at fail-on: {_pct(m.bugs_blocked, m.bugs)} bugs blocked",
        f"  bugs with a finding within 3 lines: {_pct(m.bugs_caught, m.bugs)}",
        f"  blocking precision: {_pct(m.blocking_on_bugs, m.blocking_findings)} blocking "
        "findings on a bug",
        f"  false blocks: {_pct(m.clean_cases_blocked, m.clean_cases)} clean cases",
        f"  F1 at fail-on: {_ratio(m.f1)}",
        f"  bug cases blocked: {_pct(m.bug_cases_blocked, m.bug_cases)}",
        f"  tokens: {m.tokens:,} ({m.tokens // per_case:,} per case); cost: {cost}; "
        f"time: {m.seconds:.1f}s ({m.seconds / per_case:.1f}s per case)",
    ]
    if m.unreviewed:
        lines.append(
            f"  NOT REVIEWED: {m.unreviewed} of {m.cases} cases (left out of the figures above)"
        )
    return "\n".join(lines) + "\n"


def _document(settings: Any, scored: Sequence[Any], summary: Any) -> dict[str, Any]:
    m = summary
    return {
        "version": 1,
        "model": settings.model,
        "server": None if settings.server.is_default else settings.base_url,
        "profile": settings.profile,
        "fail_on": settings.fail_on_label,
        "summary": {
            **m._asdict(),
            "recall": m.recall,
            "caught_share": m.caught_share,
            "blocking_precision": m.precision,
            "false_block_rate": m.false_block_rate,
            "f1": m.f1,
        },
        "cases": [
            {
                "id": s.case.id,
                "kind": s.case.kind,
                "reviewed": s.reviewed,
                "why_unreviewed": s.why_unreviewed or None,
                "blocked": s.blocked,
                "bugs": [
                    {
                        "path": b.path,
                        "lines": [b.first, b.last],
                        "severity": b.severity.label,
                        "caught": caught,
                        "blocked": stopped,
                    }
                    for b, caught, stopped in zip(s.case.bugs, s.caught, s.stopped)
                ],
                "findings": [{**f.to_json(), "on_bug": on} for f, on in s.findings],
                "tokens": s.tokens,
                "cost_usd": s.cost,
                "seconds": round(s.seconds, 3),
            }
            for s in scored
        ],
    }


# ---- a case from a commit ---------------------------------------------------


def _case_from(commit: str, expect: Sequence[str], case_dir: str | None) -> int:
    from commitgate import git
    from commitgate.eval import corpus
    from commitgate.git.blobs import read_blobs

    expected = [corpus.parse_expect(e) for e in expect]
    repo = git.find_repo()
    sha = git.resolve(repo, commit)
    parents = git.run(["rev-list", "--parents", "-n", "1", sha], cwd=repo.root).split()[1:]
    base = parents[0].decode() if parents else None
    changed = _tree(repo, sha, base)
    paths = sorted(changed)
    before = _tree(repo, base, None, paths) if base and paths else {}
    if not paths:
        raise UsageError(f"{commit} changes no file")
    for e in expected:
        if e.path not in changed:
            raise UsageError(f"--expect {e.path}: not a file of {commit}")
    shas = {changed[p] for p in paths} | {before[p] for p in paths if p in before}
    blobs = read_blobs(repo, shas, 16 * 1024 * 1024)
    message = git.run(["log", "-1", "--format=%s", sha], cwd=repo.root).decode().strip()
    root = case_dir or os.path.join(repo.root, DEFAULT_CORPUS, f"case-{sha[:10]}")
    corpus.write_case(
        root,
        {p: _bytes(blobs[before[p]]) for p in paths if p in before},
        {p: _bytes(blobs[changed[p]]) for p in paths},
        expected,
        message,
    )
    kind = f"{len(expected)} expected bug(s)" if expected else "clean"
    print(f"commitgate: wrote {os.path.relpath(root)} ({len(paths)} file(s), {kind})")
    return 0


def _tree(
    repo: Any, sha: str | None, base: str | None, paths: Sequence[str] = ()
) -> dict[str, str]:
    """path -> blob of the regular files at `sha`: with `base`, those that
    differ from it; with `paths`, those of them."""
    from commitgate import git

    if sha is None:
        return {}
    if base:
        out = git.run(["diff-tree", "-r", "-z", "--no-renames", base, sha], cwd=repo.root)
        fields = out.split(b"\0")
        found: dict[str, str] = {}
        for meta, path in zip(fields[0::2], fields[1::2]):
            parts = meta.decode().split()
            if len(parts) >= 5 and parts[1] in ("100644", "100755") and parts[4] != "D":
                found[os.fsdecode(path)] = parts[3]
        return found
    literal = [f":(literal){p}" for p in paths]
    out = git.run(["ls-tree", "-r", "-z", sha, "--", *literal], cwd=repo.root)
    found = {}
    for record in out.split(b"\0"):
        if not record:
            continue
        meta, _, path = record.partition(b"\t")
        mode, kind, blob = meta.decode().split()
        if kind == "blob" and mode in ("100644", "100755"):
            found[os.fsdecode(path)] = blob
    return found


def _bytes(blob: bytes | int) -> bytes:
    if isinstance(blob, int):
        raise UsageError("a file of the commit is larger than 16 MB: too large for a case")
    return blob

"""`commitgate fix`: patches for the last review's findings.

After a blocked commit, `commitgate fix` asks the model (`fix-model`) for
the smallest patch for each blocking finding, shows it as a diff, and writes
it to the working tree when told to (`--apply`) or when the user says yes at
the terminal. It never touches the index: the user stages what they accept,
and the next commit's review sees the fix. `--prompt` hands the findings to
a coding agent instead, and asks the model nothing.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from commitgate.commands import Parser
from commitgate.errors import ReviewUnavailable, UsageError

if TYPE_CHECKING:
    from commitgate import git
    from commitgate.fix.run import Plan
    from commitgate.model.cost import Cost
    from commitgate.model.wire import Usage
    from commitgate.review.last import Kept, LastReview


def _parser() -> argparse.ArgumentParser:
    p = Parser(
        prog="commitgate fix",
        description="Propose patches for the last review's findings (by default, the "
        "blocking ones), shown as diffs; write them to the working tree with --apply or on "
        "confirmation. The index is never touched: stage the fix yourself.",
    )
    p.add_argument(
        "numbers",
        nargs="*",
        metavar="N",
        help="the findings to fix, numbered as `commitgate fix --list` shows them",
    )
    p.add_argument("--list", action="store_true", help="list the last review's findings")
    p.add_argument("--all", action="store_true", help="every finding not yet fixed")
    p.add_argument(
        "--apply",
        "--yes",
        action="store_true",
        dest="apply",
        help="write the patches to the working tree without asking",
    )
    p.add_argument(
        "--prompt",
        action="store_true",
        help="print a task for a coding agent (Codex, Claude Code, Cursor) instead",
    )
    p.add_argument(
        "--profile",
        metavar="NAME",
        help="the last review of this profile (default: the last one with a blocking finding left)",
    )
    p.add_argument("--config", metavar="FILE", help="settings file")
    return p


def main(argv: Sequence[str]) -> int:
    args = _parser().parse_args(list(argv))
    if args.list and (args.numbers or args.all or args.apply or args.prompt):
        raise UsageError("--list shows the findings: give it alone")
    if args.numbers and args.all:
        raise UsageError("give finding numbers or --all, not both")
    if args.prompt and args.apply:
        raise UsageError("--prompt asks the model nothing, so there is nothing to apply")

    from commitgate import config, git
    from commitgate.review import last, profiles

    repo = git.find_repo()
    if args.profile:
        profiles.get(args.profile)  # a UsageError for an unknown one
        record = last.load(repo, args.profile)
    else:
        record = last.latest(repo)
    if record is None:
        which = f" of profile {args.profile}" if args.profile else ""
        raise UsageError(
            f"no review{which} is kept in this worktree yet: commit (or run `commitgate`) "
            "first, then `commitgate fix`"
        )
    if args.list:
        print("\n".join(_listing(record)))
        return 0
    chosen = _chosen(record, args.numbers, args.all)
    if not chosen:
        print(
            "commitgate: nothing to fix: the last review has no blocking finding left "
            "(see `commitgate fix --list`; fix others by number, or with --all)"
        )
        return 0
    if args.prompt:
        from commitgate.report.agent import task

        paths = sorted({k.finding.path for k in chosen})
        # The record's command names every file with a finding; the task's, its own.
        recheck = _recheck(record, paths)
        sys.stdout.write(task([(k.number, k.finding) for k in chosen], record.description, recheck))
        return 0

    from commitgate.fix.run import propose

    try:
        profile = profiles.get(record.profile)
        name, defaults = profile.name, profile.defaults
    except UsageError:
        name, defaults = "review", None
    settings = config.load(
        repo.root, config_file=args.config, profile=name, profile_defaults=defaults
    )
    plan = propose(settings, repo, record, chosen, os.environ)
    return _show_and_apply(repo, record, chosen, plan, args.apply)


def _chosen(record: LastReview, numbers: Sequence[str], every: bool) -> list[Kept]:
    if every:
        return [k for k in record.findings if not k.fixed]
    if not numbers:
        return [k for k in record.findings if k.finding.blocking and not k.fixed]
    known = {k.number: k for k in record.findings}
    wanted: list[int] = []
    for n in numbers:
        if not n.isdigit() or int(n) not in known:
            have = f"1 to {len(known)}" if known else "none"
            raise UsageError(
                f"no finding {n!r} in the last review (its findings: {have}; see "
                "`commitgate fix --list`)"
            )
        if int(n) not in wanted:
            wanted.append(int(n))
    return [known[n] for n in wanted]


def _listing(record: LastReview) -> list[str]:
    from commitgate.color import plain
    from commitgate.report.text import shown

    ago = _ago(time.time() - record.made)
    head = f"commitgate: the last review ({plain(record.description)}, {ago}"
    head += "" if record.profile == "review" else f", profile {record.profile}"
    if not record.findings:
        return [head + "): no findings"]
    lines = [head + "):"]
    width = len(str(len(record.findings)))
    for k in record.findings:
        f = k.finding
        marks = [m for m, on in (("blocking", f.blocking), ("fixed", k.fixed)) if on]
        tail = f"  [{', '.join(marks)}]" if marks else ""
        lines.append(
            f"  {k.number:>{width}}. {shown(f.path)}:{f.line}: {f.severity.label}: "
            f"{plain(f.title)}{tail}"
        )
    lines.append("fix the blocking ones: commitgate fix; others: commitgate fix N ...")
    return lines


def _ago(seconds: float) -> str:
    if seconds < 90:
        return "just now"
    if seconds < 5400:
        return f"{seconds / 60:.0f} minutes ago"
    if seconds < 36 * 3600:
        return f"{seconds / 3600:.0f} hours ago"
    return f"{seconds / 86400:.0f} days ago"


def _recheck(record: LastReview, paths: Sequence[str]) -> str:
    from commitgate.review import last

    whole = " --whole " in f" {record.recheck} "
    return last.recheck_for(record.profile, paths, whole=whole)


def _show_and_apply(
    repo: git.Repo, record: LastReview, chosen: Sequence[Kept], plan: Plan, apply: bool
) -> int:
    from commitgate.color import GREEN, RED, SUBTLE, paint, plain, use_color
    from commitgate.fix.edits import Refused
    from commitgate.fix.run import apply as write
    from commitgate.review import last

    color = use_color(sys.stdout, os.environ)
    by_number = {k.number: k for k in chosen}
    out: list[str] = []
    for fix in plan.files:
        for n in fix.numbers:
            f = by_number[n].finding
            out.append(paint(f"fix for {n}. {f.path}:{f.line}: {plain(f.title)}", SUBTLE, color))
            if plan.explanations.get(n):
                out.append(f"  {plain(plan.explanations[n])}")
        out += [paint_diff(line, color) for line in diff_lines(fix.patch)]
        if fix.note:
            out.append(f"note: {fix.note}")
        out.append("")
    for r in plan.refused:
        out.append(paint(f"not fixed: {r.number}. {plain(r.why)}", RED, color))
    out += [f"note: {plain(n)}" for n in plan.notes]
    out.append(_usage_line(plan))
    sys.stdout.write("\n".join(out) + "\n")
    sys.stdout.flush()
    if plan.unavailable:
        why = "; ".join(r.why for r in plan.refused) or "no answer"
        raise ReviewUnavailable(f"no fix could be asked for: {why}")
    if not plan.files:
        return 1

    ask = not apply and can_ask()
    applied: list[str] = []
    declined = 0
    numbers: list[int] = []
    for fix in plan.files:
        if not apply:
            if not ask:
                continue
            if not confirm(f"apply the fix to {fix.path}? [y/N] "):
                declined += 1
                continue
        try:
            write(repo, fix)
        except Refused as e:
            print(paint(f"not applied: {plain(str(e))}", RED, color))
            declined += 1
            continue
        applied.append(fix.path)
        numbers += fix.numbers
    if not apply and not ask:
        wanted = " ".join(str(n) for fix in plan.files for n in fix.numbers)
        print(f"to write these to the working tree: commitgate fix {wanted} --apply")
        return 1 if plan.refused else 0
    if numbers:
        last.mark_fixed(repo, record.profile, numbers)
    if applied:
        import shlex

        files = " ".join(shlex.quote(p) for p in applied)
        print(
            paint(f"applied to the working tree: {', '.join(applied)}", GREEN, color)
            + f"\nlook, then stage it: git add -p -- {files}"
        )
        recheck = _recheck(record, applied)
        print(f"check it again: {recheck}")
    return 1 if (plan.refused or declined) else 0


def diff_lines(patch: bytes) -> list[str]:
    from commitgate.color import plain

    return [plain(line) for line in patch.decode("utf-8", "replace").splitlines()]


def paint_diff(line: str, color: bool) -> str:
    from commitgate.color import GREEN, RED, SUBTLE, paint

    if line.startswith(("+++", "---", "diff --git")):
        return paint(line, SUBTLE, color)
    if line.startswith("@@"):
        return paint(line, SUBTLE, color)
    if line.startswith("+"):
        return paint(line, GREEN, color)
    if line.startswith("-"):
        return paint(line, RED, color)
    return line


def _usage_line(plan: Plan) -> str:
    return usage_line(plan.usage, plan.attempts, plan.cost, plan.elapsed)


def usage_line(u: Usage, attempts: int, cost: Cost | None, elapsed: float) -> str:
    """What the requests took: tokens, requests, dollars, seconds."""
    if not attempts:
        return "commitgate: nothing was sent to the model"
    dollars = f", {cost.label()}" if cost is not None else ""
    guessed = f" ({u.estimated} estimated)" if u.estimated else ""
    requests = f"{attempts} request{'s' * (attempts != 1)}"
    return (
        f"commitgate: tokens: {u.input_tokens:,} in, {u.output_tokens:,} out{guessed}, "
        f"{requests}{dollars}, {elapsed:.1f}s"
    )


def can_ask() -> bool:
    if os.environ.get("PRE_COMMIT"):
        return False
    try:
        return sys.stdin.isatty() and sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def confirm(question: str) -> bool:
    try:
        sys.stdout.write(question)
        sys.stdout.flush()
        answer = sys.stdin.readline()
    except (OSError, ValueError):
        return False
    return answer.strip().lower() in ("y", "yes")

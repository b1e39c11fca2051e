"""`commitgate tests`: the test gaps of the staged change, and tests for them.

It runs the tests profile's review, as the `commitgate-tests` hook does (the
same settings, so a change the hook already reviewed comes from the cache),
and lists the gaps. With --write, it asks `fix-model` for tests of each
source file's gaps, in the framework and layout the project already uses,
shows each test file's change as a diff, and writes it to the working tree
when told to (`--apply`) or when the user says yes at the terminal; never to
the index. Written Python tests are then run with the project's Python.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from commitgate.commands import Parser
from commitgate.errors import ReviewUnavailable, UsageError

if TYPE_CHECKING:
    from commitgate import git
    from commitgate.fix.testgen import Plan


def _parser() -> argparse.ArgumentParser:
    p = Parser(
        prog="commitgate tests",
        description="Review the staged change for behaviour no test covers (the tests "
        "profile) and list the gaps; with --write, propose tests for them in the project's "
        "own framework and layout, shown as diffs, written to the working tree with --apply "
        "or on confirmation. The index is never touched: stage the tests yourself.",
    )
    p.add_argument(
        "files",
        nargs="*",
        metavar="FILE",
        help="review these files' staged change (default: the whole staged change)",
    )
    p.add_argument("--write", action="store_true", help="propose a test for each gap")
    p.add_argument(
        "--apply",
        "--yes",
        action="store_true",
        dest="apply",
        help="with --write: write the tests to the working tree without asking",
    )
    p.add_argument(
        "--no-run",
        action="store_true",
        help="with --write: do not run the written Python tests",
    )
    p.add_argument("--config", metavar="FILE", help="settings file")
    return p


def main(argv: Sequence[str]) -> int:
    args = _parser().parse_args(list(argv))
    if (args.apply or args.no_run) and not args.write:
        flag = "--apply" if args.apply else "--no-run"
        raise UsageError(f"{flag} goes with --write: commitgate tests --write {flag}")

    from commitgate import config, git
    from commitgate.color import use_color
    from commitgate.report import render
    from commitgate.review import profiles
    from commitgate.review.baseline import IN_BASELINE
    from commitgate.review.flow import Target, review_collected

    repo = git.find_repo()
    profile = profiles.TESTS
    settings = config.load(
        repo.root, config_file=args.config, profile=profile.name, profile_defaults=profile.defaults
    )
    paths = None
    if args.files:
        paths, outside = git.resolve_paths(repo, args.files)
        if outside:
            o = outside[0]
            raise UsageError(f"{o.path}: {o.reason}")
    change, outcome = review_collected(settings, repo, Target(paths), env=os.environ, keep=True)
    color = use_color(sys.stdout, os.environ)
    sys.stdout.write(render(outcome, "text", settings, color=color))
    gaps = [f for f in outcome.findings if f.held != IN_BASELINE]
    named = "".join(f" {shlex.quote(f)}" for f in args.files)
    if not args.write:
        if gaps:
            print(f"to write tests for them: commitgate tests --write{named}")
        return outcome.exit_code
    if not gaps:
        if outcome.failures:
            raise ReviewUnavailable(
                "no tests written: the change was not reviewed: " + "; ".join(outcome.failures)
            )
        print("commitgate: no test gaps found: no tests to write")
        return 0

    from commitgate.fix.testgen import Gap, propose

    numbered = [Gap(n, f) for n, f in enumerate(gaps, 1)]
    plan = propose(settings, repo, numbered, {f.path: f.lines for f in change.files}, os.environ)
    return _show_and_write(repo, plan, named, apply=args.apply, run=not args.no_run)


def _show_and_write(repo: git.Repo, plan: Plan, named: str, *, apply: bool, run: bool) -> int:
    from commitgate.color import GREEN, RED, SUBTLE, paint, plain, use_color
    from commitgate.commands.fix import can_ask, confirm, diff_lines, paint_diff, usage_line
    from commitgate.fix import testgen
    from commitgate.fix.edits import Refused
    from commitgate.report.text import shown

    color = use_color(sys.stdout, os.environ)
    out: list[str] = [""]
    for t in plan.files:
        state = "new file" if t.created else "appended"
        out.append(
            paint(
                f"tests for {shown(t.source)}: {shown(t.path)} ({state}; {t.framework}, "
                f"detected from {shown(t.detected)})",
                SUBTLE,
                color,
            )
        )
        if t.explanation:
            out.append(f"  {plain(t.explanation)}")
        out += [paint_diff(line, color) for line in diff_lines(t.patch)]
        if t.note:
            out.append(f"note: {plain(t.note)}")
        out.append("")
    for r in plan.refused:
        out.append(paint(f"no tests for {shown(r.source)}: {plain(r.why)}", RED, color))
    out += [f"note: {plain(n)}" for n in plan.notes]
    out.append(usage_line(plan.usage, plan.attempts, plan.cost, plan.elapsed))
    sys.stdout.write("\n".join(out) + "\n")
    sys.stdout.flush()
    if plan.unavailable:
        why = "; ".join(r.why for r in plan.refused) or "no answer"
        raise ReviewUnavailable(f"no tests could be asked for: {why}")
    if not plan.files:
        return 1

    ask = not apply and can_ask()
    if not apply and not ask:
        print(f"to write these to the working tree: commitgate tests --write --apply{named}")
        return 1 if plan.refused else 0
    written: list[testgen.Proposal] = []
    declined = 0
    for t in plan.files:
        if not apply and not confirm(f"write the tests to {t.path}? [y/N] "):
            declined += 1
            continue
        try:
            testgen.write(repo, t)
        except Refused as e:
            print(paint(f"not written: {plain(str(e))}", RED, color))
            declined += 1
            continue
        written.append(t)
    failed = 0
    if written:
        listed = ", ".join(shown(t.path) for t in written)
        print(paint(f"written to the working tree (not staged): {listed}", GREEN, color))
        for t in written:
            if not testgen.runs(t):
                print(f"  run it: {testgen.how_to_run(t)}")
            elif not run:
                print(f"  not run (--no-run): {testgen.how_to_run(t)}")
            else:
                ran = testgen.run(repo.root, t)
                hue = {"passed": GREEN, "failed": RED}.get(ran.status, SUBTLE)
                detail = f": {ran.detail}" if ran.status == "not run" else ""
                print(
                    paint(f"  ran {shown(t.path)}: {ran.status}{detail}", hue, color)
                    + f" ({ran.command})"
                )
                if ran.status == "failed":
                    failed += 1
                    lines = ran.detail.splitlines()
                    print("\n".join(f"    {line}" if line.strip() else "" for line in lines))
        files = " ".join(shlex.quote(t.path) for t in written)
        print(f"look, then stage them: git add -- {files}")
    return 1 if (plan.refused or declined or failed) else 0

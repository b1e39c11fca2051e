"""The command line. Kept light: this runs on every commit, so what a run
does not use is not imported."""

from __future__ import annotations

import argparse
import io
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from commitgate import __version__
from commitgate.errors import CommitgateError, UsageError

if TYPE_CHECKING:
    from commitgate.config import Settings
    from commitgate.review.outcome import Outcome

FORMATS = ("text", "json", "sarif", "github", "markdown")


def _epilog() -> str:
    from commitgate.commands import COMMANDS

    lines = [f"  commitgate {name:<12} {doc}" for name, (_, doc) in sorted(COMMANDS.items())]
    commands = "other commands:\n" + "\n".join(lines) + "\n\n" if lines else ""
    return (
        f"{commands}exit codes: 0 passed, 1 blocked by findings, 2 usage or configuration "
        "error,\n3 no usable review."
    )


def _parser() -> argparse.ArgumentParser:
    from commitgate.commands import Parser

    p = Parser(
        prog="commitgate",
        description="Review a git change with a language model; fail on real problems.",
        epilog=_epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "files",
        nargs="*",
        metavar="FILE",
        help="files to review (pre-commit passes them); default: the staged change",
    )
    p.add_argument("--from-ref", metavar="REF", help="review the change from REF ...")
    p.add_argument("--to-ref", metavar="REF", help="... to REF (as pre-push does)")
    p.add_argument("--all-files", action="store_true", help="review every tracked file, whole")
    p.add_argument(
        "--whole",
        action="store_true",
        help="review the given files whole, even when they have staged changes",
    )
    p.add_argument(
        "--format", choices=FORMATS, default="text", help="report format (default: text)"
    )
    p.add_argument(
        "--output",
        metavar="FILE",
        help="write the --format report to FILE; the text report still goes to stdout",
    )
    p.add_argument(
        "--config",
        metavar="FILE",
        help="settings file (default: commitgate.toml, else pyproject.toml)",
    )
    p.add_argument(
        "--profile",
        default="review",
        metavar="NAME",
        help="what to review for: review (default), security, tests, push",
    )
    p.add_argument(
        "--fail-on",
        metavar="SEVERITY",
        help="override fail-on: critical, high, medium, low, info or never",
    )
    p.add_argument("--dry-run", action="store_true", help="send nothing; show what would be sent")
    p.add_argument(
        "--no-cache", action="store_true", help="ask the model even about content it has reviewed"
    )
    p.add_argument("--version", action="version", version=f"commitgate {__version__}")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        # Paths that are not valid UTF-8 must not crash the report.
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        command = _command(args)
        if command is not None:
            import importlib

            module = importlib.import_module(command)
            code: int = module.main(args[1:])
            return code
        return _review(args)
    except CommitgateError as e:
        print(f"commitgate: error: {_redacted(str(e))}", file=sys.stderr)
        return e.exit_code
    except KeyboardInterrupt:
        print("commitgate: interrupted", file=sys.stderr)
        return 130
    except Exception as e:
        if os.environ.get("COMMITGATE_DEBUG"):
            raise
        print(
            f"commitgate: internal error: {type(e).__name__}: {_redacted(str(e))}\n"
            "This is a bug in commitgate. Run again with COMMITGATE_DEBUG=1 for the "
            "traceback, and report it.",
            file=sys.stderr,
        )
        return 3


def _redacted(text: str) -> str:
    """The last guard: no credential in a message, whatever raised it. The
    client removes it from what the server says; this catches the rest."""
    from commitgate.model.credential import TOKEN_VARIABLES

    for name in TOKEN_VARIABLES:
        value = os.environ.get(name, "").strip()
        if value:
            text = text.replace(value, "[redacted]")
    return text


def _command(args: list[str]) -> str | None:
    """The module of the subcommand that args name, if they name one."""
    from commitgate.commands import COMMANDS, HOOK_COMMANDS

    if not args or args[0] not in COMMANDS:
        return None
    if os.environ.get("PRE_COMMIT") and args[0] not in HOOK_COMMANDS:
        return None  # a file that happens to share a command's name
    return COMMANDS[args[0]][0]


def _review(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    from_ref = args.from_ref or os.environ.get("PRE_COMMIT_FROM_REF") or None
    to_ref = args.to_ref or os.environ.get("PRE_COMMIT_TO_REF") or None
    if bool(from_ref) != bool(to_ref):
        raise UsageError("--from-ref and --to-ref go together")
    if args.all_files and args.files:
        raise UsageError("--all-files reviews every tracked file: give no FILE with it")

    from commitgate import config, git
    from commitgate.git.change import NotReviewed
    from commitgate.review import profiles
    from commitgate.review.flow import Target, review
    from commitgate.severity import Severity

    profile = profiles.get(args.profile)
    repo = git.find_repo()
    settings = config.load(
        repo.root, config_file=args.config, profile=profile.name, profile_defaults=profile.defaults
    )
    if args.fail_on:
        try:
            fail_on = None if args.fail_on == config.NEVER else Severity.parse(args.fail_on)
        except ValueError as e:
            raise UsageError(f"--fail-on: {e}") from None
        settings = settings.replace(fail_on=fail_on)
    paths = None
    not_found: list[NotReviewed] = []
    if args.files:
        paths, not_found = git.resolve_paths(repo, args.files)
    from commitgate.precommit import more_calls_follow

    target = Target(
        paths,
        from_ref,
        to_ref,
        whole=args.whole or args.all_files,
        more_calls_follow=more_calls_follow(sys.argv, os.environ),
    )
    outcome = review(
        settings, repo, target, env=os.environ, dry_run=args.dry_run, use_cache=not args.no_cache
    )
    outcome.not_reviewed += not_found

    _report(outcome, settings, args.format, args.output)
    return outcome.exit_code


def _report(outcome: Outcome, settings: Settings, fmt: str, output: str | None) -> None:
    """The chosen format to stdout, or to `output` with the text report to
    stdout. Under GitHub Actions, also annotations (when stdout carries text,
    which they must not corrupt) and the step summary."""
    from commitgate.color import use_color
    from commitgate.report import render

    shown = "text" if output else fmt
    sys.stdout.write(
        render(
            outcome, shown, settings, color=shown == "text" and use_color(sys.stdout, os.environ)
        )
    )
    if output:
        text = render(outcome, fmt, settings)
        try:
            with open(output, "w", encoding="utf-8", errors="backslashreplace") as f:
                f.write(text)
        except OSError as e:
            raise UsageError(f"--output {output}: {e.strerror}") from None
    if os.environ.get("GITHUB_ACTIONS") != "true" or outcome.dry_run:
        return
    from commitgate.report import github

    if shown == "text":
        sys.stdout.write(github.render(outcome, settings))
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        try:
            github.append_summary(outcome, settings, summary)
        except OSError as e:
            # The review is done and reported: a summary is not worth failing it.
            print(
                f"commitgate: warning: could not write the step summary {summary}: {e.strerror}",
                file=sys.stderr,
            )

"""The command line. Kept light: this runs on every commit, so what a run
does not use is not imported."""

from __future__ import annotations

import argparse
import io
import os
import sys
from collections.abc import Sequence

from commitgate import __version__
from commitgate.errors import CommitgateError, UsageError

FORMATS = ("text", "json")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{message} (see `commitgate --help`)")


def _epilog() -> str:
    from commitgate.commands import COMMANDS

    lines = [f"  commitgate {name:<12} {doc}" for name, (_, doc) in sorted(COMMANDS.items())]
    commands = "other commands:\n" + "\n".join(lines) + "\n\n" if lines else ""
    return (
        f"{commands}exit codes: 0 passed, 1 blocked by findings, 2 usage or configuration "
        "error,\n3 no usable review."
    )


def _parser() -> argparse.ArgumentParser:
    p = _Parser(
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
    p.add_argument("--format", choices=FORMATS, default="text", help="report format")
    p.add_argument("--output", metavar="FILE", help="write the report to FILE, not stdout")
    p.add_argument(
        "--config",
        metavar="FILE",
        help="settings file (default: commitgate.toml, else pyproject.toml)",
    )
    p.add_argument(
        "--fail-on",
        metavar="SEVERITY",
        help="override fail-on: critical, high, medium, low or info",
    )
    p.add_argument("--dry-run", action="store_true", help="send nothing; show what would be sent")
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
    # The names of client.TOKEN_VARIABLES (importing client would load httpx).
    for name in ("AI_GATEWAY_API_KEY", "VERCEL_OIDC_TOKEN"):
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
    from commitgate.change import NotReviewed
    from commitgate.review import Target, review
    from commitgate.severity import Severity

    repo = git.find_repo()
    settings = config.load(repo.root, config_file=args.config)
    if args.fail_on:
        try:
            settings = settings.replace(fail_on=Severity.parse(args.fail_on))
        except ValueError as e:
            raise UsageError(f"--fail-on: {e}") from None
    paths = None
    not_found: list[NotReviewed] = []
    if args.files:
        paths, not_found = git.resolve_paths(repo, args.files)
    target = Target(paths, from_ref, to_ref, whole=args.whole or args.all_files)
    outcome = review(settings, repo, target, env=os.environ, dry_run=args.dry_run)
    outcome.not_reviewed += not_found

    from commitgate.report import render

    text = render(outcome, args.format, settings)
    if args.output:
        try:
            with open(args.output, "w", encoding="utf-8", errors="backslashreplace") as f:
                f.write(text)
        except OSError as e:
            raise UsageError(f"--output {args.output}: {e.strerror}") from None
    else:
        sys.stdout.write(text)
    return outcome.exit_code

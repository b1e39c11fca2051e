"""The command line. Kept light: this runs on every commit, so what a run
does not use is not imported."""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from commitgate import __version__
from commitgate.color import plain
from commitgate.errors import CommitgateError, UsageError
from commitgate.scrub import Scrubber, Stream, from_env

if TYPE_CHECKING:
    from collections.abc import Callable

    from commitgate import git
    from commitgate.config import Settings
    from commitgate.review.outcome import Outcome

FORMATS = ("text", "json", "sarif", "github", "markdown", "gitlab", "agent")


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
    if sys.stdout is None or sys.stderr is None:
        # Started with a stream closed (`>&-`): the report has nowhere to go.
        if sys.stderr is not None:
            print("commitgate: error: standard output is closed", file=sys.stderr)
        return 2
    for stream in (sys.stdout, sys.stderr):
        # Paths that are not valid UTF-8 must not crash the report.
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")
    args = list(sys.argv[1:] if argv is None else argv)
    scrub = _scrubber()
    out, err = sys.stdout, sys.stderr
    if scrub:
        # The last guard: whatever any part prints, no credential in it.
        sys.stdout, sys.stderr = Stream(out, scrub), Stream(err, scrub)
    try:
        code = _main(args)
        _flush()
        return code
    except CommitgateError as e:
        _say(f"commitgate: error: {plain(str(e))}")
        return e.exit_code
    finally:
        sys.stdout, sys.stderr = out, err


def _main(args: list[str]) -> int:
    try:
        command = _command(args)
        if command is not None:
            import importlib

            module = importlib.import_module(command)
            code: int = module.main(args[1:])
            return code
        return _review(args)
    except CommitgateError:
        raise
    except KeyboardInterrupt:
        _say("commitgate: interrupted")
        return 130
    except OSError as e:
        if _output_failed(e):
            raise CommitgateError(f"cannot write the report: {e.strerror or e}") from None
        return _bug(e)
    except Exception as e:
        return _bug(e)


def _bug(e: Exception) -> int:
    if os.environ.get("COMMITGATE_DEBUG"):
        raise e
    _say(
        f"commitgate: internal error: {type(e).__name__}: {plain(str(e))}\n"
        "This is a bug in commitgate. Run again with COMMITGATE_DEBUG=1 for the "
        "traceback, and report it."
    )
    return 3


def _output_failed(e: OSError) -> bool:
    """Whether writing the report is what failed (a full disk, a closed
    pipe): the review is not to blame, and it is said plainly."""
    import errno

    return e.filename is None and e.errno in (errno.EPIPE, errno.ENOSPC, errno.EBADF, errno.EIO)


def _flush() -> None:
    """Write out what is buffered now, where a failure can be reported,
    rather than at exit, where Python would print a traceback of its own."""
    try:
        sys.stdout.flush()
    except OSError as e:
        # Nothing more can go to this stdout: point it at /dev/null so that
        # the interpreter's own flush at exit stays quiet.
        with contextlib.suppress(OSError, ValueError, AttributeError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise CommitgateError(
            f"cannot write the report to standard output: {e.strerror or e}"
        ) from None


def _say(line: str) -> None:
    """A line on stderr, if stderr can still take one."""
    with contextlib.suppress(OSError, ValueError):
        print(line, file=sys.stderr)


def _scrubber() -> Scrubber:
    from commitgate.model.credential import TOKEN_VARIABLES

    return from_env(os.environ, TOKEN_VARIABLES)


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
    read, at = (None, "") if not from_ref else _read_at_base(repo, from_ref, to_ref or "")
    settings = config.load(
        repo.root,
        config_file=args.config,
        profile=profile.name,
        profile_defaults=profile.defaults,
        read=read,
        at=at,
    )
    if read is not None and not args.config:
        notes = _changed_at(repo, at, read, settings)
        settings = settings.replace(warnings=settings.warnings + notes)
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
        settings,
        repo,
        target,
        env=os.environ,
        dry_run=args.dry_run,
        use_cache=not args.no_cache,
        keep=True,
    )
    outcome.not_reviewed += not_found

    _report(outcome, settings, args.format, args.output)
    return outcome.exit_code


def _read_at_base(
    repo: git.Repo, from_ref: str, to_ref: str
) -> tuple[Callable[[str], bytes | None], str]:
    """For a range: the repository's own files (configuration, baseline,
    rules) are read as they are at its base, never from the change under
    review, so that a pull request cannot turn its own review off."""
    from commitgate import git
    from commitgate.git.repo import file_at, merge_base

    start, end = git.resolve(repo, from_ref), git.resolve(repo, to_ref)
    base = merge_base(repo, start, end) or start
    read: dict[str, bytes | None] = {}

    def at_base(name: str) -> bytes | None:
        # Each file once: the settings, then the note about them, read it.
        if name not in read:
            read[name] = file_at(repo, base, name)
        return read[name]

    return at_base, base


def _changed_at(
    repo: git.Repo, base: str, read: Callable[[str], bytes | None], settings: Settings
) -> tuple[str, ...]:
    """A note when the working tree's settings or baseline differ from the
    base's, which this review uses."""
    from commitgate.config.load import find_config
    from commitgate.errors import ConfigError

    out = []
    try:
        here: object = find_config(repo.root)[1]
    except ConfigError:
        here = None
    if here != find_config(repo.root, read, base)[1]:
        out.append(
            f"the settings are read as they are at the range's base ({base[:12]}), not "
            "from the change: a change to them takes effect once it is in the base"
        )
    if settings.baseline:
        try:
            with open(os.path.join(repo.root, settings.baseline), "rb") as f:
                mine: bytes | None = f.read()
        except OSError:
            mine = None
        if mine != read(settings.baseline):
            out.append(
                f"{settings.baseline} is read as it is at the range's base ({base[:12]}), "
                "not from the change: a change cannot accept its own findings"
            )
    return tuple(out)


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
        text = _scrubber()(render(outcome, fmt, settings))
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
            github.append_summary(outcome, settings, summary, clean=_scrubber())
        except OSError as e:
            # The review is done and reported: a summary is not worth failing it.
            print(
                f"commitgate: warning: could not write the step summary {summary}: {e.strerror}",
                file=sys.stderr,
            )

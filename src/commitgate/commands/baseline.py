"""`commitgate baseline`: review every tracked file and accept what is found.

Later runs block only on findings not in the file this writes. It refuses to
write from a review that did not cover every file, unless told to: a partial
baseline would quietly turn accepted findings back into blocking ones (or,
refreshed later, accept findings nobody looked at).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

from commitgate.commands import Parser
from commitgate.errors import ConfigError, ReviewUnavailable, UsageError

if TYPE_CHECKING:
    from commitgate.review.baseline import Entry
    from commitgate.review.outcome import Outcome


def _parser() -> argparse.ArgumentParser:
    p = Parser(
        prog="commitgate baseline",
        description="Review every tracked file, whole, and record the findings as accepted: "
        "later runs block only on findings not recorded. Commit the file it writes.",
    )
    p.add_argument(
        "--output",
        metavar="FILE",
        help="where to write (default: the `baseline` setting, .commitgate-baseline.json)",
    )
    p.add_argument(
        "--force",
        action="store_true",
        help="write even if some files could not be reviewed (their entries are kept)",
    )
    p.add_argument("--config", metavar="FILE", help="settings file")
    return p


def main(argv: Sequence[str]) -> int:
    args = _parser().parse_args(list(argv))

    from commitgate import config, git
    from commitgate.model.credential import TOKEN_VARIABLES
    from commitgate.review import baseline
    from commitgate.review.flow import Target, review
    from commitgate.scrub import from_env

    repo = git.find_repo()
    settings = config.load(repo.root, config_file=args.config)
    if args.output:
        file = os.path.abspath(args.output)
    elif settings.baseline:
        file = os.path.join(repo.root, settings.baseline)
    else:
        raise UsageError(f'{settings.source} sets baseline = "": give --output FILE')
    shown = os.path.relpath(file)
    if not args.output:
        # Named by the repository's settings: never written through a link.
        from commitgate.git import worktree

        _, why = worktree.read(repo.root, settings.baseline.replace(os.sep, "/"), 1)
        said = {
            "symbolic link": "it is a symbolic link",
            "inside a symbolic link": "it is in a symbolic link",
            "outside the repository": "it is outside the repository",
        }
        if why in said:
            raise UsageError(f"not writing {shown}: {said[why]}")
    try:
        previous = baseline.read(file, shown)
    except FileNotFoundError:
        previous = []
    except ConfigError as e:
        # The old file only lends its wording; a broken one (a merge
        # conflict, say) is what writing a fresh baseline repairs.
        print(f"commitgate: ignoring the old baseline: {e}", file=sys.stderr)
        previous = []

    outcome = review(
        settings.replace(baseline=os.path.relpath(file, repo.root)),
        repo,
        Target(whole=True),
        env=os.environ,
        accepted=frozenset(),
    )
    kept: list[Entry] = []
    if outcome.failures:
        why = "; ".join(outcome.failures)
        if not outcome.files:
            raise ReviewUnavailable(f"not writing {shown}: nothing could be reviewed: {why}")
        if not args.force:
            raise ReviewUnavailable(
                f"not writing {shown}: the review did not cover every file ({why}): run it "
                "again, or pass --force to write what was reviewed and keep the old entries "
                "of the rest"
            )
        # What could not be looked at stays as accepted as it was.
        kept = [e for e in previous if e.path not in set(outcome.files)]
    entries = sorted(
        baseline.entries(outcome.findings, previous) + kept,
        key=lambda e: (e.path, e.fingerprint),
    )
    try:
        # Committed and shared: scrubbed as everything else that leaves.
        baseline.write(file, from_env(os.environ, TOKEN_VARIABLES)(baseline.dumps(entries)))
    except OSError as e:
        raise UsageError(f"cannot write {shown}: {e.strerror}") from None
    print("\n".join(_summary(shown, entries, outcome, len(kept))))
    return 0


def _summary(shown: str, entries: Sequence[Entry], outcome: Outcome, kept: int) -> list[str]:
    from commitgate.severity import Severity

    def n(count: int, word: str) -> str:
        return f"{count:,} {word}{'s' * (count != 1)}"

    counts = Counter(e.severity for e in entries)
    parts = [f"{counts[s.label]} {s.label}" for s in sorted(Severity, reverse=True)]
    by_severity = ", ".join(p for p in parts if not p.startswith("0 "))
    lines = [
        f"commitgate: wrote {shown}: {n(len(entries), 'accepted finding')}"
        + (f" ({by_severity})" if by_severity else "")
        + f" in {n(len({e.path for e in entries}), 'file')}",
        f"  reviewed: {n(len(outcome.files), 'file')}, {n(outcome.changed_lines, 'line')}, "
        f"by {outcome.model}",
    ]
    if outcome.not_reviewed:
        listed = ", ".join(f"{nr.path} ({nr.reason})" for nr in outcome.not_reviewed[:10])
        more = len(outcome.not_reviewed) - 10
        lines.append(f"  not reviewed: {listed}" + (f", and {more} more" if more > 0 else ""))
    if kept:
        lines.append(f"  kept from the old baseline, for files not reviewed: {kept}")
    if outcome.suppressed:
        lines.append(f"  not recorded, suppressed by comments: {outcome.suppressed}")
    u = outcome.usage
    if u.requests:
        cost = f", ${u.cost:.4f}" if u.cost is not None else ""
        lines.append(
            f"  tokens: {u.input_tokens:,} in, {u.output_tokens:,} out, "
            f"{n(u.requests, 'request')}{cost}"
        )
    lines += [f"  note: {note}" for note in outcome.notes]
    lines.append(f"  commit it: git add {shown}")
    return lines

"""Subcommands other than the review itself, one module each.

Each module has `main(argv: list[str]) -> int`; it is imported only when
its command runs. Under pre-commit (PRE_COMMIT=1), arguments are file names,
so only the commands meant as hook entries are recognised there: a file
named `init` at the root of a repository must not start `commitgate init`.
"""

from __future__ import annotations

import argparse

from commitgate.errors import UsageError


class Parser(argparse.ArgumentParser):
    """argparse, whose errors are a UsageError: exit code 2 and one line that
    says where the help is, instead of argparse's usage dump and exit."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{message} (see `{self.prog} --help`)")


# name -> (module, one-line description)
COMMANDS: dict[str, tuple[str, str]] = {
    "cache": ("commitgate.commands.cache", "info | clear: the review cache"),
    "baseline": (
        "commitgate.commands.baseline",
        "accept the findings of all tracked files: later runs block only on new ones",
    ),
    "eval": (
        "commitgate.commands.eval",
        "[CORPUS...]: review a corpus of cases with known bugs, and score the review",
    ),
    "commit-msg": (
        "commitgate.commands.commit_msg",
        "FILE: check a commit message against the staged change, or draft one",
    ),
    "fix": (
        "commitgate.commands.fix",
        "[N...] [--apply]: patches for the last review's findings; --prompt for an agent",
    ),
    "tests": (
        "commitgate.commands.tests",
        "[FILE...] [--write]: the staged change's test gaps; --write: tests for them",
    ),
    "init": (
        "commitgate.commands.init",
        "write a commented commitgate.toml; show the pre-commit config",
    ),
}

# Commands that pre-commit itself runs as a hook's entry.
HOOK_COMMANDS: frozenset[str] = frozenset({"commit-msg", "fix"})

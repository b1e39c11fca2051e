"""The errors a user can act on; anything else that escapes is a bug.

Each class carries the exit code the command ends with, so the top level turns
any of them into one clear line without knowing where it came from.
"""

from __future__ import annotations


class CommitgateError(Exception):
    """An error the user can fix; shown as one line, never as a traceback."""

    exit_code = 2


class UsageError(CommitgateError):
    """Bad command-line arguments."""


class ConfigError(CommitgateError):
    """A configuration file or setting is wrong."""


class GitError(CommitgateError):
    """The repository is not in a state that can be reviewed."""


class ReviewUnavailable(CommitgateError):
    """No usable review could be had: no credentials, service down, bad answers.

    Whether this fails the commit is decided by the `on-error` policy.
    """

    exit_code = 3

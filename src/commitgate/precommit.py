"""What commitgate can tell about the pre-commit run that called it."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence

# A path longer than this is rare enough to ignore in the estimate below.
_LONG_PATH = 1024


def _max_length(env: Mapping[str, str]) -> int:
    """pre-commit's own limit on a command line (pre_commit/xargs.py)."""
    if os.name != "posix":
        return 2**15 - 2048
    env_size = sum(len(k) + len(v) + 2 + 8 for k, v in env.items())
    return max(min(os.sysconf("SC_ARG_MAX") - 2048 - env_size, 2**17), 2**12)


def more_calls_follow(argv: Sequence[str], env: Mapping[str, str]) -> bool:
    """Whether pre-commit probably split its file list and this call is not
    the last: its command line is within one path of pre-commit's limit.

    Only a hint, used to pack requests so that the calls of one run together
    make no more requests than one call would; being wrong costs one request
    a little larger than max-request-tokens, never a file left unreviewed.
    """
    if not env.get("PRE_COMMIT"):
        return False
    used = len(" ".join(argv).encode(sys.getfilesystemencoding(), "surrogateescape")) + 1
    return used > _max_length(env) - _LONG_PATH

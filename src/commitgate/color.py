"""Colour, only where a person reads it.

pre-commit runs a hook under a pseudo-terminal when its own output is in
colour, so `isatty()` is the hook's answer too; the variables let a user say
otherwise. NO_COLOR (https://no-color.org) wins over everything.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import IO

from commitgate.severity import Severity

RED = "\033[31m"
BOLD_RED = "\033[1;31m"
GREEN = "\033[32m"
YELLOW = "\033[33m"
CYAN = "\033[36m"
SUBTLE = "\033[2m"
NORMAL = "\033[m"

SEVERITY = {
    Severity.CRITICAL: BOLD_RED,
    Severity.HIGH: RED,
    Severity.MEDIUM: YELLOW,
    Severity.LOW: CYAN,
    Severity.INFO: SUBTLE,
}


def use_color(stream: IO[str], env: Mapping[str, str]) -> bool:
    if env.get("NO_COLOR"):
        return False
    setting = env.get("PRE_COMMIT_COLOR", "auto").strip().lower()
    if setting == "never":
        return False
    if setting == "always" or env.get("FORCE_COLOR"):
        return True
    if env.get("TERM") == "dumb" or sys.platform == "win32":
        # A Windows console shows escape codes as text unless told otherwise.
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or odd stream
        return False


def paint(text: str, color: str, on: bool) -> str:
    return f"{color}{text}{NORMAL}" if on else text

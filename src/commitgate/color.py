"""Colour, only where a person reads it.

pre-commit runs a hook under a pseudo-terminal when its own output is in
colour, so `isatty()` is the hook's answer too; the variables let a user say
otherwise. NO_COLOR (https://no-color.org) wins over everything.
"""

from __future__ import annotations

import re
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


# C0 and C1 control characters, DEL, and the bidirectional overrides that
# make a line read differently from what it holds.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def plain(text: str) -> str:
    """Text from elsewhere (the model, a server, the repository) made safe
    for a terminal: control characters (an escape sequence can clear the
    screen or hide the line that says BLOCKED) are shown, escaped, instead
    of acted on. Line breaks and tabs stay."""
    if text.isprintable() or not _CONTROLS.search(text):
        return text
    return _CONTROLS.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)

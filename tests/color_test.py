"""Colour: only on a terminal, and never against the user's word."""

from __future__ import annotations

import io
import os
import sys

import pytest

from commitgate import color


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class Closed(io.StringIO):
    def isatty(self) -> bool:
        raise ValueError("I/O operation on closed file")


posix_only = pytest.mark.skipif(sys.platform == "win32", reason="no colour on Windows consoles")


@posix_only
def test_a_terminal_gets_colour() -> None:
    assert color.use_color(Terminal(), {}) is True
    assert color.use_color(Terminal(), {"TERM": "xterm-256color"}) is True


def test_a_pipe_or_file_does_not() -> None:
    assert color.use_color(io.StringIO(), {}) is False
    assert color.use_color(Closed(), {}) is False
    with open(os.devnull, "w") as f:
        assert color.use_color(f, {}) is False


@pytest.mark.parametrize(
    "env",
    [
        {"NO_COLOR": "1"},
        {"NO_COLOR": "1", "PRE_COMMIT_COLOR": "always"},  # NO_COLOR wins over everything
        {"NO_COLOR": "1", "FORCE_COLOR": "1"},
        {"PRE_COMMIT_COLOR": "never"},
        {"PRE_COMMIT_COLOR": "never", "FORCE_COLOR": "1"},
        {"TERM": "dumb"},
    ],
)
def test_the_user_can_say_no(env: dict[str, str]) -> None:
    assert color.use_color(Terminal(), env) is False


@pytest.mark.parametrize(
    "env",
    [{"PRE_COMMIT_COLOR": "always"}, {"PRE_COMMIT_COLOR": "ALWAYS"}, {"FORCE_COLOR": "1"}],
)
def test_the_user_can_say_yes(env: dict[str, str]) -> None:
    assert color.use_color(io.StringIO(), {**env, "TERM": "dumb"}) is True


@posix_only
def test_empty_variables_say_nothing() -> None:
    # no-color.org: NO_COLOR counts only when set to something.
    env = {"NO_COLOR": "", "FORCE_COLOR": "", "PRE_COMMIT_COLOR": "auto"}
    assert color.use_color(Terminal(), env) is True
    assert color.use_color(io.StringIO(), env) is False


def test_paint() -> None:
    assert color.paint("high", color.RED, True) == "\033[31mhigh\033[m"
    assert color.paint("high", color.RED, False) == "high"

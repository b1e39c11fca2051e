"""GitHub Actions: annotation lines, escaped as the runner reads them, and the step summary."""

from __future__ import annotations

import re
from pathlib import Path

from commitgate.report import github
from tests import outcomes

_UNESCAPE = {"%25": "%", "%0D": "\r", "%0A": "\n", "%3A": ":", "%2C": ","}


def unescape(text: str) -> str:
    """The runner's decoding (actions/runner ActionCommand.cs)."""
    return re.sub("%25|%0D|%0A|%3A|%2C", lambda m: _UNESCAPE[m.group()], text)


def parse(line: str) -> tuple[str, dict[str, str], str]:
    """A workflow command as the runner splits it: the first `::` after the
    command's properties ends them, and properties split on `,` and `=`."""
    assert line.startswith("::")
    head, sep, message = line[2:].partition("::")
    assert sep
    kind, _, props = head.partition(" ")
    properties = {}
    for prop in filter(None, props.split(",")):
        name, _, value = prop.partition("=")
        properties[name] = unescape(value)
    return kind, properties, unescape(message)


def test_escaping() -> None:
    assert github.escape_data("100%\r\nnext: a, b") == "100%25%0D%0Anext: a, b"
    assert github.escape_property("100%\r\nnext: a, b") == "100%25%0D%0Anext%3A a%2C b"
    assert github.command("notice", "m") == "::notice::m"


def test_every_finding_is_an_annotation_blocking_first() -> None:
    lines = github.workflow_commands(outcomes.outcome())
    assert all("\n" not in line and "\r" not in line for line in lines)
    parsed = [parse(line) for line in lines]
    assert [(kind, props["file"]) for kind, props, _ in parsed] == [
        ("error", "src/app.py"),  # blocking
        ("warning", "a:b,c%d.py"),  # critical, held: a warning
        ("warning", "docs and notes/ünïcode.py"),  # medium below fail-on
        ("notice", "src/app.py"),  # low
    ]
    _, props, message = parsed[0]
    assert props == {
        "file": "src/app.py",
        "line": "2",
        "endLine": "4",
        "title": "commitgate: high: SQL query built from request parameter",
    }
    assert message.startswith(outcomes.BLOCKING.message)
    assert message.endswith("\n\nfix: " + str(outcomes.BLOCKING.suggestion))


def test_hostile_text_stays_inside_its_annotation() -> None:
    _, props, message = parse(github.workflow_commands(outcomes.outcome())[1])
    assert props["title"] == "commitgate: critical: Crash on start-up, 100% of the time"
    assert props["line"] == props["endLine"] == "7"
    assert message == (
        "Line one\r\nline two: with, commas\n\n(does not block: not on a line this change touched)"
    )
    finding = outcomes.HELD.replace(title="x::warning file=evil.py::y", message="::error::z")
    [line] = github.workflow_commands(outcomes.outcome([finding]))
    kind, props, message = parse(line)
    assert (
        kind == "warning" and props["title"] == "commitgate: critical: x::warning file=evil.py::y"
    )
    assert message.startswith("::error::z")


def test_a_change_not_reviewed_is_an_error_or_a_warning() -> None:
    failed = outcomes.outcome([], blocked=False, files=[], failures=["no credentials", "x"])
    [line] = github.workflow_commands(failed)
    assert parse(line) == (
        "error",
        {"title": "commitgate: the change was NOT reviewed"},
        "no credentials\nx",
    )
    let_through = outcomes.outcome([], blocked=False, failures=["timeout"], on_error="warn")
    [line] = github.workflow_commands(let_through)
    assert parse(line)[:2] == (
        "warning",
        {"title": "commitgate: the change was NOT fully reviewed"},
    )


def test_nothing_to_say() -> None:
    assert github.render(outcomes.outcome([], blocked=False), outcomes.SETTINGS) == ""
    assert github.render(outcomes.outcome(dry_run=True), outcomes.SETTINGS) == ""


def test_summary_is_appended(tmp_path: Path) -> None:
    path = tmp_path / "summary.md"
    path.write_text("## an earlier step's words\n")
    github.append_summary(outcomes.outcome(), outcomes.SETTINGS, str(path))
    github.append_summary(outcomes.outcome([], blocked=False), outcomes.SETTINGS, str(path))
    text = path.read_text()
    assert text.startswith("## an earlier step's words\n\n### commitgate: blocked\n")
    assert text.count("### commitgate:") == 2
    assert text.rstrip().endswith("\\~\\$0.0041 est.")


def test_summary_stays_under_the_cap(tmp_path: Path) -> None:
    path = tmp_path / "summary.md"
    path.write_bytes(b"x" * (github.SUMMARY_CAP - 5000))
    many = [outcomes.BLOCKING.replace(line=n) for n in range(1, 2000)]
    github.append_summary(outcomes.outcome(many), outcomes.SETTINGS, str(path))
    size = path.stat().st_size
    assert github.SUMMARY_CAP - 5000 < size <= github.SUMMARY_CAP
    assert "more findings, not shown here" in path.read_text()
    # Full already: nothing is added, rather than GitHub dropping the lot.
    path.write_bytes(b"x" * (github.SUMMARY_CAP - 100))
    github.append_summary(outcomes.outcome(many), outcomes.SETTINGS, str(path))
    assert path.stat().st_size == github.SUMMARY_CAP - 100

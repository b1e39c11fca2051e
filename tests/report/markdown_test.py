"""Markdown: the verdict, its facts and a table, with the model's words kept as text."""

from __future__ import annotations

import pytest

from commitgate.report import markdown, render
from tests import outcomes


def md(o: object = None, **kwargs: int) -> str:
    return markdown.render(outcomes.outcome() if o is None else o, outcomes.SETTINGS, **kwargs)  # type: ignore[arg-type]


def test_blocked() -> None:
    text = md()
    assert text == render(outcomes.outcome(), "markdown", outcomes.SETTINGS)
    lines = text.splitlines()
    assert lines[:3] == [
        "### commitgate: blocked",
        "",
        "blocked: 1 high finding at or above fail-on (fail-on = high)  ",
    ]
    assert "reviewed: the change origin/main...HEAD, 3 files, 42 changed lines" in text
    assert "not reviewed: logo.png (binary)  " in lines
    assert "findings: 1 critical, 1 high, 1 medium, 1 low (1 blocking); dropped 1" in text
    assert "2 requests, 0.0s, \\~\\$0.0041 est.  " in text
    table = [line for line in lines if line.startswith("|")]
    assert table[:2] == ["| severity | blocks | where | finding |", "|---|---|---|---|"]
    # Blocking first, then by severity.
    assert [row.split(" | ")[0] for row in table[2:]] == [
        "| high",
        "| critical",
        "| medium",
        "| low",
    ]
    assert table[2] == (
        "| high | **yes** | src/app.py:2-4 | **SQL query built from request parameter**<br>"
        "\\`name\\` is interpolated; a name of \\`x' OR '1'='1\\` returns every row.<br>"
        '*fix:* cursor.execute("... WHERE name = %s", (name,)) |'
    )
    assert table[3].endswith("<br>*does not block: not on a line this change touched* |")
    assert "The loop stops one short<br>when the list is empty." in table[4]


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("![x](https://evil.example/p.png)", "\\!\\[x\\](https://evil.example/p.png)"),
        ("<img src=x onerror=alert(1)>", "\\<img src=x onerror=alert(1)\\>"),
        ("a | b", "a \\| b"),
        ("**bold** _it_ ~s~ &amp;", "\\*\\*bold\\*\\* \\_it\\_ \\~s\\~ \\&amp;"),
        (
            "# heading\n- item\n1. first\n2) second\n===",
            "\\# heading<br>\\- item<br>1\\. first<br>2\\) second<br>\\===",
        ),
        ("back\\slash", "back\\\\slash"),
        ("$HOME and $PATH", "\\$HOME and \\$PATH"),
        ("  spaced  \n\n\nout  ", "spaced<br>out"),
    ],
)
def test_model_text_is_shown_as_text(text: str, shown: str) -> None:
    assert markdown.escape(text) == shown


def test_passed_not_reviewed_and_dry_run() -> None:
    assert md(outcomes.outcome([], blocked=False)).startswith("### commitgate: passed\n\n")
    assert "|" not in md(outcomes.outcome([], blocked=False))
    failed = outcomes.outcome([], blocked=False, files=[], failures=["no credentials"])
    text = md(failed)
    assert text.startswith("### commitgate: not reviewed\n\nno credentials  \n")
    let_through = outcomes.outcome([], blocked=False, failures=["x"], on_error="warn")
    assert md(let_through).startswith("### commitgate: not reviewed (let through)\n")
    assert "letting the commit through because on-error = warn" in md(let_through)
    assert md(outcomes.outcome([], dry_run=True)).startswith("### commitgate: dry run\n")


def test_a_long_report_is_cut_by_whole_rows() -> None:
    many = [outcomes.BLOCKING.replace(line=n) for n in range(1, 400)]
    text = md(outcomes.outcome(many), max_bytes=10_000)
    assert len(text.encode()) <= 10_000
    rows = [line for line in text.splitlines() if line.startswith("| high |")]
    assert 10 < len(rows) < 399
    assert text.endswith(
        f"... and {399 - len(rows)} more findings, not shown here: see the text report.\n"
    )
    assert len(md(outcomes.outcome(many)).encode()) <= markdown.MAX_BYTES


def test_a_tiny_budget_is_still_kept() -> None:
    assert len(md(max_bytes=100).encode()) <= 100

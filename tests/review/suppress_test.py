from __future__ import annotations

import pytest

from commitgate.git.change import ChangedFile
from commitgate.review.findings import Finding
from commitgate.review.prompt import CATEGORIES
from commitgate.review.suppress import Marker, apply, markers
from commitgate.severity import Severity

ALL = Marker(None, alone=True)
TRAILING = Marker(None, alone=False)


@pytest.mark.parametrize(
    "line",
    [
        "# commitgate: ignore",
        "// commitgate: ignore",
        "/// commitgate: ignore",
        "/* commitgate: ignore */",
        " * commitgate: ignore",
        "-- commitgate: ignore",
        "; commitgate: ignore",
        ";; commitgate: ignore",
        "% commitgate: ignore",
        "<!-- commitgate: ignore -->",
        "{# commitgate: ignore #}",
        "{- commitgate: ignore -}",
        "(* commitgate: ignore *)",
        "' commitgate: ignore",
        "REM commitgate: ignore",
        "rem commitgate: ignore",
        ":: commitgate: ignore",
        "! commitgate: ignore",
        "#commitgate:ignore",
        "    # COMMITGATE: IGNORE",
        "# commitgate: ignore -- the input is validated upstream",
    ],
)
def test_comment_syntaxes(line: str) -> None:
    assert markers(line) == [ALL]


@pytest.mark.parametrize(
    "line",
    [
        "x = eval(s)  # commitgate: ignore",
        "query(sql); // commitgate: ignore",
        "SELECT * FROM t; -- commitgate: ignore",
        "<a href={url}> <!-- commitgate: ignore -->",
        "Dim s = \"it's\" ' commitgate: ignore",
        "let x: &'a str = y; // commitgate: ignore",  # a lifetime is not a quote
        "x = 1  # noqa: E501  # commitgate: ignore",
        'x = f"{a}"  # commitgate: ignore',
    ],
)
def test_after_code(line: str) -> None:
    assert markers(line) == [TRAILING]


@pytest.mark.parametrize(
    "line",
    [
        'MESSAGE = "# commitgate: ignore"',
        "msg = 'add # commitgate: ignore to silence it'",
        'printf("// commitgate: ignore[security]\\n");',
        "`# commitgate: ignore`",
        'x = "a \\" # commitgate: ignore"',
        'say("use commitgate: ignore")',  # not in a comment
        "# commitgate: ignored",
        "# commitgate: ignore-next-line",
        "# commitgate: ignores",
        "# commitgate ignore",
        "x = 1",
    ],
)
def test_not_a_marker(line: str) -> None:
    assert markers(line) == []


def test_categories() -> None:
    assert markers("# commitgate: ignore[security]") == [
        Marker(frozenset({"security"}), alone=True)
    ]
    assert markers("x  // commitgate: ignore[ Security , correctness ]") == [
        Marker(frozenset({"security", "correctness"}), alone=False)
    ]
    assert markers("# commitgate: ignore[secuirty,data]") == [
        Marker(frozenset({"data"}), alone=True, unknown=("secuirty",))
    ]
    assert markers("# commitgate: ignore[]") == [Marker(frozenset(), alone=True, unknown=("",))]


def finding(line: int, category: str = "security", path: str = "a.py") -> Finding:
    return Finding(path, line, Severity.HIGH, "t", "m", category=category)


def file(*lines: str, path: str = "a.py") -> ChangedFile:
    return ChangedFile(path, "whole", tuple(lines))


def test_own_line_and_line_above() -> None:
    f = file(
        "a = 1  # commitgate: ignore",  # 1: its own line only
        "b = 2",  # 2
        "# commitgate: ignore",  # 3: alone, so line 4 as well
        "c = 3",  # 4
        "d = 4",  # 5: two lines below: not covered
    )
    out = apply([finding(n) for n in range(1, 6)], [f])
    assert [x.line for x in out.findings] == [2, 5]
    assert out.removed == 3 and out.notes == []


def test_categories_must_match() -> None:
    f = file("# commitgate: ignore[correctness, data]", "x = eval(s)")
    out = apply([finding(2, "security"), finding(2, "correctness"), finding(2, "data")], [f])
    assert [x.category for x in out.findings] == ["security"]
    assert out.removed == 2


def test_unknown_category_suppresses_nothing_and_says_so() -> None:
    f = file("x = eval(s)  # commitgate: ignore[secuirty]")
    out = apply([finding(1), finding(1)], [f])
    assert out.removed == 0 and len(out.findings) == 2
    assert out.notes == [
        "a.py:1: `commitgate: ignore[...]` names no known category ('secuirty'); "
        "categories: " + ", ".join(CATEGORIES)
    ]


def test_the_marker_in_a_string_does_not_suppress() -> None:
    f = file('HELP = "write # commitgate: ignore after the line"', "eval(x)")
    out = apply([finding(1), finding(2)], [f])
    assert out.removed == 0


def test_other_files_and_first_line() -> None:
    out = apply(
        [finding(1, path="b.py"), finding(1), finding(1, path="gone.py")],
        [file("x", path="a.py"), file("# commitgate: ignore", path="b.py")],
    )
    assert [x.path for x in out.findings] == ["a.py", "gone.py"]

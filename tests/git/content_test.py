from __future__ import annotations

import codecs

import pytest

from commitgate.git.content import decode, split_lines


@pytest.mark.parametrize(
    ("data", "text"),
    [
        (b"plain\n", "plain\n"),
        (codecs.BOM_UTF8 + b"bom\n", "bom\n"),
        ("caf\xe9".encode("latin-1"), "café"),
        (b"\x93quoted\x94", "\u201cquoted\u201d"),  # Windows-1252
        (b"\x81\x8d", "\x81\x8d"),  # undefined in 1252: Latin-1
        ("utf16 é\n".encode("utf-16"), "utf16 é\n"),
        ("ünïcödé".encode(), "ünïcödé"),
    ],
)
def test_decode(data: bytes, text: str) -> None:
    assert decode(data) == text


def test_binary() -> None:
    assert decode(b"\x89PNG\r\n\x1a\n\0\0") is None
    assert decode(b"x" * 9000 + b"\0") is not None  # git looks at the first 8000 bytes only


def test_split_lines() -> None:
    assert split_lines("") == ()
    assert split_lines("a") == ("a",)
    assert split_lines("a\r\nb\n") == ("a", "b")
    assert split_lines("a\n\nb") == ("a", "", "b")
    assert split_lines("a\x0cb\u2028c\n") == ("a\x0cb\u2028c",)

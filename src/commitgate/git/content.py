"""Bytes of a file to lines of text, the way git numbers them."""

from __future__ import annotations

import codecs

# git's own test for binary content: a NUL byte in the first 8000 bytes.
_BINARY_PROBE = 8000


def decode(data: bytes) -> str | None:
    """Decode file content; None when it is binary.

    UTF-8 first (with or without a BOM), UTF-16 when it says so with a BOM,
    else Windows-1252/Latin-1, which never fails: a review of mis-decoded
    accents is better than no review of a legacy-encoded file.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            return None
    if b"\0" in data[:_BINARY_PROBE]:
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def split_lines(text: str) -> tuple[str, ...]:
    """Split on "\\n" only (not str.splitlines, which also splits on \\x0b,
    \\x1c, \\u2028... and would disagree with git's line numbers), dropping
    the "\\r" of CRLF endings."""
    if not text:
        return ()
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    if "\r" not in text:
        return tuple(lines)  # the common case, without a pass over every line
    return tuple(line[:-1] if line.endswith("\r") else line for line in lines)

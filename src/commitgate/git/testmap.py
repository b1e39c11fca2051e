"""The existing tests of the files a change touches, for the test-gap review.

A test file belongs to a source file when its name is the source file's
name with a test prefix or suffix (test_foo.py, foo_test.go, foo.spec.ts,
FooTest.java), wherever it lives in the repository.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from commitgate.git.blobs import read_blobs
from commitgate.git.content import decode
from commitgate.git.repo import Repo, index_entries, tracked_files

_TEST_AFFIX = re.compile(r"^(?:test_)|(?:_test|_spec|\.test|\.spec|Test|Tests)$")


def _name(path: str) -> str:
    return posixpath.splitext(posixpath.basename(path))[0]


def source_stem(path: str) -> str:
    """The name of the file a test file tests: foo for test_foo.py,
    foo_test.go, foo.spec.ts, FooTest.java; the name itself otherwise."""
    return _TEST_AFFIX.sub("", _name(path)) or _name(path)


def is_test(path: str) -> bool:
    return source_stem(path) != _name(path)


# Modes of a regular file in the index (not a link, not a submodule).
REGULAR = ("100644", "100755")

# The most text of existing tests shown beside one changed file.
MAX_CONTEXT_CHARS = 12_000


def related_tests(
    repo: Repo, changed: Iterable[str], tracked: Sequence[str] | None = None
) -> dict[str, list[str]]:
    """For each changed source file, the tracked test files that test it."""
    wanted = {source_stem(p): p for p in changed if not is_test(p)}
    if not wanted:
        return {}
    out: dict[str, list[str]] = {}
    for path in tracked_files(repo) if tracked is None else tracked:
        if is_test(path) and source_stem(path) in wanted:
            out.setdefault(wanted[source_stem(path)], []).append(path)
    return out


class TestText(NamedTuple):
    path: str
    lines: tuple[str, ...]
    cut: bool  # only its start: the limit was reached


def read(
    repo: Repo, tests: Sequence[str], skip: Iterable[str] = (), max_chars: int = MAX_CONTEXT_CHARS
) -> list[TestText]:
    """The text of these test files as the index holds them, up to
    `max_chars` in all. Read from git's objects, never from the disk: a
    tracked test file that is a symbolic link is left out, not followed."""
    skipped = set(skip)
    index = index_entries(repo)
    wanted = [t for t in tests if t not in skipped and index.get(t) and index[t].mode in REGULAR]
    # A test file larger than this is cut to the limit anyway.
    blobs = read_blobs(repo, {index[t].sha for t in wanted}, 4 * max_chars + 4096)
    out: list[TestText] = []
    left = max_chars
    for path in wanted:
        data = blobs.get(index[path].sha)
        if left <= 0 or not isinstance(data, bytes):
            continue
        text = decode(data)
        if text is None:
            continue
        body = text[:left]
        left -= len(body)
        out.append(TestText(path, tuple(body.splitlines()), len(text) > len(body)))
    return out

"""The existing tests of the files a change touches, for the test-gap review.

A test file belongs to a source file when its name is the source file's
name with a test prefix or suffix (test_foo.py, foo_test.go, foo.spec.ts,
FooTest.java), wherever it lives in the repository.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence

from commitgate import git
from commitgate.content import decode
from commitgate.plan import is_test, source_stem

# The most text of existing tests shown beside one changed file.
MAX_CONTEXT_CHARS = 12_000


def related_tests(
    repo: git.Repo, changed: Iterable[str], tracked: Sequence[str] | None = None
) -> dict[str, list[str]]:
    """For each changed source file, the tracked test files that test it."""
    wanted = {source_stem(p): p for p in changed if not is_test(p)}
    if not wanted:
        return {}
    out: dict[str, list[str]] = {}
    for path in git.tracked_files(repo) if tracked is None else tracked:
        if is_test(path) and source_stem(path) in wanted:
            out.setdefault(wanted[source_stem(path)], []).append(path)
    return out


def context(
    repo: git.Repo, tests: Sequence[str], skip: Iterable[str] = (), *, redact: bool = True
) -> str:
    """The text of existing tests, as context lines the model may not cite
    (no line numbers, so nothing in them can be anchored)."""
    parts: list[str] = []
    left = MAX_CONTEXT_CHARS
    skipped = set(skip)
    for path in tests:
        if path in skipped or left <= 0:
            continue
        try:
            with open(os.path.join(repo.root, path), "rb") as f:
                text = decode(f.read(left + 1))
        except OSError:
            continue
        if text is None:
            continue
        body = text[:left]
        left -= len(body)
        lines = body.splitlines()
        if redact:
            from commitgate.redact import redact as replace_secrets

            lines = list(replace_secrets(path, lines).lines)
        shown = "\n".join(f"| {line}" for line in lines)
        cut = " (cut)" if len(text) > len(body) else ""
        parts.append(f'### EXISTING TEST "{path}" (context only{cut})\n{shown}')
    return "\n".join(parts)

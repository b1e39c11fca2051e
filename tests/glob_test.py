from __future__ import annotations

import pytest

from commitgate.glob import PathMatcher


@pytest.mark.parametrize(
    ("pattern", "path", "hit"),
    [
        ("*.min.js", "static/app.min.js", True),
        ("*.min.js", "app.min.js", True),
        ("*.py", "src/a.py", True),
        ("src/*.py", "src/a.py", True),
        ("src/*.py", "src/sub/a.py", False),
        ("src/**/*.py", "src/sub/deep/a.py", True),
        ("src/**/*.py", "src/a.py", True),
        ("tests/**", "tests/a/b.py", True),
        ("tests/**", "src/tests.py", False),
        ("**/auth/**", "app/auth/login.py", True),
        ("**/auth/**", "auth/login.py", True),
        ("**/auth/**", "oauth/login.py", False),
        (".env*", "deploy/.env.production", True),
        ("vendor", "vendor/lib/x.js", True),
        ("vendor/", "vendor/x.js", True),
        ("/top.py", "top.py", True),
        ("/top.py", "sub/top.py", False),
        ("id_rsa*", "home/.ssh/id_rsa.pub", True),
        ("file[0-9].txt", "file3.txt", True),
        ("file[!0-9].txt", "file3.txt", False),
        ("a?c", "abc", True),
        ("a?c", "a/c", False),
        ("*.py", "weird\nname.py", True),
    ],
)
def test_match(pattern: str, path: str, hit: bool) -> None:
    assert PathMatcher([pattern])(path) is hit


def test_empty() -> None:
    m = PathMatcher([])
    assert not m and not m("a")

"""A run pays only for what it uses: no httpx unless a request is made."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import GitRepo
from tests.fake_gateway import FakeGateway

PROBE = (
    "import sys\n"
    "from commitgate.main import main\n"
    "code = main(sys.argv[1:])\n"
    "heavy = ('httpx', 'httpcore', 'ssl', 'email', 'sqlite3')\n"
    "heavy = sorted(m for m in heavy if m in sys.modules)\n"
    "print('LOADED', ','.join(heavy), file=sys.stderr)\n"
    "raise SystemExit(code)\n"
)


def loaded(*args: str) -> set[str]:
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, check=False
    )
    line = next(x for x in proc.stderr.splitlines() if x.startswith("LOADED"))
    return set(filter(None, line.split(" ", 1)[1].split(","))) if " " in line else set()


def test_what_each_run_loads(
    repo: GitRepo, gateway: FakeGateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COMMITGATE_BASE_URL", gateway.base_url)
    monkeypatch.setenv("AI_GATEWAY_API_KEY", "k")
    repo.commit()
    assert loaded() == set()  # nothing to review
    repo.write("a.py", "x = 1\n")
    repo.stage()
    assert "httpx" not in loaded("--dry-run")
    assert "httpx" in loaded()  # a request was made...
    assert loaded() == {"sqlite3"}  # ...and the same change again is answered by the cache
    assert len(gateway.posts) == 1

"""pre-commit splits a long file list into several calls of the hook: each
call is correct on its own, and together they make no more requests than
one call over all the files would."""

from __future__ import annotations

import subprocess

from commitgate import precommit
from commitgate.main import main
from tests.conftest import GitRepo, pre_commit
from tests.fake_gateway import FakeGateway

DIR = "d" * 60  # long paths, so that pre-commit splits after ~1,900 files


def test_calls_together_cost_no_more_than_one(hooked: GitRepo, gateway: FakeGateway) -> None:
    repo = hooked
    repo.write("commitgate.toml", "max-request-tokens = 6000\n")
    for i in range(4000):
        repo.write(f"{DIR}/module_{i:05}.py", f"value_{i} = {i}\n")
    repo.write(f"{DIR}/module_02345.py", "value = 1  # BUG:high\n")
    repo.stage()
    subprocess.run(["git", "commit", "-q", "--no-verify", "-m", "x"], cwd=repo.path, check=True)

    proc = pre_commit(repo, "run", "--all-files")
    calls = proc.stdout.count("commitgate: BLOCKED") + proc.stdout.count("commitgate: passed")
    assert calls >= 2, proc.stdout[-2000:]  # pre-commit did split the list
    assert proc.returncode == 1
    assert f"{DIR}/module_02345.py:1: high" in proc.stdout
    split_requests = len(gateway.posts)

    gateway.requests.clear()
    assert main(["--all-files", "--no-cache", "--format", "json"]) == 1
    one_call_requests = len(gateway.posts)
    assert split_requests <= one_call_requests

    # And a second run is answered from the cache: no request at all.
    gateway.requests.clear()
    assert pre_commit(repo, "run", "--all-files").returncode == 1
    assert gateway.posts == []


def test_more_calls_follow() -> None:
    env = {"PRE_COMMIT": "1", "PATH": "/bin"}
    assert not precommit.more_calls_follow(["commitgate", "a.py"], env)
    assert precommit.more_calls_follow(["commitgate", *["x" * 100] * 1300], env)
    assert not precommit.more_calls_follow(["commitgate", *["x" * 100] * 1300], {})

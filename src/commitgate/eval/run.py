"""One case, reviewed as a commit would be: its before/ tree committed in a
temporary repository, its after/ tree staged over it, and the staged
change reviewed by the same engine, with the same settings. The user's
repository is never touched."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, NamedTuple

from commitgate import git
from commitgate.config import Settings
from commitgate.errors import GitError
from commitgate.eval.corpus import Case
from commitgate.review.flow import Target, review
from commitgate.review.outcome import Outcome

if TYPE_CHECKING:
    import httpx

# git's variables that would point a command at the user's repository (a
# hook's GIT_INDEX_FILE, say): the temporary repositories must not see them.
_GIT_LOCATIONS = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_COMMON_DIR",
    "GIT_NAMESPACE",
    "GIT_PREFIX",
)


class Reviewed(NamedTuple):
    case: Case
    outcome: Outcome
    seconds: float


def isolate(env: Mapping[str, str]) -> dict[str, str]:
    """The environment without git's location variables."""
    return {k: v for k, v in env.items() if k not in _GIT_LOCATIONS}


def review_case(
    case: Case,
    settings: Settings,
    env: Mapping[str, str],
    *,
    transport: httpx.BaseTransport | None = None,
) -> Reviewed:
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix=f"commitgate-eval-{case.id}-") as tmp:
        root = os.path.join(tmp, "repo")
        stage(case, root, isolate(env))
        repo = git.find_repo(root)
        # No cache: each case is a fresh question, and no baseline: the
        # expected bugs are what is being looked for.
        outcome = review(
            settings.replace(baseline=""),
            repo,
            Target(),
            env=env,
            use_cache=False,
            transport=transport,
            accepted=frozenset(),
        )
    return Reviewed(case, outcome, time.monotonic() - started)


def stage(case: Case, root: str, env: dict[str, str]) -> None:
    """before/ committed, after/ staged over it."""
    env = {
        **env,
        "GIT_AUTHOR_NAME": "commitgate eval",
        "GIT_AUTHOR_EMAIL": "eval@commitgate.invalid",
        "GIT_COMMITTER_NAME": "commitgate eval",
        "GIT_COMMITTER_EMAIL": "eval@commitgate.invalid",
    }
    # No template, no hooks, no signing: the user's git set-up (a global
    # hooks path with pre-commit in it) must not run here.
    quiet = ["-c", "core.hooksPath=/dev/null", "-c", "commit.gpgsign=false"]

    def run(*args: str) -> None:
        proc = subprocess.run(
            ["git", *quiet, *args], cwd=root, env=env, capture_output=True, check=False
        )
        if proc.returncode:
            detail = proc.stderr.decode("utf-8", "replace").strip()
            raise GitError(f"eval: git {args[0]} failed for case {case.id}: {detail}")

    os.makedirs(root)
    run("init", "-q", "--template=", "-b", "main")
    if os.path.isdir(case.before):
        shutil.copytree(case.before, root, dirs_exist_ok=True)
    run("add", "-A")
    run("commit", "-q", "--allow-empty", "-m", "before")
    for entry in os.listdir(root):
        if entry != ".git":
            path = os.path.join(root, entry)
            shutil.rmtree(path) if os.path.isdir(path) else os.unlink(path)
    shutil.copytree(case.after, root, dirs_exist_ok=True)
    run("add", "-A")

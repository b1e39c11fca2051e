"""What the model is shown beside a changed file: for the test-gap review,
the file's existing tests. Context is repository content too: it is held
back and redacted as the change is."""

from __future__ import annotations

from commitgate import git
from commitgate.config import Settings
from commitgate.git import testmap
from commitgate.git.change import Change
from commitgate.outbound import neversend
from commitgate.review import prompt


def tests_context(repo: git.Repo, change: Change, settings: Settings) -> dict[str, str]:
    """For the test-gap review: each changed file's existing tests, as they
    may be sent (never-send files left out, secrets replaced)."""
    tests = testmap.related_tests(repo, [f.path for f in change.files])
    in_change = [f.path for f in change.files]
    out = {}
    for path, found in tests.items():
        allowed = [t for t in found if neversend.glob_for(t, settings.never_send) is None]
        texts = testmap.read(repo, allowed, skip=in_change)
        if settings.redact and texts:
            from commitgate.outbound.redact import redact

            texts = [t._replace(lines=redact(t.path, t.lines).lines) for t in texts]
        out[path] = prompt.existing_tests(texts)
    return out

"""The git layer: what changed, read from git's objects. Knows git,
nothing about models or findings.

    repo.py     running git; the repository (root, git dir, common dir)
    diff.py     the raw entries and hunks of one `git diff`
    blobs.py    file contents from the object store (`cat-file --batch`)
    collect.py  the change to review: staged, a range, or whole files
    change.py   the plain data every later step reads (ChangedFile, Hunk)
    content.py  bytes to lines, numbered as git numbers them
    testmap.py  the existing tests of a changed file
"""

from __future__ import annotations

from commitgate.git.collect import collect, resolve_paths
from commitgate.git.repo import Repo, find_repo, resolve, run, tracked_files

__all__ = ["Repo", "collect", "find_repo", "resolve", "resolve_paths", "run", "tracked_files"]

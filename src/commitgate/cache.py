"""Verdicts by content: a re-run over unchanged content asks nothing.

One SQLite file, by default under the repository's git common directory (so
all worktrees of a repository share it). SQLite's own locking and WAL
journal make two runs at once safe; a cache that cannot be opened or read
is passed over with a note, never a failed review.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import sqlite3

FILE_NAME = "cache.sqlite3"
# Part of every key: change it when what is stored changes meaning.
FORMAT = "1"
# Entries not used for this long are pruned, at most once a day.
KEEP_SECONDS = 30 * 86400

_SCHEMA = """
CREATE TABLE IF NOT EXISTS verdicts (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    created INTEGER NOT NULL,
    used INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


class CacheError(Exception):
    """The cache cannot be used; callers carry on without it."""


@contextlib.contextmanager
def _errors() -> Iterator[None]:
    import sqlite3

    try:
        yield
    except sqlite3.Error as e:
        raise CacheError(str(e)) from None


def key(*parts: str) -> str:
    """A key from the parts that decide a verdict."""
    h = hashlib.sha256(FORMAT.encode())
    for part in parts:
        data = part.encode("utf-8", "surrogatepass")
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


class Cache:
    def __init__(self, directory: str) -> None:
        import sqlite3  # here, not at the top: a run with nothing to review skips it

        try:
            os.makedirs(directory, exist_ok=True)
        except OSError as e:
            raise CacheError(f"cannot create {directory}: {e.strerror}") from None
        self.path = os.path.join(directory, FILE_NAME)
        with _errors():
            # isolation_level=None: autocommit, each statement its own transaction.
            self._db: sqlite3.Connection = sqlite3.connect(
                self.path, timeout=10.0, isolation_level=None
            )
            try:
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute("PRAGMA synchronous=NORMAL")
                self._db.executescript(_SCHEMA)
            except sqlite3.Error:
                self._db.close()
                raise

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Cache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get_many(self, keys: Sequence[str]) -> dict[str, Any]:
        with _errors():
            return self._get_many(keys)

    def _get_many(self, keys: Sequence[str]) -> dict[str, Any]:
        found: dict[str, Any] = {}
        now = int(time.time())
        for start in range(0, len(keys), 500):  # SQLite's limit on parameters
            chunk = keys[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT key, value FROM verdicts WHERE key IN ({marks})",
                chunk,
            ).fetchall()
            for k, value in rows:
                try:
                    found[k] = json.loads(value)
                except ValueError:
                    continue  # a damaged entry is a miss
            if rows:
                self._db.execute(
                    f"UPDATE verdicts SET used = ? WHERE key IN ({marks})",
                    [now, *chunk],
                )
        return found

    def put_many(self, items: Iterable[tuple[str, Any]]) -> None:
        now = int(time.time())
        rows = [(k, json.dumps(v, separators=(",", ":")), now, now) for k, v in items]
        if rows:
            with _errors():
                # One transaction for them all: in autocommit mode each row
                # would be a transaction of its own, which costs twice the
                # time when a whole repository's verdicts are stored.
                self._db.execute("BEGIN")
                try:
                    self._db.executemany(
                        "INSERT OR REPLACE INTO verdicts (key, value, created, used) "
                        "VALUES (?,?,?,?)",
                        rows,
                    )
                except BaseException:
                    if self._db.in_transaction:  # SQLite may have rolled back already
                        self._db.execute("ROLLBACK")
                    raise
                self._db.execute("COMMIT")

    def prune(self, now: float | None = None) -> int:
        """Drop entries unused for KEEP_SECONDS; runs at most once a day."""
        with _errors():
            return self._prune(time.time() if now is None else now)

    def _prune(self, now: float) -> int:
        row = self._db.execute("SELECT value FROM meta WHERE name = 'pruned'").fetchone()
        if row and now - float(row[0]) < 86400:
            return 0
        gone = self._db.execute(
            "DELETE FROM verdicts WHERE used < ?", (int(now - KEEP_SECONDS),)
        ).rowcount
        self._db.execute(
            "INSERT OR REPLACE INTO meta (name, value) VALUES ('pruned', ?)", (str(now),)
        )
        return gone

    def clear(self) -> int:
        with _errors():
            gone: int = self._db.execute("DELETE FROM verdicts").rowcount
            self._db.execute("VACUUM")
        return gone

    def stats(self) -> tuple[int, int]:
        """Entries, and bytes on disk."""
        with _errors():
            (count,) = self._db.execute("SELECT COUNT(*) FROM verdicts").fetchone()
        size = sum(os.path.getsize(p) for p in (self.path, self.path + "-wal") if os.path.exists(p))
        return count, size


def location(setting: str, repo_root: str, common_dir: str) -> str:
    """The cache directory: `cache-dir` (relative to the repository root), or
    `commitgate/` in the git common directory."""
    if setting:
        return os.path.join(repo_root, os.path.expanduser(setting))
    return os.path.join(common_dir, "commitgate")


def open_cache(directory: str) -> tuple[Cache | None, str | None]:
    """The cache, or None and why not."""
    try:
        cache = Cache(directory)
        cache.prune()
    except CacheError as e:
        return None, f"review cache not used ({directory}: {e})"
    return cache, None

from __future__ import annotations

import sqlite3
from pathlib import Path

from commitgate import cache


def test_key_separates_parts() -> None:
    assert cache.key("ab", "c") != cache.key("a", "bc")
    assert cache.key("a") == cache.key("a")


def test_roundtrip_and_stats(tmp_path: Path) -> None:
    with cache.Cache(str(tmp_path / "c")) as c:
        assert c.get_many(["k"]) == {}
        c.put_many([("k", {"findings": [1]}), ("j", {"findings": []})])
        assert c.get_many(["k", "j", "x"]) == {"k": {"findings": [1]}, "j": {"findings": []}}
        assert c.stats()[0] == 2
        assert c.clear() == 2
        assert c.get_many(["k"]) == {}


def test_many_keys(tmp_path: Path) -> None:
    with cache.Cache(str(tmp_path)) as c:
        c.put_many((str(i), i) for i in range(1200))
        assert len(c.get_many([str(i) for i in range(1300)])) == 1200


def test_stored_verdicts_are_committed_at_once(tmp_path: Path) -> None:
    with cache.Cache(str(tmp_path)) as c:
        c.put_many((str(i), i) for i in range(300))
        assert not c._db.in_transaction
        other = sqlite3.connect(tmp_path / cache.FILE_NAME)
        assert other.execute("SELECT COUNT(*) FROM verdicts").fetchone() == (300,)
        other.close()


def test_damaged_entry_is_a_miss(tmp_path: Path) -> None:
    with cache.Cache(str(tmp_path)) as c:
        c.put_many([("k", 1)])
    db = sqlite3.connect(tmp_path / cache.FILE_NAME)
    db.execute("UPDATE verdicts SET value = '{not json'")
    db.commit()
    db.close()
    with cache.Cache(str(tmp_path)) as c:
        assert c.get_many(["k"]) == {}


def test_prune_once_a_day(tmp_path: Path) -> None:
    with cache.Cache(str(tmp_path)) as c:
        c.put_many([("old", 1)])
        later = 1e12
        assert c.prune(later) == 1
        c.put_many([("new", 1)])
        assert c.prune(later + 3600) == 0  # pruned less than a day ago


def test_location(tmp_path: Path) -> None:
    assert cache.location("", "/repo", "/repo/.git") == "/repo/.git/commitgate"
    assert cache.location(".cache/cg", "/repo", "/repo/.git") == "/repo/.cache/cg"
    assert cache.location("/abs", "/repo", "/repo/.git") == "/abs"


def test_unusable_location_is_a_note_not_a_failure(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    c, problem = cache.open_cache(str(tmp_path / "file" / "sub"))
    assert c is None
    assert problem is not None and "review cache not used" in problem


def test_garbage_file_is_a_note_not_a_failure(tmp_path: Path) -> None:
    (tmp_path / cache.FILE_NAME).write_bytes(b"this is not a database" * 100)
    c, problem = cache.open_cache(str(tmp_path))
    assert c is None and problem is not None

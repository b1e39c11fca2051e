"""Listing of an account's audit events, newest last, one page at a time."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

MAX_PAGE_SIZE = 200


@dataclass(frozen=True)
class Event:
    id: int
    created_at: str  # ISO 8601, UTC
    actor: str
    action: str


@dataclass(frozen=True)
class Page:
    events: list[Event]
    next_cursor: str | None


def _clamp(size: int) -> int:
    return max(1, min(size, MAX_PAGE_SIZE))


def list_events(
    conn: sqlite3.Connection, account_id: int, cursor: str | None = None, size: int = 50
) -> Page:
    """One page of events ordered by (created_at, id); pass next_cursor to get the next."""
    size = _clamp(size)
    offset = int(cursor) if cursor else 0
    rows = conn.execute(
        "SELECT id, created_at, actor, action FROM audit_events"
        " WHERE account_id = ?"
        " ORDER BY created_at, id LIMIT ? OFFSET ?",
        (account_id, size + 1, offset),
    ).fetchall()
    events = [Event(*row) for row in rows[:size]]
    next_cursor = str(offset + size) if len(rows) > size else None
    return Page(events, next_cursor)

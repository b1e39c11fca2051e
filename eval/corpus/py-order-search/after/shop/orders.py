"""Queries behind the customer's order history page."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class OrderRow:
    order_id: int
    placed_on: date
    product: str
    total_cents: int


def _rows(cursor: sqlite3.Cursor) -> list[OrderRow]:
    return [
        OrderRow(order_id, date.fromisoformat(placed_on), product, total)
        for order_id, placed_on, product, total in cursor.fetchall()
    ]


def order_history(
    conn: sqlite3.Connection, customer_id: int, limit: int = 20
) -> list[OrderRow]:
    cursor = conn.execute(
        "SELECT o.id, o.placed_on, p.name, o.total_cents"
        " FROM orders o JOIN products p ON p.id = o.product_id"
        " WHERE o.customer_id = ?"
        " ORDER BY o.placed_on DESC, o.id DESC LIMIT ?",
        (customer_id, limit),
    )
    return _rows(cursor)


def search_history(
    conn: sqlite3.Connection, customer_id: int, term: str, limit: int = 20
) -> list[OrderRow]:
    """The customer's orders whose product name contains ``term`` (case-insensitive)."""
    term = term.strip()
    if not term:
        return order_history(conn, customer_id, limit)
    cursor = conn.execute(
        "SELECT o.id, o.placed_on, p.name, o.total_cents"
        " FROM orders o JOIN products p ON p.id = o.product_id"
        f" WHERE o.customer_id = ? AND p.name LIKE '%{term}%'"
        " ORDER BY o.placed_on DESC, o.id DESC LIMIT ?",
        (customer_id, limit),
    )
    return _rows(cursor)


def lifetime_spend(conn: sqlite3.Connection, customer_id: int) -> int:
    (total,) = conn.execute(
        "SELECT COALESCE(SUM(total_cents), 0) FROM orders WHERE customer_id = ?",
        (customer_id,),
    ).fetchone()
    return int(total)

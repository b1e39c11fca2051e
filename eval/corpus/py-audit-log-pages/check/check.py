import os
import sqlite3
import sys

sys.path.insert(0, sys.argv[1])
from audit.listing import list_events

conn = sqlite3.connect(":memory:")
with open(os.path.join(sys.argv[1], "audit", "schema.sql")) as f:
    conn.executescript(f.read())
rows = []
n = 0
for second in range(6):
    for _ in range(1 + second % 3):
        n += 1
        rows.append((n, 1, f"2024-05-01T10:00:0{second}Z", "ann", f"act{n}"))
rows.append((n + 1, 2, "2024-05-01T10:00:00Z", "bob", "other"))
conn.executemany("INSERT INTO audit_events VALUES (?, ?, ?, ?, ?)", rows)
for size in (1, 2, 3, 4, 50):
    seen, cursor = [], None
    for _ in range(100):
        page = list_events(conn, 1, cursor, size)
        seen += [e.id for e in page.events]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == list(range(1, n + 1)), (size, seen)
print("ok")

import sqlite3
import sys

sys.path.insert(0, sys.argv[1])
from shop.orders import search_history

conn = sqlite3.connect(":memory:")
conn.executescript("""
CREATE TABLE products (id INTEGER PRIMARY KEY, name TEXT);
CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER, product_id INTEGER,
                     placed_on TEXT, total_cents INTEGER);
INSERT INTO products VALUES (1, 'Garden Hose'), (2, 'Men''s Boots'), (3, 'Hose Reel');
INSERT INTO orders VALUES (1, 1, 1, '2024-01-02', 1999), (2, 1, 2, '2024-02-03', 8900),
                          (3, 2, 3, '2024-03-04', 4500), (4, 2, 2, '2024-03-05', 8900);
""")
assert [r.order_id for r in search_history(conn, 1, "hose")] == [1]
assert [r.order_id for r in search_history(conn, 1, "men's")] == [2]
for evil in ("x' OR 1=1 OR p.name LIKE '", "' OR '1'='1"):
    try:
        rows = search_history(conn, 1, evil)
    except sqlite3.Error as exc:
        raise AssertionError(f"query broken by input {evil!r}: {exc}")
    assert all(r.order_id in (1, 2) for r in rows), ("other customer's orders", rows)
print("ok")

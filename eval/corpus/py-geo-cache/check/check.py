import sys

sys.path.insert(0, sys.argv[1])
from geo.cache import LRUCache

c = LRUCache(2)
c.put("a", 1)
c.put("b", 2)
assert c.get("a") == 1
c.put("c", 3)
assert c.get("b") is None and c.get("a") == 1 and c.get("c") == 3
assert (c.hits, c.misses) == (3, 1)
assert len(c) == 2

if "ttl" in LRUCache.__init__.__code__.co_varnames:
    now = [100.0]
    t = LRUCache(3, ttl=10, clock=lambda: now[0])
    t.put("x", "X")
    now[0] += 5
    t.put("y", "Y")
    assert t.get("x") == "X"
    now[0] += 5
    assert t.get("x") is None, "entry outlived its ttl"
    assert t.get("y") == "Y"
    assert len(t) == 1
    now[0] += 5
    assert len(t) == 0
    t.put("z", None)
    assert t.get("z") is None
    t.put("y", "Y2")
    now[0] += 9
    assert t.get("y") == "Y2"
print("ok")

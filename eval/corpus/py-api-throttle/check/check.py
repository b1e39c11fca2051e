import sys

sys.path.insert(0, sys.argv[1])
from api.throttle import Throttle

now = [10_000_000_000]
t = Throttle(5, period=1.0, clock=lambda: now[0])
assert all(t.allow("k") for _ in range(5))
assert not t.allow("k"), "sixth request in a burst allowed"
now[0] += 100_000_000  # 100 ms: half a token
assert not t.allow("k"), "refilled too fast"
now[0] += 100_000_000  # 200 ms in all: one token
assert t.allow("k")
assert not t.allow("k")
now[0] += 10_000_000_000
assert sum(t.allow("k") for _ in range(10)) == 5, "bucket exceeds its capacity"
assert t.allow("other")
print("ok")

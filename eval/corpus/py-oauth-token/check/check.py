import sys
import threading
import time

sys.path.insert(0, sys.argv[1])
from partner.auth import TokenManager

valid = {"r0"}
issued = []
lock = threading.Lock()


def exchange(refresh_token):
    time.sleep(0.05)
    with lock:
        if refresh_token not in valid:
            return {"error": "invalid_grant"}
        valid.discard(refresh_token)
        n = len(issued) + 1
        valid.add(f"r{n}")
        issued.append(n)
        return {"access_token": f"a{n}", "refresh_token": f"r{n}", "expires_in": 3600}


now = [0.0]
m = TokenManager("r0", exchange, clock=lambda: now[0])
errors, values = [], []


def worker():
    try:
        values.append(m.access_token())
    except Exception as exc:
        errors.append(exc)


for _round in range(2):
    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    now[0] += 3590.0
assert not errors, errors
assert len(issued) == 2, issued
assert set(values) == {"a1", "a2"}, values
print("ok")

import logging
import sys

sys.path.insert(0, sys.argv[1])
from hooks.delivery import Deliverer, Event

logging.disable(logging.CRITICAL)
calls = []
answers = {"https://a.test/hook": [500, 502, 200], "https://down.test/hook": [503] * 10}


def transport(url, body, headers):
    calls.append(url)
    return answers[url].pop(0)


sleeps = []
d = Deliverer(transport, max_attempts=3, backoff=0.5, sleep=sleeps.append)
ok = Event("e1", "https://a.test/hook", {"x": 1})
down = Event("e2", "https://down.test/hook", {"x": 2})
assert d.flush([ok, down]) == 1
assert ok.delivered
assert not down.delivered, "event marked delivered although every attempt failed"
assert sleeps == [0.5, 1.0, 0.5, 1.0], sleeps
assert calls.count("https://down.test/hook") == 3
print("ok")

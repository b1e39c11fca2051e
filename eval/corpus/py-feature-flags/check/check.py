import sys

sys.path.insert(0, sys.argv[1])
from worker.flags import Flags, env_bool

f = Flags.from_env({"WORKER_DRY_RUN": "false", "WORKER_SEND_EMAIL": "0", "WORKER_VERBOSE": "Yes"})
assert f == Flags(dry_run=False, send_email=False, verbose=True, concurrency=4), f
assert Flags.from_env({}) == Flags(False, True, False, 4)
assert env_bool("X", True, {"X": ""}) is True
assert env_bool("X", False, {"X": " ON "}) is True
try:
    env_bool("X", False, {"X": "maybe"})
except ValueError:
    pass
else:
    raise AssertionError("'maybe' accepted")
print("ok")

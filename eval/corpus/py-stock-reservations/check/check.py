import os
import subprocess
import sys

root = sys.argv[1]
sys.path.insert(0, root)
from inventory.stock import Inventory, OutOfStock

inv = Inventory()
inv.receive("a", 3)
inv.reserve("a", 3)
try:
    inv.reserve("a", 1)
except OutOfStock:
    pass
else:
    raise AssertionError("over-reservation accepted")
inv.ship("a", 2)
assert inv.available("a") == 0 and inv._items["a"].on_hand == 1
if os.path.isdir(os.path.join(root, "tests")):
    env = dict(os.environ, PYTHONPATH=root)
    run = subprocess.run([sys.executable, "-m", "unittest", "discover", "-s", "tests"],
                         cwd=root, env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "Ran 5 tests" in run.stderr, run.stderr
print("ok")

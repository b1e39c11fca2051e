import os
import sys
import tempfile

sys.path.insert(0, sys.argv[1])
from agent.logfile import LogFile, tail

d = tempfile.mkdtemp()
path = os.path.join(d, "agent.log")
with LogFile(path) as log:
    for i in range(50):
        log.write(f"line {i}")
assert len(tail(path, 100)) == 50 and not os.path.exists(path + ".1")

path = os.path.join(d, "rot.log")
with open(path, "w") as f:
    f.write("old\n")
log = LogFile(path, max_bytes=20, backups=2)
for i in range(5):
    log.write(f"entry-{i}")  # 8 bytes each
assert tail(path + ".2") == ["old", "entry-0", "entry-1"], tail(path + ".2")
for i in range(5, 7):
    log.write(f"entry-{i}")
log.close()
assert tail(path) == ["entry-6"], tail(path)
assert tail(path + ".1") == ["entry-4", "entry-5"], tail(path + ".1")
assert tail(path + ".2") == ["entry-2", "entry-3"], tail(path + ".2")
assert not os.path.exists(path + ".3")
for name in (path, path + ".1", path + ".2"):
    assert os.path.getsize(name) <= 20

path = os.path.join(d, "none.log")
with LogFile(path, max_bytes=10, backups=0) as log:
    log.write("aaaa")
    log.write("bbbbbbbbbbbbbbbbbbbb")
    log.write("cc")
assert tail(path) == ["cc"] and not os.path.exists(path + ".1")
print("ok")

import os
import sys
import tempfile

sys.path.insert(0, sys.argv[1])
from files.attachments import AttachmentStore

base = tempfile.mkdtemp()
root = os.path.join(base, "attachments")
os.makedirs(os.path.join(root, "proj-7"))
os.makedirs(os.path.join(base, "attachments-private"))
with open(os.path.join(root, "proj-7", "spec.txt"), "wb") as f:
    f.write(b"spec")
with open(os.path.join(base, "attachments-private", "keys.txt"), "wb") as f:
    f.write(b"secret")
with open(os.path.join(base, "outside.txt"), "wb") as f:
    f.write(b"outside")

store = AttachmentStore(root)
ok = store.download("proj-7/spec.txt")
assert ok.status == 200 and ok.body == b"spec", ok
for evil in ("../attachments-private/keys.txt", "../outside.txt", "proj-7/../../outside.txt",
             "/etc/passwd", "../attachments"):
    r = store.download(evil)
    assert r.status == 404, (evil, r.status, r.body)
print("ok")

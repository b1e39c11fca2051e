import io
import sys

sys.path.insert(0, sys.argv[1])
from backup.copy import Progress, copy_stream

lines = []
p = Progress(1000, lines.append)
p.advance(250)
assert p.percent == 25, p.percent
assert lines == ["10% (250 of 1000 bytes)", "20% (250 of 1000 bytes)"], lines
lines.clear()
copy_stream(io.BytesIO(b"x" * 1000), io.BytesIO(), Progress(1000, lines.append), chunk=100)
assert len(lines) == 10, lines
assert lines[0].startswith("10%") and lines[-2].startswith("90%"), lines
assert Progress(0, lines.append).percent == 100
print("ok")

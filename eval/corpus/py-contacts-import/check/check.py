import builtins
import os
import sys
import tempfile

sys.path.insert(0, sys.argv[1])
from crm import importer

opened = []
real_open = builtins.open


def tracking_open(*args, **kwargs):
    f = real_open(*args, **kwargs)
    opened.append(f)
    return f


builtins.open = tracking_open
tmp = tempfile.mkdtemp()
good = os.path.join(tmp, "good.csv")
with real_open(good, "w", encoding="utf-16") as f:
    f.write("email,first_name,last_name\nA@x.org,Ann,Lee\n")
assert importer.load_contacts(good) == [importer.Contact("a@x.org", "Ann", "Lee")]
tsv = os.path.join(tmp, "good.tsv")
with real_open(tsv, "w", encoding="utf-8") as f:
    f.write("email\tfirst_name\tlast_name\nb@x.org\tBo\tKim\n")
assert importer.load_contacts(tsv)[0].first_name == "Bo"

for name, text in (("cols.csv", "email,first_name\na@x.org,Ann\n"),
                   ("row.csv", "email,first_name,last_name\nnot-an-email,A,B\n")):
    bad = os.path.join(tmp, name)
    with real_open(bad, "w", encoding="utf-8") as f:
        f.write(text)
    opened.clear()
    try:
        importer.load_contacts(bad)
    except importer.ContactImportError:
        leaked = [f for f in opened if not f.closed]
        assert not leaked, f"{name}: file left open after a rejected import"
    else:
        raise AssertionError("bad file accepted")
builtins.open = real_open
if os.path.isdir(os.path.join(sys.argv[1], "tests")):
    import subprocess

    run = subprocess.run([sys.executable, "-m", "unittest", "discover", "-s", "tests"],
                         cwd=sys.argv[1], env=dict(os.environ, PYTHONPATH=sys.argv[1]),
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
print("ok")

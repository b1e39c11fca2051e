"""Runs registry/http.py against a stand-in for the urllib3 2.x API (no network)."""

import os
import sys
import tempfile
import textwrap

stub = tempfile.mkdtemp()
os.makedirs(os.path.join(stub, "urllib3", "util"))
with open(os.path.join(stub, "urllib3", "__init__.py"), "w") as f:
    f.write(textwrap.dedent("""
        __version__ = "2.2.1"
        class Timeout:
            def __init__(self, connect=None, read=None):
                self.connect, self.read = connect, read
        class HTTPResponse:
            def __init__(self, status, headers, data):
                self.status, self.headers, self.data = status, headers, data
        class PoolManager:
            responses = {}
            def __init__(self, retries=None, timeout=None, headers=None):
                self.retries, self.timeout, self.headers = retries, timeout, headers
            def request(self, method, url, headers=None):
                return self.responses[url]
    """))
with open(os.path.join(stub, "urllib3", "util", "__init__.py"), "w") as f:
    f.write("")
with open(os.path.join(stub, "urllib3", "util", "retry.py"), "w") as f:
    f.write(textwrap.dedent("""
        class Retry:
            def __init__(self, total=10, backoff_factor=0, status_forcelist=None,
                         allowed_methods=frozenset(), raise_on_status=True):
                self.total, self.allowed_methods = total, allowed_methods
                self.status_forcelist = status_forcelist
    """))
sys.path[:0] = [stub, sys.argv[1]]
import urllib3

from registry.http import RegistryError, fetch_manifest, make_pool

pool = make_pool(retries=5)
assert pool.retries.total == 5 and "PUT" in pool.retries.allowed_methods
assert "POST" not in pool.retries.allowed_methods
base = "https://reg.test"
urllib3.PoolManager.responses = {
    base + "/v2/app/manifests/1.0": urllib3.HTTPResponse(
        200, {"Content-Type": "application/json"}, b'{"layers": []}'),
    base + "/v2/app/manifests/html": urllib3.HTTPResponse(200, {}, b"<html>"),
    base + "/v2/app/manifests/gone": urllib3.HTTPResponse(404, {}, b""),
}
assert fetch_manifest(pool, base + "/", "app", "1.0") == {"layers": []}
for tag, status in (("html", 415), ("gone", 404)):
    try:
        fetch_manifest(pool, base, "app", tag)
    except RegistryError as exc:
        assert exc.status == status, (tag, exc.status)
    else:
        raise AssertionError(tag)
with open(os.path.join(sys.argv[1], "requirements.txt")) as f:
    assert "urllib3==2." in f.read()
print("ok")

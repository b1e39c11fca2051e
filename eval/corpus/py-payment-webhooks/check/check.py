import hashlib
import hmac
import sys

sys.path.insert(0, sys.argv[1])
from payments.webhooks import WebhookEndpoint

NOW = 1_700_000_000


def sign(body, secret="whsec", t=NOW):
    mac = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={t},v1={mac}"


seen = []
ep = WebhookEndpoint("whsec", clock=lambda: NOW + 10)
ep.on("charge.succeeded", seen.append)
body = b'{"type": "charge.succeeded", "id": "ch_1"}'
assert ep.receive(body, {"Payment-Signature": sign(body)}).status == 200
assert seen and seen[0]["id"] == "ch_1"
rotated = sign(body, "old") + "," + sign(body).split(",")[1]
assert ep.receive(body, {"payment-signature": rotated}).status == 200
bad = [
    {},
    {"Payment-Signature": sign(body, "other")},
    {"Payment-Signature": sign(body, t=NOW - 1000)},
    {"Payment-Signature": sign(body).replace("t=", "t=x")},
    {"Payment-Signature": "garbage"},
    {"Payment-Signature": "t=,v1="},
    {"Payment-Signature": "t=1700000000,v1=\u00e9\u00e9"},
    {"Payment-Signature": sign(body).replace("t=", "t=\u00b2")},
]
for headers in bad:
    assert ep.receive(body, headers).status == 401, headers
assert ep.receive(b'{"id": 1}' + b" " * 3, {"Payment-Signature": sign(body)}).status == 401
junk = b"\xff not json"
assert ep.receive(junk, {"Payment-Signature": sign(junk)}).status == 400
assert len(seen) == 2
print("ok")

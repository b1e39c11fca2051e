import sys

sys.path.insert(0, sys.argv[1])
from shipit.client import ApiClient

a = ApiClient("https://api.example.test", "token-a")
b = ApiClient("https://api.example.test/", "token-b")
r1 = a.build_request("POST", "/shipments", {"id": 1})
assert r1.get_header("Authorization") == "Bearer token-a"
assert r1.get_header("Content-type") == "application/json"
r2 = b.build_request("GET", "shipments", params={"page": "2"})
assert r2.get_header("Authorization") == "Bearer token-b", r2.get_header("Authorization")
assert r2.get_header("Content-type") is None, "GET request carries a JSON content type"
assert r2.full_url == "https://api.example.test/shipments?page=2"
r3 = a.build_request("GET", "/x", headers={"Accept": "text/csv"})
assert r3.get_header("Accept") == "text/csv"
assert r3.get_header("Authorization") == "Bearer token-a"
r4 = a.build_request("GET", "/y")
assert r4.get_header("Accept") == "application/json", r4.get_header("Accept")
print("ok")

import sys

sys.path.insert(0, sys.argv[1])
from auth.permissions import User, is_allowed

acct = User("a", ["accountant"])
assert is_allowed(acct, "get", "/invoices")
assert is_allowed(acct, "POST", "/invoices")
assert not is_allowed(acct, "POST", "/invoices/refund"), "refund without payments:write"
pay = User("p", ["accountant"], {"payments:write"})
assert is_allowed(pay, "POST", "/invoices/refund")
assert not is_allowed(User("s", ["support"]), "POST", "/invoices/refund")
assert is_allowed(User("o", ["owner"]), "POST", "/invoices/refund")
assert not is_allowed(User("v", ["viewer"]), "PATCH", "/customers")
assert not is_allowed(User("o", ["owner"]), "DELETE", "/nowhere")
print("ok")

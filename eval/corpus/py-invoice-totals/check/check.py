import sys
from decimal import Decimal

sys.path.insert(0, sys.argv[1])
from billing.invoice import Invoice, Line

inv = Invoice("INV-1", tax_rate=Decimal("0"))
inv.add(Line("A", "widget", 1000, quantity=3, discount_pct=Decimal("10")))
inv.add(Line("B", "gadget", 250, quantity=1))
assert inv.line_total(inv.lines[0]) == 2700, inv.line_total(inv.lines[0])
assert inv.subtotal == 2950, inv.subtotal
inv2 = Invoice("INV-2")
inv2.add(Line("C", "thing", 999, quantity=2, discount_pct=Decimal("50")))
assert inv2.subtotal == 999, inv2.subtotal
assert inv2.total == 999 + 200, inv2.total
try:
    Line("D", "bad", 100, discount_pct=Decimal("120"))
except ValueError:
    pass
else:
    raise AssertionError("discount over 100% accepted")
print("ok")

import sys

sys.path.insert(0, sys.argv[1])
from reports.money import format_amount, format_change, format_compact

cases = {
    0: ("$0.00", "$0"), 5: ("$0.05", "$0"), -5: ("($0.05)", "($0)"), 99: ("$0.99", "$0"),
    100: ("$1.00", "$1"), 99999: ("$999.99", "$999"), 100000: ("$1,000.00", "$1,000"),
    -123456789: ("($1,234,567.89)", "($1,234,567)"), 100000000000: ("$1,000,000,000.00",
                                                                     "$1,000,000,000"),
}
for cents, (amount, compact) in cases.items():
    assert format_amount(cents) == amount, (cents, format_amount(cents))
    assert format_compact(cents) == compact, (cents, format_compact(cents))
assert format_amount(123456, "EUR") == "\u20ac1,234.56"
assert format_amount(-100, "CHF") == "(CHF 1.00)"
assert format_change(250) == "+$2.50" and format_change(-250) == "-$2.50"
assert format_change(0) == "$0.00"
print("ok")

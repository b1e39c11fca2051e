import sys
from datetime import date

sys.path.insert(0, sys.argv[1])
from billing.periods import add_months, period_containing, prorate

assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
assert add_months(date(2023, 1, 31), 1) == date(2023, 2, 28)
assert add_months(date(2024, 3, 31), -1) == date(2024, 2, 29)
assert add_months(date(2024, 12, 15), 1) == date(2025, 1, 15)
assert add_months(date(2024, 1, 15), -13) == date(2022, 12, 15)
anchor = date(2024, 1, 31)
p = period_containing(anchor, date(2024, 2, 15))
assert (p.start, p.end) == (date(2024, 1, 31), date(2024, 2, 29)), p
p = period_containing(anchor, date(2024, 3, 30))
assert (p.start, p.end) == (date(2024, 2, 29), date(2024, 3, 31)), p
p = period_containing(anchor, date(2024, 3, 31))
assert (p.start, p.end) == (date(2024, 3, 31), date(2024, 4, 30)), p
assert prorate(3000, p, date(2024, 4, 15)) == 1500
print("ok")

import sys

sys.path.insert(0, sys.argv[1])
from checkout.shipping import order_shipping, rate_for

expected = {
    ("domestic", 1): 495, ("domestic", 500): 495, ("domestic", 501): 895,
    ("domestic", 2000): 895, ("domestic", 2001): 1495, ("domestic", 10000): 1495,
    ("domestic", 10001): 1615, ("domestic", 11000): 1615, ("domestic", 11001): 1735,
    ("eu", 500): 1250, ("eu", 501): 1990, ("eu", 10000): 3490, ("eu", 10001): 3740,
    ("eu", 25000): 3490 + 15 * 250, ("world", 500): 1990, ("world", 2000): 3450,
    ("world", 2001): 3930, ("world", 3000): 3930, ("world", 3001): 4410,
}
for (zone, grams), cents in expected.items():
    assert rate_for(grams, zone) == cents, (zone, grams, rate_for(grams, zone))
for bad in ((0, "eu"), (-5, "eu"), (100, "mars"), (100, "")):
    try:
        rate_for(*bad)
    except ValueError:
        pass
    else:
        raise AssertionError(bad)
assert order_shipping([400, 2500], "domestic", 5000, 4999) == 495 + 1495
assert order_shipping([400, 2500], "domestic", 5000, 5000) == 0
print("ok")

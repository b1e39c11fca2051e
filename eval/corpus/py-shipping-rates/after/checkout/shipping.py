"""Shipping cost by parcel weight and destination zone (prices in cents)."""

from __future__ import annotations

# zone -> (weight bands as (up to grams, price), price per started kg above the last band)
RATES: dict[str, tuple[tuple[tuple[int, int], ...], int]] = {
    "domestic": (((500, 495), (2000, 895), (10000, 1495)), 120),
    "eu": (((500, 1250), (2000, 1990), (10000, 3490)), 250),
    "world": (((500, 1990), (2000, 3450)), 480),
}


def rate_for(weight_grams: int, zone: str) -> int:
    if weight_grams <= 0:
        raise ValueError("weight must be positive")
    try:
        bands, per_kg = RATES[zone]
    except KeyError:
        raise ValueError(f"unknown zone {zone!r}") from None
    for up_to, price in bands:
        if weight_grams <= up_to:
            return price
    heaviest, price = bands[-1]
    started_kg = -(-(weight_grams - heaviest) // 1000)
    return price + started_kg * per_kg


def order_shipping(weights: list[int], zone: str, free_over_cents: int | None, subtotal: int) -> int:
    """All parcels of an order; free when the subtotal reaches the threshold."""
    if free_over_cents is not None and subtotal >= free_over_cents:
        return 0
    return sum(rate_for(w, zone) for w in weights)

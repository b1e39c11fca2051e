"""Shipping cost by parcel weight and destination zone (prices in cents)."""

from __future__ import annotations


def rate_for(weight_grams: int, zone: str) -> int:
    if weight_grams <= 0:
        raise ValueError("weight must be positive")
    if zone == "domestic":
        if weight_grams <= 500:
            return 495
        elif weight_grams <= 2000:
            return 895
        elif weight_grams <= 10000:
            return 1495
        else:
            return 1495 + ((weight_grams - 10000 + 999) // 1000) * 120
    elif zone == "eu":
        if weight_grams <= 500:
            return 1250
        elif weight_grams <= 2000:
            return 1990
        elif weight_grams <= 10000:
            return 3490
        else:
            return 3490 + ((weight_grams - 10000 + 999) // 1000) * 250
    elif zone == "world":
        if weight_grams <= 500:
            return 1990
        elif weight_grams <= 2000:
            return 3450
        else:
            return 3450 + ((weight_grams - 2000 + 999) // 1000) * 480
    else:
        raise ValueError(f"unknown zone {zone!r}")


def order_shipping(weights: list[int], zone: str, free_over_cents: int | None, subtotal: int) -> int:
    """All parcels of an order; free when the subtotal reaches the threshold."""
    if free_over_cents is not None and subtotal >= free_over_cents:
        return 0
    return sum(rate_for(w, zone) for w in weights)

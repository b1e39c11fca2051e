"""Display helpers for amounts in cents."""

from __future__ import annotations

SYMBOLS = {"EUR": "\u20ac", "USD": "$", "GBP": "\u00a3"}


def format_cents(cents: int, currency: str) -> str:
    sign = "-" if cents < 0 else ""
    whole, frac = divmod(abs(cents), 100)
    return f"{sign}{SYMBOLS.get(currency, currency + ' ')}{whole:,}.{frac:02d}"

"""Money formatting for the finance reports (accounting style: negatives in parentheses)."""

from __future__ import annotations

SYMBOLS = {"USD": "$", "EUR": "\u20ac", "GBP": "\u00a3", "JPY": "\u00a5"}


def _symbol(currency: str) -> str:
    return SYMBOLS.get(currency, currency + " ")


def format_amount(cents: int, currency: str = "USD") -> str:
    """1234567 -> '$12,345.67'; -5 -> '($0.05)'."""
    negative = cents < 0
    units, rest = divmod(abs(cents), 100)
    digits = str(units)
    groups = []
    while len(digits) > 3:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    groups.insert(0, digits)
    text = f"{_symbol(currency)}{','.join(groups)}.{rest:02d}"
    return f"({text})" if negative else text


def format_compact(cents: int, currency: str = "USD") -> str:
    """Whole units only, for chart labels: 1234599 -> '$12,345'."""
    negative = cents < 0
    units = abs(cents) // 100
    digits = str(units)
    groups = []
    while len(digits) > 3:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    groups.insert(0, digits)
    text = f"{_symbol(currency)}{','.join(groups)}"
    return f"({text})" if negative else text


def format_change(cents: int, currency: str = "USD") -> str:
    """Signed change against the previous period: '+$1.00', '-$2.50', '$0.00'."""
    if cents == 0:
        return format_amount(0, currency)
    sign = "+" if cents > 0 else "-"
    return sign + format_amount(abs(cents), currency)

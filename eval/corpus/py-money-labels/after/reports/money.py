"""Money formatting for the finance reports (accounting style: negatives in parentheses)."""

from __future__ import annotations

SYMBOLS = {"USD": "$", "EUR": "\u20ac", "GBP": "\u00a3", "JPY": "\u00a5"}


def _symbol(currency: str) -> str:
    return SYMBOLS.get(currency, currency + " ")


def _accounting(text: str, negative: bool) -> str:
    return f"({text})" if negative else text


def format_amount(cents: int, currency: str = "USD") -> str:
    """1234567 -> '$12,345.67'; -5 -> '($0.05)'."""
    units, rest = divmod(abs(cents), 100)
    return _accounting(f"{_symbol(currency)}{units:,}.{rest:02d}", cents < 0)


def format_compact(cents: int, currency: str = "USD") -> str:
    """Whole units only, for chart labels: 1234599 -> '$12,345'."""
    units = abs(cents) // 100
    return _accounting(f"{_symbol(currency)}{units:,}", cents < 0)


def format_change(cents: int, currency: str = "USD") -> str:
    """Signed change against the previous period: '+$1.00', '-$2.50', '$0.00'."""
    if cents == 0:
        return format_amount(0, currency)
    sign = "+" if cents > 0 else "-"
    return sign + format_amount(abs(cents), currency)

"""Invoice arithmetic. All amounts are integer cents."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal


@dataclass(frozen=True)
class Line:
    sku: str
    description: str
    unit_cents: int
    quantity: int = 1
    discount_pct: Decimal = Decimal(0)

    def __post_init__(self) -> None:
        if self.quantity < 1:
            raise ValueError(f"{self.sku}: quantity must be at least 1")
        if self.unit_cents < 0:
            raise ValueError(f"{self.sku}: negative unit price")
        if not Decimal(0) <= self.discount_pct <= Decimal(100):
            raise ValueError(f"{self.sku}: discount must be between 0 and 100 percent")


def _round_cents(value: Decimal) -> int:
    return int(value.quantize(Decimal("1"), rounding=ROUND_HALF_UP))


@dataclass
class Invoice:
    number: str
    currency: str = "EUR"
    tax_rate: Decimal = Decimal("0.20")
    lines: list[Line] = field(default_factory=list)

    def add(self, line: Line) -> None:
        self.lines.append(line)

    def line_total(self, line: Line) -> int:
        gross = line.unit_cents * line.quantity
        discount = _round_cents(Decimal(line.unit_cents) * line.discount_pct / 100)
        return gross - discount

    @property
    def subtotal(self) -> int:
        return sum(self.line_total(line) for line in self.lines)

    @property
    def tax(self) -> int:
        return _round_cents(Decimal(self.subtotal) * self.tax_rate)

    @property
    def total(self) -> int:
        return self.subtotal + self.tax

    def summary(self) -> dict[str, object]:
        return {
            "number": self.number,
            "currency": self.currency,
            "lines": [
                {
                    "sku": line.sku,
                    "quantity": line.quantity,
                    "discount_pct": str(line.discount_pct),
                    "total": self.line_total(line),
                }
                for line in self.lines
            ],
            "subtotal": self.subtotal,
            "tax": self.tax,
            "total": self.total,
        }

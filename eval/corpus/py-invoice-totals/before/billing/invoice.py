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

    def __post_init__(self) -> None:
        if self.quantity < 1:
            raise ValueError(f"{self.sku}: quantity must be at least 1")
        if self.unit_cents < 0:
            raise ValueError(f"{self.sku}: negative unit price")


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
        return line.unit_cents * line.quantity

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
                {"sku": line.sku, "quantity": line.quantity, "total": self.line_total(line)}
                for line in self.lines
            ],
            "subtotal": self.subtotal,
            "tax": self.tax,
            "total": self.total,
        }

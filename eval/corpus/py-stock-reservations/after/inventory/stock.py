"""Stock levels and reservations for the warehouse service."""

from __future__ import annotations

from dataclasses import dataclass


class OutOfStock(Exception):
    pass


@dataclass
class StockItem:
    sku: str
    on_hand: int = 0
    reserved: int = 0

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


class Inventory:
    def __init__(self) -> None:
        self._items: dict[str, StockItem] = {}

    def _positive(self, qty: int) -> None:
        if qty <= 0:
            raise ValueError("quantity must be positive")

    def receive(self, sku: str, qty: int) -> None:
        self._positive(qty)
        self._items.setdefault(sku, StockItem(sku)).on_hand += qty

    def available(self, sku: str) -> int:
        item = self._items.get(sku)
        return item.available if item else 0

    def reserve(self, sku: str, qty: int) -> None:
        self._positive(qty)
        item = self._items.get(sku)
        if item is None or item.available < qty:
            raise OutOfStock(f"{sku}: {qty} requested, {self.available(sku)} available")
        item.reserved += qty

    def release(self, sku: str, qty: int) -> None:
        self._positive(qty)
        item = self._items.get(sku)
        if item is None or qty > item.reserved:
            raise ValueError(f"{sku}: cannot release more than is reserved")
        item.reserved -= qty

    def ship(self, sku: str, qty: int) -> None:
        """Ship reserved units: they leave both the reservation and the shelf."""
        self._positive(qty)
        item = self._items.get(sku)
        if item is None or qty > item.reserved:
            raise ValueError(f"{sku}: cannot ship units that are not reserved")
        item.reserved -= qty
        item.on_hand -= qty

import unittest

from inventory.stock import Inventory, OutOfStock


class ReservationTest(unittest.TestCase):
    def setUp(self) -> None:
        self.inv = Inventory()
        self.inv.receive("mug", 10)

    def test_reserve_reduces_available(self) -> None:
        self.inv.reserve("mug", 4)
        self.assertEqual(self.inv.available("mug"), 6)

    def test_cannot_reserve_more_than_available(self) -> None:
        self.inv.reserve("mug", 8)
        with self.assertRaises(OutOfStock):
            self.inv.reserve("mug", 3)
        self.assertEqual(self.inv.available("mug"), 2)

    def test_unknown_sku(self) -> None:
        self.assertEqual(self.inv.available("plate"), 0)
        with self.assertRaises(OutOfStock):
            self.inv.reserve("plate", 1)

    def test_release_and_ship(self) -> None:
        self.inv.reserve("mug", 5)
        self.inv.release("mug", 2)
        self.inv.ship("mug", 3)
        self.assertEqual(self.inv.available("mug"), 7)
        with self.assertRaises(ValueError):
            self.inv.ship("mug", 1)

    def test_quantities_must_be_positive(self) -> None:
        for action in (self.inv.receive, self.inv.reserve, self.inv.release):
            with self.assertRaises(ValueError):
                action("mug", 0)

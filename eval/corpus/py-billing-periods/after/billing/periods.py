"""Monthly subscription periods, anchored on the day the subscription started."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date


def add_months(day: date, months: int) -> date:
    """The same day of the month ``months`` later (negative goes back), or the
    last day of that month when it is shorter."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # exclusive

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day < self.end

    @property
    def days(self) -> int:
        return (self.end - self.start).days


def period_containing(anchor: date, day: date) -> Period:
    """The billing period of a subscription started on ``anchor`` that contains ``day``.

    Periods are computed from the anchor each time, so a subscription started on
    the 31st bills on the last day of shorter months and on the 31st again after.
    """
    if day < anchor:
        raise ValueError("day is before the subscription started")
    months = (day.year - anchor.year) * 12 + day.month - anchor.month
    start = add_months(anchor, months)
    if start > day:
        months -= 1
        start = add_months(anchor, months)
    return Period(start, add_months(anchor, months + 1))


def prorate(amount_cents: int, period: Period, used_from: date) -> int:
    """The part of ``amount_cents`` for the days of ``period`` from ``used_from`` on."""
    if used_from not in period:
        raise ValueError("used_from is outside the period")
    remaining = (period.end - used_from).days
    return amount_cents * remaining // period.days

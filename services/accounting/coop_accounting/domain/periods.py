"""Accounting periods: calendar months, open unless closed (docs/domain/accounting.md
"Periods"). A closed month takes no entry; a fact dated in it is booked in the first open
month after it, with its own date kept on the entry."""

from __future__ import annotations

import re
from datetime import date

from coop_shared.dates import PERIOD_PATTERN

PERIOD = re.compile(PERIOD_PATTERN)  # a month of this century (coop_shared.dates)


def period_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def next_period(period: str) -> str:
    year, month = int(period[:4]), int(period[5:])
    return f"{year + month // 12:04d}-{month % 12 + 1:02d}"


def first_day(period: str) -> date:
    return date(int(period[:4]), int(period[5:]), 1)


def booking_period(day: date, closed: set[str]) -> str:
    """The month `day` is booked in: its own, else the first open one after it."""
    period = period_of(day)
    while period in closed:
        period = next_period(period)
    return period


def booking_date(day: date, period: str) -> date:
    """The entry's date in its booking period: the document's own date, or the first day of
    the later open month it had to move to."""
    return day if period_of(day) == period else first_day(period)

"""Late-payment interest and indemnity (law of 2 August 2002; docs/domain/late-payment.md).

Rates are dated data: each row applies from `valid_from` until the next row. B2B: ECB rate
+ 8 points, rounded up to the next half point, published each half-year; B2C and public
law: the legal interest rate of the year.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from coop_shared.money import Money


@dataclass(frozen=True)
class RateRow:
    valid_from: date
    annual_rate: Decimal
    source: str
    certain: bool = True


B2B_RATES = (
    RateRow(date(2025, 1, 1), Decimal("0.1050"), "S-mondaq; S-embuild (H1/H2 2025)"),
    RateRow(date(2026, 1, 1), Decimal("0.1050"), "S-embuild; S-webwin-2026 (H1 2026)"),
    # H2 2026 not yet verified against the FPS Finance notice: H1 carried over, flagged.
    RateRow(date(2026, 7, 1), Decimal("0.1050"), "carried over from H1 2026, unverified", certain=False),
)
LEGAL_RATES = (RateRow(date(2026, 1, 1), Decimal("0.045"), "S-embuild; S-webwin-2026 (legal rate 2026)"),)
B2B_INDEMNITY = Money(Decimal("40.00"))  # flat recovery-cost indemnity per invoice (B2B)

REMINDER_LEVELS = ((1, 1), (2, 15))  # (level, days after the due date)


def rate_on(rows, on: date) -> RateRow:
    applicable = [row for row in rows if row.valid_from <= on]
    return applicable[-1] if applicable else rows[0]


@dataclass(frozen=True)
class LateTerms:
    days_late: int
    annual_rate: Decimal
    interest: Money
    indemnity: Money
    rate_source: str
    rate_certain: bool


def late_terms(amount_due: Money, due_date: date, on: date, business_customer: bool) -> LateTerms:
    """Simple interest on the amount due, per day late over a 365-day year, rounded to the cent."""
    days = max((on - due_date).days, 0)
    row = rate_on(B2B_RATES if business_customer else LEGAL_RATES, on)
    interest = amount_due.times(row.annual_rate * days / Decimal(365))
    indemnity = B2B_INDEMNITY if business_customer else Money.zero()
    return LateTerms(days, row.annual_rate, interest, indemnity, row.source, row.certain)


def due_levels(due_date: date, on: date) -> list[int]:
    """Reminder levels reached on `on`: 1 the day after the due date, 2 fifteen days after."""
    return [level for level, days in REMINDER_LEVELS if (on - due_date).days >= days]

"""A payroll run: a cooperative's payslips of one month, prepared as a draft, then closed once."""

from __future__ import annotations

import calendar
from datetime import date
from decimal import Decimal
from enum import StrEnum

# A cooperative's directors' social insurance fund fee until it sets its own (the lowest fee,
# 3.05 % to 4.25 %: docs/domain/payroll-directors.md).
DEFAULT_SOCIAL_FUND_FEE_RATE = Decimal("0.0305")


class RunStatus(StrEnum):
    """Values are the strings stored in `payroll_runs.status` and returned on the wire."""

    DRAFT = "draft"  # payslips may still be discarded: nothing is paid or debited
    CLOSED = "closed"  # payslips are final: billing debits them, the bank file may be exported


def period_days(period: str) -> tuple[date, date]:
    """The first and last day of a 'YYYY-MM' period."""
    year, month = (int(x) for x in period.split("-"))
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])

"""What was invoiced and what was received, month by month: the figures of the console's chart
(the staff roles; a member reads their own activity account instead)."""

from __future__ import annotations

from datetime import date

from coop_shared.credentials import AUDITOR, OPERATORS, acting_cooperative, require_role
from coop_shared.errors import ValidationError
from coop_shared.money import Money

MAX_MONTHS = 60


def periods(from_period: str, to_period: str) -> list[str]:
    """Every `YYYY-MM` from `from_period` to `to_period`, both included."""
    year, month = (int(p) for p in from_period.split("-"))
    out = []
    while f"{year:04d}-{month:02d}" <= to_period:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def _month_after(period: str) -> date:
    year, month = (int(p) for p in period.split("-"))
    return date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)


def monthly_totals(uow, identity, data: dict) -> dict:
    """{"items": [{"period", "invoiced_incl_vat", "received"}], "total"}, one item per month of
    the range, oldest first, months without anything included (at zero). `invoiced_incl_vat`:
    the invoices issued that month (by issue date), VAT included, less the credit notes issued
    that month; `received`: the payments recorded with a value date in that month, matched or
    not."""
    require_role(identity, *OPERATORS, AUDITOR)
    months = periods(data["from_period"], data["to_period"])
    if not months:
        raise ValidationError(fields={"to_period": ["The range ends before it starts."]})
    if len(months) > MAX_MONTHS:
        raise ValidationError(fields={"to_period": [f"At most {MAX_MONTHS} months at once."]})
    start = date.fromisoformat(months[0] + "-01")
    end = _month_after(months[-1])
    invoiced, received = uow.repo.monthly_figures(acting_cooperative(identity), start, end)
    items = [
        {
            "period": period,
            "invoiced_incl_vat": str(invoiced.get(period, Money.zero())),
            "received": str(received.get(period, Money.zero())),
        }
        for period in months
    ]
    return {"items": items, "total": len(items)}

"""Company directors' provisional social contributions, paid by the quarter.

Each month's remuneration statement withholds a third of the quarter's provisional contribution
(the status model `be_director` computes it, `PayResult.payments` names the fund's share) and
the activity is debited with it through the statement's total cost, as it accrues. The fund is
paid once per quarter: when the run of the quarter's last month closes, every fund share of the
cooperative's closed statements not yet paid becomes one payment per director and quarter, in
that run's SEPA file. Due by the quarter's last day: 31 March, 30 June, 30 September,
31 December (social status of the self-employed, Royal Decree n° 38 of 27 July 1967;
docs/domain/payroll-directors.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from coop_shared.money import Money

SOCIAL_INSURANCE_FUND = "social_insurance_fund"  # the `to` of a model's payment to the fund
QUARTER_END_MONTHS = (3, 6, 9, 12)
QUARTER_DUE = {1: (3, 31), 2: (6, 30), 3: (9, 30), 4: (12, 31)}


def quarter_of(period: str) -> str:
    """'2026-05' -> '2026-Q2'."""
    year, month = (int(x) for x in period.split("-"))
    return f"{year}-Q{(month - 1) // 3 + 1}"


def closes_quarter(period: str) -> bool:
    """A run of March, June, September or December closes its quarter."""
    return int(period.split("-")[1]) in QUARTER_END_MONTHS


def due_date(quarter: str) -> date:
    """The last day to pay a quarter's provisional contributions."""
    year, number = quarter.split("-Q")
    month, day = QUARTER_DUE[int(number)]
    return date(int(year), month, day)


def structured_reference(text: str | None) -> str | None:
    """The 12 digits of a Belgian structured communication, checked (the last two are the
    first ten modulo 97, 97 for 0); None when absent or wrong, never a guess."""
    if not text:
        return None
    digits = "".join(c for c in text if c.isdigit())
    if len(digits) != 12:
        return None
    check = int(digits[:10]) % 97 or 97
    return digits if check == int(digits[10:]) else None


@dataclass(frozen=True)
class FundShare:
    """One closed statement's monthly third for the fund."""

    payslip_id: str
    member_id: str
    member_name: str
    period: str
    amount: Money
    reference: str | None


@dataclass(frozen=True)
class QuarterPayment:
    member_id: str
    member_name: str
    quarter: str
    due_date: date
    amount: Money
    reference: str | None
    payslip_ids: tuple[str, ...]


def fund_share(payslip_id: str, member_id: str, member_name: str, period: str, payments, parameters):
    """The fund's share of a statement (its `payments` as stored), or None when it has none
    (the director pays the fund directly, or another status model)."""
    amounts = [Money.of(p["amount"]) for p in payments if p["to"] == SOCIAL_INSURANCE_FUND]
    if not amounts:
        return None
    reference = structured_reference((parameters or {}).get("social_fund_reference"))
    return FundShare(payslip_id, member_id, member_name, period, sum(amounts, Money.zero()), reference)


def quarter_payments(shares: Iterable[FundShare], already_paid: set[str]) -> list[QuarterPayment]:
    """The shares not paid yet, one payment per director and quarter of the statements, in
    member then quarter order; a late statement of an earlier quarter is paid with this one."""
    grouped: dict[tuple[str, str], list[FundShare]] = {}
    for share in shares:
        if share.payslip_id not in already_paid:
            grouped.setdefault((share.member_id, quarter_of(share.period)), []).append(share)
    payments = []
    for (member_id, quarter), items in sorted(grouped.items()):
        items.sort(key=lambda s: s.period)
        payments.append(
            QuarterPayment(
                member_id,
                items[-1].member_name,
                quarter,
                due_date(quarter),
                sum((s.amount for s in items), Money.zero()),
                next((s.reference for s in reversed(items) if s.reference), None),
                tuple(s.payslip_id for s in items),
            )
        )
    return payments

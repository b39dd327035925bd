"""How a payment meets an invoice: how much of it settles the invoice, what is left over."""

from __future__ import annotations

from dataclasses import dataclass

from coop_shared.money import Money

ISSUED, PARTIALLY_PAID, PAID, CREDITED = "issued", "partially_paid", "paid", "credited"


@dataclass(frozen=True)
class Allocation:
    applied: Money  # settles the invoice
    remainder: Money  # overpayment, kept as an unmatched remainder for staff


def allocate(amount: Money, amount_due: Money) -> Allocation:
    applied = min(amount, max(amount_due, Money.zero()))
    return Allocation(applied, amount - applied)


def invoice_status(total_incl_vat: Money, paid: Money, credited: Money) -> str:
    """issued → partially_paid → paid; credited when credit notes cover what is still due."""
    due = total_incl_vat - paid - credited
    if due.amount > 0:
        return PARTIALLY_PAID if paid.amount > 0 else ISSUED
    if credited.amount > 0 and paid < total_incl_vat:
        return CREDITED
    return PAID

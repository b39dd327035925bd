"""How a payment meets an invoice: how much of it settles the invoice, what is left over."""

from __future__ import annotations

from dataclasses import dataclass

from coop_billing.domain.receivables import invoice_status
from coop_shared.money import Money

__all__ = ["Allocation", "allocate", "invoice_status"]

# `invoice_status` is the receivable rule (receivables.py), re-exported for callers of this module.


@dataclass(frozen=True)
class Allocation:
    applied: Money  # settles the invoice
    remainder: Money  # overpayment, kept as an unmatched remainder for staff


def allocate(amount: Money, amount_due: Money) -> Allocation:
    applied = min(amount, max(amount_due, Money.zero()))
    return Allocation(applied, amount - applied)

"""What a customer still owes on an invoice, and the status that follows from it: the one rule
behind payments, statement matching, overdue reminders and every invoice shown.

The amount due is the total including VAT less what was paid and what credit notes took back,
never below zero (an overpayment is kept on the payment as an unmatched remainder, not as a
negative debt).
"""

from __future__ import annotations

from dataclasses import dataclass

from coop_billing.domain.states import InvoiceStatus
from coop_shared.money import Money


@dataclass(frozen=True)
class Receivable:
    """One invoice's money: its total including VAT, what was paid, what was credited."""

    total_incl_vat: Money
    paid: Money
    credited: Money

    @property
    def amount_due(self) -> Money:
        return max(self.total_incl_vat - self.paid - self.credited, Money.zero())

    @property
    def status(self) -> InvoiceStatus:
        """issued → partially_paid → paid; credited when credit notes cover what is still due."""
        if self.amount_due > Money.zero():
            return InvoiceStatus.PARTIALLY_PAID if self.paid > Money.zero() else InvoiceStatus.ISSUED
        if self.credited > Money.zero() and self.paid < self.total_incl_vat:
            return InvoiceStatus.CREDITED
        return InvoiceStatus.PAID


def invoice_status(total_incl_vat: Money, paid: Money, credited: Money) -> InvoiceStatus:
    """The status of an issued invoice with these figures (`Receivable.status`)."""
    return Receivable(total_incl_vat, paid, credited).status

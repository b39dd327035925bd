"""What a transaction booking many payments at once (a bank statement import) keeps in memory
instead of reading it again for each payment (issue 18): each invoice's receivable and revenue
booked so far, each activity account's running balance. Read once per invoice and per account,
updated as each payment is applied, written once at the end: a statement's cost grows with
its own movements only, and no query runs between two movements, so their rows are inserted
in batches.

Every figure is the one the single-payment path (`record_payment` alone) would read back from
the database at that moment, because this transaction holds the invoices and the balance rows
locked: no other transaction can change them until it commits.
"""

from __future__ import annotations

from coop_billing.domain.receivables import Receivable
from coop_shared.money import Money


class RunningFigures:
    def __init__(self, uow, cooperative_id: str):
        self.uow, self.cooperative_id = uow, cooperative_id
        self._receivables: dict[str, Receivable] = {}
        self._revenue: dict[str, Money] = {}
        self._balances: dict[str, Money] = {}
        self._changes: dict[str, Money] = {}

    def preload(self, invoice_ids, accounts) -> None:
        """Read the figures of these invoices set-wise and lock these balance rows (in account
        order, as `BillingRepository.add_to_balances` does, so imports never deadlock)."""
        ids = [i for i in dict.fromkeys(invoice_ids) if i not in self._receivables]
        for start in range(0, len(ids), 1000):
            chunk = ids[start : start + 1000]
            self._receivables.update(self.uow.repo.receivables(chunk))
            self._revenue.update(self.uow.repo.revenues_booked(chunk))
        self._lock([a for a in sorted(set(accounts)) if a not in self._balances])

    def _lock(self, accounts) -> None:
        if accounts:
            self._balances.update(
                self.uow.repo.add_to_balances(self.cooperative_id, {a: Money.zero() for a in accounts})
            )

    def receivable(self, invoice) -> Receivable:
        if invoice.id not in self._receivables:
            self.preload([invoice.id], [])
        return self._receivables[invoice.id]

    def revenue_booked(self, invoice) -> Money:
        if invoice.id not in self._revenue:
            self.preload([invoice.id], [])
        return self._revenue.get(invoice.id, Money.zero())

    def applied(self, invoice, receivable: Receivable, revenue: Money) -> None:
        """A payment was applied: the invoice's receivable after it, the revenue it booked."""
        self._receivables[invoice.id] = receivable
        self._revenue[invoice.id] = self.revenue_booked(invoice) + revenue

    def add_to_balances(self, changes: dict[str, Money]) -> dict[str, Money]:
        """The running balances after these changes; written by `write` at the end."""
        self._lock([a for a in sorted(changes) if a not in self._balances])
        for account, change in changes.items():
            self._balances[account] += change
            self._changes[account] = self._changes.get(account, Money.zero()) + change
        return {account: self._balances[account] for account in changes}

    def write(self) -> None:
        """Add what moved on each account to its stored running balance, once per account."""
        changes, self._changes = self._changes, {}
        if changes:
            self.uow.repo.add_to_balances(self.cooperative_id, changes)

"""The credits of one bank statement booked in chunks (issue 18): what `record_payment` and
`apply_payment` (handlers/payments.py) book for one payment, for a thousand movements at a
time, with the rows written by SQLAlchemy Core in one multi-row INSERT per table and chunk
instead of one ORM object and its flush per movement.

What is booked is the same, row for row and event for event: the payment (its bank reference
unique per cooperative: a reference booked before, or met again in the file, is a duplicate
booking nothing), its allocation, the balanced ledger transaction of the allocation with its
five postings, the events `activity_account_changed`, `payment_received` and
`payment_unmatched` in that order, the invoice's status, the known payers, and the running
balance of each activity account (orm.LedgerBalance), locked at its first use and written
once at the end. Every row and its events are in the import's one transaction (the outbox).

The figures are kept as `Decimal` amounts already rounded to the cent: the sums and
differences of such amounts are exact, and the two products (the revenue share, the
contribution) are rounded as `Money.times` rounds them, in the same order of operations, so
every cent is the one `ledger.revenue_share` and `ledger.contribution_on` would give
(tests/unit/test_statement_booking.py compares them).

The events carry what views.activity_account_changed_event, payment_received_event and
payment_unmatched_event put in them, built here from the rows' values without ORM objects.

Memory stays bounded by a chunk: its rows are inserted, then dropped; only the answer's lines,
the references of the file and one figure per invoice and account are kept to the end.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from coop_billing.domain import ledger, structured_communication
from coop_billing.domain.states import OPEN, InvoiceStatus, MatchOutcome
from coop_billing.handlers.payments import _settles, contribution_rate
from coop_billing.orm import LedgerPosting, LedgerTransaction, Payment, PaymentAllocation
from coop_billing.views import statement_line_out
from coop_shared import audit
from coop_shared.money import Money, round_cent
from coop_shared.storage.types import new_id

# Movements booked per chunk: one multi-row INSERT per table and chunk, one query for the
# chunk's bank references booked before.
CHUNK = 1000
ZERO = Decimal("0.00")
SOURCE = "payment_allocation"


def _now() -> datetime:
    return datetime.now(UTC)


def share(total_excl_vat: Decimal, total_incl_vat: Decimal, paid: Decimal) -> Decimal:
    """`ledger.revenue_share`'s share of `paid`: total_excl_vat.times(paid / total_incl_vat)."""
    return round_cent(total_excl_vat * (paid / total_incl_vat))


def revenue_share(total_excl_vat: Decimal, total_incl_vat: Decimal, before: Decimal, now: Decimal) -> Decimal:
    """`ledger.revenue_share` on cent-rounded Decimals."""
    if total_incl_vat == 0:
        return ZERO
    return share(total_excl_vat, total_incl_vat, before + now) - share(total_excl_vat, total_incl_vat, before)


def contribution_on(before: Decimal, now: Decimal, rate) -> Decimal:
    """`ledger.contribution_on` on cent-rounded Decimals (a rate of None fails as there)."""
    factor = Decimal(rate)
    return round_cent((before + now) * factor) - round_cent(before * factor)


class _Invoice:
    """What the import knows of one invoice: its receivable and the revenue booked so far."""

    __slots__ = ("row", "total", "excl", "paid", "credited", "revenue")

    def __init__(self, row, receivable, revenue):
        self.row = row
        self.total = receivable.total_incl_vat.amount
        self.excl = row.total_excl_vat.amount
        self.paid = receivable.paid.amount
        self.credited = receivable.credited.amount
        self.revenue = revenue.amount

    @property
    def due(self) -> Decimal:
        due = self.total - self.paid - self.credited
        return due if due > 0 else ZERO

    def status(self) -> InvoiceStatus:
        """`Receivable.status` of these figures (domain/receivables.py)."""
        if self.total - self.paid - self.credited > 0:
            return InvoiceStatus.PARTIALLY_PAID if self.paid > 0 else InvoiceStatus.ISSUED
        if self.credited > 0 and self.paid < self.total:
            return InvoiceStatus.CREDITED
        return InvoiceStatus.PAID


class StatementBooking:
    """The credits of one statement, booked chunk by chunk (`book`), then `finish`."""

    def __init__(self, uow, identity, cooperative_id: str, members, invoices: dict, payers):
        self.uow, self.repo = uow, uow.repo
        self.identity, self.cooperative_id, self.members = identity, cooperative_id, members
        self.cooperative = identity.cooperative
        self.created_by = audit.actor(identity)  # the trail (coop_shared.audit)
        self.by_communication = invoices  # {structured communication: Invoice}, locked
        self.payers = payers  # statements._Payers
        self.invoices: dict[str, _Invoice] = {}
        self.balances: dict[str, Decimal] = {}
        self.changes: dict[str, Decimal] = {}
        self.locked: set[str] = {invoice.id for invoice in invoices.values()}
        self.open_of_customer: dict[str, list] = {}
        self.displays: dict[str, str] = {}
        self.checked: dict[str, str | None] = {}
        self._preload(list(invoices.values()))
        self._lock(
            sorted({ledger.activity_account(i.activity_id) for i in invoices.values() if i.activity_id})
        )

    # figures

    def _preload(self, rows) -> None:
        rows = [row for row in dict.fromkeys(rows) if row.id not in self.invoices]
        for start in range(0, len(rows), 1000):
            chunk = rows[start : start + 1000]
            ids = [row.id for row in chunk]
            receivables = self.repo.receivables(ids)
            revenues = self.repo.revenues_booked(ids)
            for row in chunk:
                self.invoices[row.id] = _Invoice(row, receivables[row.id], revenues.get(row.id, Money.zero()))

    def _lock(self, accounts) -> None:
        """Lock these balance rows (in account order, as `add_to_balances` does) and read them."""
        accounts = [a for a in accounts if a not in self.balances]
        if accounts:
            found = self.repo.add_to_balances(self.cooperative_id, {a: Money.zero() for a in accounts})
            for account, balance in found.items():
                self.balances[account] = balance.amount

    def finish(self) -> None:
        """Add what moved on each account to its stored running balance, once per account."""
        if self.changes:
            self.repo.add_to_balances(self.cooperative_id, {a: Money(c) for a, c in self.changes.items()})
            self.changes = {}

    # matching (statements' module docstring: rule 1, else rule 2)

    def _invoice_of(self, movement, payload):
        if movement.structured_communication in self.by_communication:
            return self.by_communication[movement.structured_communication]
        customers = self.payers.customers.get(payload["counterparty_iban"])
        if not customers:
            return None
        return self._exact_open_invoice(sorted(customers), payload["amount"])

    def _exact_open_invoice(self, customers: list[str], amount: Decimal):
        """The one open invoice of these customers whose amount due is exactly `amount`; None
        when there is none or more than one. Each customer's open invoices are read once per
        import (with their figures), then followed in memory as payments are applied."""
        missing = [c for c in customers if c not in self.open_of_customer]
        if missing:
            rows = self.repo.open_invoices_of_customers(self.cooperative_id, missing)
            for customer in missing:
                self.open_of_customer[customer] = []
            for row in rows:
                self.open_of_customer[row.customer_id].append(row)
            self._preload(rows)
        exact = [
            row
            for customer in customers
            for row in self.open_of_customer[customer]
            if row.status in OPEN and self.invoices[row.id].due == amount
        ]
        if len(exact) != 1:
            return None
        invoice = exact[0]
        if invoice.id not in self.locked:
            invoice = self.repo.invoice(self.cooperative_id, invoice.id, for_update=True)
            self.locked.add(invoice.id)
        return invoice

    # booking

    def book(self, credits: list[tuple], lines: list[dict], counts: dict) -> None:
        """Book one chunk of (movement, payload): rows inserted at its end, a line each."""
        booked = self.repo.booked_payments(self.cooperative_id, [p["bank_reference"] for _, p in credits])
        pending: dict[str, tuple] = {}  # this chunk's new payments: reference -> (id, OGM, invoice id)
        payments, allocations, transactions, postings = [], [], [], []
        emit, cooperative_id, cooperative = self.uow.emit, self.cooperative_id, self.cooperative
        for movement, payload in credits:
            reference = payload["bank_reference"]
            amount = payload["amount"]
            known = booked.get(reference) or pending.get(reference)
            if known is not None:
                payment_id, digits, invoice_id = known
                status = MatchOutcome.DUPLICATE
            else:
                invoice = self._invoice_of(movement, payload)
                if invoice is not None:
                    _settles(invoice)
                payment_id = new_id()
                digits = self._normalise(payload)
                created_at = _now()
                payments.append(
                    {
                        "id": payment_id,
                        "cooperative_id": cooperative_id,
                        "amount": amount,
                        "value_date": payload["value_date"],
                        "bank_reference": reference,
                        "communication": payload.get("communication"),
                        "structured_communication": digits,
                        "counterparty_name": payload.get("counterparty_name"),
                        "counterparty_iban": payload.get("counterparty_iban"),
                        "created_at": created_at,
                        "created_by": self.created_by,
                    }
                )
                applied, invoice_id = ZERO, None
                if invoice is not None:
                    applied = self._apply(
                        payment_id, payload, invoice, amount, created_at, allocations, transactions, postings
                    )
                    if applied > 0:
                        invoice_id = invoice.id
                remainder = amount - applied
                if remainder > 0:
                    emit(
                        "payment_unmatched",
                        cooperative_id,
                        cooperative,
                        {
                            "payment_id": payment_id,
                            "amount": f"{amount:.2f}",
                            "unallocated": f"{remainder:.2f}",
                            "bank_reference": reference,
                            "counterparty_name": payload.get("counterparty_name"),
                            "communication": payload.get("communication"),
                        },
                    )
                pending[reference] = (payment_id, digits, invoice_id)
                status = MatchOutcome.MATCHED if applied > 0 else MatchOutcome.UNMATCHED
            counts[_COUNTERS.get(status, "unmatched")] += 1
            outcome = {
                "status": status,
                "payment_id": payment_id,
                "invoice_id": invoice_id,
                "structured_communication": self._display(digits),
            }
            lines.append(statement_line_out(movement, amount, outcome))
        self.repo.insert_rows(Payment, payments)
        self.repo.insert_rows(PaymentAllocation, allocations)
        self.repo.insert_rows(LedgerTransaction, transactions)
        self.repo.insert_rows(LedgerPosting, postings)

    def _apply(
        self, payment_id, payload, invoice, available, created_at, allocations, transactions, postings
    ):
        """`apply_payment` of one new payment: what it applied (zero: nothing booked)."""
        figures = self.invoices.get(invoice.id)
        if figures is None:
            self._preload([invoice])
            figures = self.invoices[invoice.id]
        value_date = payload["value_date"]
        rate, rate_label = contribution_rate(invoice, value_date, self.members)
        due = figures.due
        applied = available if available <= due else due
        if applied == 0:
            return ZERO
        revenue = revenue_share(figures.excl, figures.total, figures.paid, applied)
        contribution = contribution_on(figures.revenue, revenue, rate)
        figures.paid += applied
        figures.revenue += revenue
        allocation_id = new_id()
        allocations.append(
            {
                "id": allocation_id,
                "payment_id": payment_id,
                "invoice_id": invoice.id,
                "amount": applied,
                "revenue": revenue,
                "contribution": contribution,
                "created_at": created_at,
            }
        )
        iban = payload.get("counterparty_iban")
        if iban:
            self.payers.add((iban, invoice.customer_id))
        # handlers/ledger.py `book` of ledger.payment_received, fresh: the allocation is new
        cooperative_id, activity_id = invoice.cooperative_id, invoice.activity_id
        account = ledger.activity_account(activity_id)
        reference = " · ".join(
            part for part in (invoice.number, payload["bank_reference"], rate_label) if part
        )
        transaction_id = new_id()
        transactions.append(
            {
                "id": transaction_id,
                "cooperative_id": cooperative_id,
                "entry_date": value_date,
                "source": SOURCE,
                "source_id": allocation_id,
                "reference": reference,
                "created_at": created_at,
                "created_by": self.created_by,
            }
        )
        for posting_account, amount, kind in (
            (ledger.BANK, -applied, ledger.REVENUE),
            (account, revenue, ledger.REVENUE),
            (ledger.VAT_COLLECTED, applied - revenue, ledger.REVENUE),
            (account, -contribution, ledger.CONTRIBUTION),
            (ledger.CONTRIBUTIONS, contribution, ledger.CONTRIBUTION),
        ):
            postings.append(
                {
                    "transaction_id": transaction_id,
                    "cooperative_id": cooperative_id,
                    "account": posting_account,
                    "kind": kind,
                    "amount": amount,
                    "entry_date": value_date,
                }
            )
        change = revenue - contribution
        if account not in self.balances:
            self._lock([account])
        self.balances[account] += change
        self.changes[account] = self.changes.get(account, ZERO) + change
        self.uow.emit(
            "activity_account_changed",
            cooperative_id,
            self.cooperative,
            {
                "activity_id": activity_id,
                "change": f"{change:.2f}",
                "balance": f"{self.balances[account]:.2f}",
                "source": SOURCE,
                "source_id": allocation_id,
                "reference": reference,
                "date": value_date.isoformat(),
            },
        )
        status = figures.status()
        if invoice.status != status:
            invoice.status = status  # what refresh_status would read back
        self.uow.emit(
            "payment_received",
            cooperative_id,
            self.cooperative,
            {
                "payment_id": payment_id,
                "invoice_id": invoice.id,
                "invoice_number": invoice.number,
                "activity_id": activity_id,
                "member_id": invoice.member_id,
                "amount": f"{applied:.2f}",
                "revenue": f"{revenue:.2f}",
                "contribution": f"{contribution:.2f}",
                "value_date": value_date.isoformat(),
                "invoice_status": invoice.status,
            },
        )
        return applied

    def _normalise(self, payload: dict) -> str | None:
        """`_new_payment`'s structured communication; an OGM the file repeats is checked once."""
        ogm = payload.get("structured_communication")
        if not ogm:
            return structured_communication.normalise(payload.get("communication"))
        if ogm not in self.checked:
            self.checked[ogm] = structured_communication.normalise(ogm)
        return self.checked[ogm]

    def _display(self, digits):
        if not digits:
            return None
        if digits not in self.displays:
            self.displays[digits] = structured_communication.display(digits)
        return self.displays[digits]


_COUNTERS = {MatchOutcome.MATCHED: "matched", MatchOutcome.DUPLICATE: "duplicates"}

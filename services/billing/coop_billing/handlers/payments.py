"""Payments: matching to invoices, partial and over-payments, duplicates, staff matching."""

from decimal import Decimal

from coop_billing.domain import ledger, payments, structured_communication
from coop_billing.domain.receivables import Receivable
from coop_billing.domain.states import DocumentKind, InvoiceStatus, MatchOutcome
from coop_billing.handlers.ledger import book
from coop_billing.orm import Invoice, Payment, PaymentAllocation
from coop_billing.views import page_out, payment_out, payment_received_event, payment_unmatched_event
from coop_shared import audit
from coop_shared.credentials import AUDITOR, OPERATORS, acting_cooperative, require_role
from coop_shared.errors import BusinessRuleViolation
from coop_shared.money import Money
from coop_shared.storage.types import new_id


def _allocation(
    uow, payment: Payment, invoice: Invoice, available: Money, rate: Decimal
) -> tuple[PaymentAllocation | None, Receivable]:
    """The part of `available` that settles the invoice, with the revenue and the contribution
    it earns the activity (None when the invoice has nothing left to pay), and the invoice's
    receivable once it is applied. (A statement import books the same for its movements in
    chunks: handlers/statement_booking.py.)"""
    receivable = uow.repo.receivable(invoice)
    applied = payments.allocate(available, receivable.amount_due).applied
    if applied == Money.zero():
        return None, receivable
    revenue = ledger.revenue_share(invoice.total_excl_vat, invoice.total_incl_vat, receivable.paid, applied)
    booked = uow.repo.revenue_booked(invoice.id)
    contribution = ledger.contribution_on(booked, revenue, rate)
    allocation = PaymentAllocation(
        id=new_id(),  # named now: the ledger transaction's source, booked without a flush between
        payment_id=payment.id,
        invoice_id=invoice.id,
        amount=applied,
        revenue=revenue,
        contribution=contribution,
    )
    after = Receivable(receivable.total_incl_vat, receivable.paid + applied, receivable.credited)
    return allocation, after


def contribution_rate(invoice: Invoice, value_date, members=None) -> tuple[Decimal, str | None]:
    """(rate, how the ledger names it): an activity's own rate in force on the payment's date
    overrides the cooperative's rate the invoice was issued under (docs/domain/accompaniment.md);
    without a members client (or for an activity without its own rate) the invoice's rate."""
    if members is None or not invoice.activity_id:
        return invoice.contribution_rate, None
    found = members.contribution_rate_on(invoice.activity_id, value_date)
    if found["source"] != "activity":
        if invoice.contribution_rate is None:
            return None, None
        return invoice.contribution_rate, f"contribution {_percent(invoice.contribution_rate)} %"
    rate = Decimal(found["rate"])
    return rate, f"contribution {_percent(rate)} % (activity rate on {value_date.isoformat()})"


def _percent(rate: Decimal) -> str:
    return format((rate * 100).normalize(), "f")


def apply_payment(
    uow,
    cooperative: str,
    payment: Payment,
    invoice: Invoice,
    available: Money,
    members=None,
) -> Money:
    """Apply up to `available` of the payment to the invoice (locked by the caller); book the
    activity's revenue and the contribution in one balanced transaction. Returns what was applied.
    `members` (billing's MembersClient) gives the activity's dated contribution rate. The payer's
    IBAN becomes a known payer of the customer (statements' second rule)."""
    rate, rate_label = contribution_rate(invoice, payment.value_date, members)
    allocation, after = _allocation(uow, payment, invoice, available, rate)
    if allocation is None:
        return Money.zero()
    payment.allocations.append(allocation)
    if payment.counterparty_iban:
        uow.repo.remember_payers(invoice.cooperative_id, [(payment.counterparty_iban, invoice.customer_id)])
    book(
        uow,
        invoice.cooperative_id,
        cooperative,
        payment.value_date,
        "payment_allocation",
        allocation.id,
        " · ".join(part for part in (invoice.number, payment.bank_reference, rate_label) if part),
        ledger.payment_received(
            invoice.activity_id, allocation.amount, allocation.revenue, allocation.contribution
        ),
        invoice.activity_id,
        fresh=True,  # the allocation was created just now: its source cannot have been booked
        by=payment.created_by,
    )
    invoice.status = after.status  # what refresh_status would read back, without reading it
    uow.emit(
        "payment_received",
        invoice.cooperative_id,
        cooperative,
        payment_received_event(
            payment, invoice, allocation.amount, allocation.revenue, allocation.contribution
        ),
    )
    return allocation.amount


def _settles(invoice: Invoice) -> None:
    if invoice.kind != DocumentKind.INVOICE or invoice.status == InvoiceStatus.DRAFT:
        raise BusinessRuleViolation("A payment settles an issued invoice.", {"invoice_id": invoice.id})


def _target_invoice(uow, cooperative_id: str, data: dict):
    if data.get("invoice_id"):
        return uow.repo.invoice(cooperative_id, data["invoice_id"], for_update=True)
    digits = structured_communication.normalise(
        data.get("structured_communication") or data.get("communication")
    )
    if digits is None:
        return None
    return uow.repo.invoice_by_communication(cooperative_id, digits)


def _new_payment(cooperative_id: str, data: dict) -> Payment:
    return Payment(
        id=new_id(),  # named now, so that its allocation refers to it before any flush
        allocations=[],  # a new payment has none: nothing to read back after its allocation
        cooperative_id=cooperative_id,
        amount=Money(data["amount"]),
        value_date=data["value_date"],
        bank_reference=data["bank_reference"],
        communication=data.get("communication"),
        structured_communication=structured_communication.normalise(
            data.get("structured_communication") or data.get("communication")
        ),
        counterparty_name=data.get("counterparty_name"),
        counterparty_iban=data.get("counterparty_iban"),
    )


def record_payment(uow, identity, data: dict, members=None) -> dict:
    """A payment, applied to its invoice when one is named or found by its communication; the
    rest announced as unmatched. A bank reference seen before is a duplicate, booking nothing.
    (A statement import books its credits in chunks instead: handlers/statement_booking.py.)"""
    require_role(identity, *OPERATORS)
    cooperative_id = acting_cooperative(identity, data.pop("cooperative", None))
    existing = uow.repo.payment_by_reference(cooperative_id, data["bank_reference"])
    if existing is not None:
        return payment_out(existing, uow.repo.applied_of(existing.id), MatchOutcome.DUPLICATE)
    invoice = _target_invoice(uow, cooperative_id, data)
    if invoice is not None:
        _settles(invoice)
    payment = _new_payment(cooperative_id, data)
    payment.created_by = audit.actor(identity)  # the trail (coop_shared.audit)
    uow.repo.add(payment)
    applied = Money.zero()
    if invoice is not None:
        applied = apply_payment(uow, identity.cooperative, payment, invoice, payment.amount, members)
    remainder = payment.amount - applied
    if remainder > Money.zero():
        uow.emit(
            "payment_unmatched",
            payment.cooperative_id,
            identity.cooperative,
            payment_unmatched_event(payment, remainder),
        )
    uow.repo.flush()  # the payment's rows are written now, as the answer says (no statement more)
    outcome = MatchOutcome.MATCHED if applied > Money.zero() else MatchOutcome.UNMATCHED
    return payment_out(payment, applied, outcome)


def match_payment(uow, identity, data: dict, members=None) -> dict:
    """Staff apply what is left of a payment to an invoice of their choice."""
    require_role(identity, *OPERATORS)
    cooperative_id = acting_cooperative(identity)
    payment = uow.repo.payment(cooperative_id, data["payment_id"], for_update=True)
    left = payment.amount - uow.repo.applied_of(payment.id)
    if left <= Money.zero():
        raise BusinessRuleViolation("Nothing of this payment is left to match.", {"payment_id": payment.id})
    invoice = uow.repo.invoice(cooperative_id, data["invoice_id"], for_update=True)
    _settles(invoice)
    applied = apply_payment(uow, identity.cooperative, payment, invoice, left, members)
    if applied == Money.zero():
        raise BusinessRuleViolation("This invoice has nothing left to pay.", {"invoice_id": invoice.id})
    uow.repo.refresh(payment)
    return payment_out(payment, uow.repo.applied_of(payment.id), MatchOutcome.MATCHED)


def list_unmatched_payments(uow, identity, data: dict) -> dict:
    """Payments with something left to apply, oldest first."""
    require_role(identity, *OPERATORS, AUDITOR)
    rows, total = uow.repo.unmatched_payments(acting_cooperative(identity), data["limit"], data["offset"])
    return page_out(
        [
            payment_out(
                p,
                applied,
                MatchOutcome.UNMATCHED if applied == Money.zero() else MatchOutcome.PARTIALLY_MATCHED,
            )
            for p, applied in rows
        ],
        total,
    )

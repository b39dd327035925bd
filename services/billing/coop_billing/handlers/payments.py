"""Payments: matching to invoices, partial and over-payments, duplicates, staff matching."""

from decimal import Decimal

from coop_billing import repository as repo
from coop_billing.domain import ledger, payments, structured_communication
from coop_billing.handlers.issuing import refresh_status
from coop_billing.handlers.ledger import book
from coop_billing.orm import Invoice, Payment, PaymentAllocation
from coop_billing.views import payment_out
from coop_shared.credentials import AUDITOR, OPERATORS, acting_cooperative, require_role
from coop_shared.errors import BusinessRuleViolation
from coop_shared.money import Money

MATCHED, UNMATCHED, DUPLICATE = "matched", "unmatched", "duplicate"


def apply_payment(uow, cooperative: str, payment: Payment, invoice: Invoice, available: Money) -> Money:
    """Apply up to `available` of the payment to the invoice (locked by the caller); book the
    activity's revenue and the contribution in one balanced transaction. Returns what was applied."""
    paid_before, revenue_before, contribution_before = repo.paid_on(uow.session, invoice.id)
    amount_due = (
        Money(Decimal(invoice.total_incl_vat)) - paid_before - repo.credited_on(uow.session, invoice.id)
    )
    applied = payments.allocate(available, amount_due).applied
    if applied == Money.zero():
        return applied
    revenue = ledger.revenue_share(
        Money(Decimal(invoice.total_excl_vat)), Money(Decimal(invoice.total_incl_vat)), paid_before, applied
    )
    contribution = ledger.contribution_on(revenue_before, revenue, Decimal(invoice.contribution_rate))
    allocation = PaymentAllocation(
        payment_id=payment.id,
        invoice_id=invoice.id,
        amount=applied.amount,
        revenue=revenue.amount,
        contribution=contribution.amount,
    )
    uow.session.add(allocation)
    uow.session.flush()
    transaction = ledger.payment_received(invoice.activity_id, applied, revenue, contribution)
    book(
        uow,
        invoice.cooperative_id,
        cooperative,
        payment.value_date,
        "payment_allocation",
        allocation.id,
        f"{invoice.number} · {payment.bank_reference}",
        transaction,
        invoice.activity_id,
    )
    refresh_status(uow, invoice)
    uow.emit(
        "payment_received",
        invoice.cooperative_id,
        cooperative,
        {
            "payment_id": payment.id,
            "invoice_id": invoice.id,
            "invoice_number": invoice.number,
            "activity_id": invoice.activity_id,
            "member_id": invoice.member_id,
            "amount": str(applied),
            "revenue": str(revenue),
            "contribution": str(contribution),
            "value_date": payment.value_date.isoformat(),
            "invoice_status": invoice.status,
        },
    )
    return applied


def _target_invoice(uow, cooperative_id: str, data: dict):
    if data.get("invoice_id"):
        return repo.invoice(uow.session, cooperative_id, data["invoice_id"], for_update=True)
    digits = structured_communication.normalise(
        data.get("structured_communication") or data.get("communication")
    )
    if digits is None:
        return None
    return repo.invoice_by_communication(uow.session, cooperative_id, digits)


def record_payment(uow, identity, data: dict, invoice=None) -> dict:
    """`invoice`: the target already found and locked by the caller (a statement import), so it
    is not looked up twice."""
    require_role(identity, *OPERATORS)
    cooperative_id = acting_cooperative(identity, data.pop("cooperative", None))
    existing = repo.payment_by_reference(uow.session, cooperative_id, data["bank_reference"])
    if existing is not None:
        return payment_out(existing, repo.applied_of(uow.session, existing.id), DUPLICATE)
    invoice = invoice if invoice is not None else _target_invoice(uow, cooperative_id, data)
    if invoice is not None and (invoice.kind != "invoice" or invoice.status == "draft"):
        raise BusinessRuleViolation("A payment settles an issued invoice.", {"invoice_id": invoice.id})
    payment = Payment(
        cooperative_id=cooperative_id,
        amount=data["amount"],
        value_date=data["value_date"],
        bank_reference=data["bank_reference"],
        communication=data.get("communication"),
        structured_communication=structured_communication.normalise(
            data.get("structured_communication") or data.get("communication")
        ),
        counterparty_name=data.get("counterparty_name"),
        counterparty_iban=data.get("counterparty_iban"),
    )
    uow.session.add(payment)
    uow.session.flush()
    applied = Money.zero()
    if invoice is not None:
        applied = apply_payment(uow, identity.cooperative, payment, invoice, Money(Decimal(payment.amount)))
    remainder = Money(Decimal(payment.amount)) - applied
    if remainder > Money.zero():
        _announce_unmatched(uow, identity.cooperative, payment, remainder)
    uow.session.refresh(payment)
    return payment_out(payment, applied, MATCHED if applied > Money.zero() else UNMATCHED)


def _announce_unmatched(uow, cooperative: str, payment: Payment, remainder: Money) -> None:
    uow.emit(
        "payment_unmatched",
        payment.cooperative_id,
        cooperative,
        {
            "payment_id": payment.id,
            "amount": str(Money(Decimal(payment.amount))),
            "unallocated": str(remainder),
            "bank_reference": payment.bank_reference,
            "counterparty_name": payment.counterparty_name,
            "communication": payment.communication,
        },
    )


def match_payment(uow, identity, data: dict) -> dict:
    """Staff apply what is left of a payment to an invoice of their choice."""
    require_role(identity, *OPERATORS)
    cooperative_id = acting_cooperative(identity)
    payment = repo.payment(uow.session, cooperative_id, data["payment_id"], for_update=True)
    left = Money(Decimal(payment.amount)) - repo.applied_of(uow.session, payment.id)
    if left <= Money.zero():
        raise BusinessRuleViolation("Nothing of this payment is left to match.", {"payment_id": payment.id})
    invoice = repo.invoice(uow.session, cooperative_id, data["invoice_id"], for_update=True)
    if invoice.kind != "invoice" or invoice.status == "draft":
        raise BusinessRuleViolation("A payment settles an issued invoice.", {"invoice_id": invoice.id})
    applied = apply_payment(uow, identity.cooperative, payment, invoice, left)
    if applied == Money.zero():
        raise BusinessRuleViolation("This invoice has nothing left to pay.", {"invoice_id": invoice.id})
    uow.session.refresh(payment)
    return payment_out(payment, repo.applied_of(uow.session, payment.id), MATCHED)


def list_unmatched_payments(uow, identity, data: dict) -> dict:
    require_role(identity, *OPERATORS, AUDITOR)
    rows, total = repo.unmatched_payments(
        uow.session, acting_cooperative(identity), data["limit"], data["offset"]
    )
    return {
        "items": [
            payment_out(p, applied, UNMATCHED if applied == Money.zero() else "partially_matched")
            for p, applied in rows
        ],
        "total": total,
    }

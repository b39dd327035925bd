"""Reminders: one `invoice_overdue` per invoice and level (the day after the due date, and
fifteen days after), with the late-payment terms the customer owes (section 3.6)."""

from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from coop_billing import repository as repo
from coop_billing.domain import late_payment, payments
from coop_billing.orm import Invoice, OverdueNotice
from coop_shared.credentials import OPERATORS, acting_cooperative, require_role
from coop_shared.money import Money

OPEN = (payments.ISSUED, payments.PARTIALLY_PAID)


def overdue_candidates(session, on: date, cooperative_id: str | None = None) -> list[str]:
    query = sa.select(Invoice.id).where(
        Invoice.kind == "invoice", Invoice.status.in_(OPEN), Invoice.due_date < on
    )
    if cooperative_id:
        query = query.where(Invoice.cooperative_id == cooperative_id)
    return list(session.scalars(query.order_by(Invoice.due_date)).all())


def notice_invoice(uow, invoice_id: str, on: date) -> int:
    """Emit the reminders `invoice_id` has reached and not yet received; return how many."""
    invoice = uow.session.get(Invoice, invoice_id, with_for_update=True, populate_existing=True)
    if invoice.status not in OPEN:
        return 0
    sent = set(
        uow.session.scalars(sa.select(OverdueNotice.level).where(OverdueNotice.invoice_id == invoice.id))
    )
    paid, _, _ = repo.paid_on(uow.session, invoice.id)
    amount_due = Money(Decimal(invoice.total_incl_vat)) - paid - repo.credited_on(uow.session, invoice.id)
    emitted = 0
    for level in late_payment.due_levels(invoice.due_date, on):
        if level in sent:
            continue
        terms = late_payment.late_terms(
            amount_due, invoice.due_date, on, invoice.buyer.get("kind") != "person"
        )
        uow.session.add(OverdueNotice(invoice_id=invoice.id, level=level, noticed_on=on))
        uow.emit(
            "invoice_overdue",
            invoice.cooperative_id,
            invoice.cooperative_slug,
            {
                "invoice_id": invoice.id,
                "number": invoice.number,
                "level": level,
                "customer_id": invoice.customer_id,
                "customer_email": invoice.buyer.get("email"),
                "customer_language": invoice.buyer.get("language"),
                "member_id": invoice.member_id,
                "activity_id": invoice.activity_id,
                "due_date": invoice.due_date.isoformat(),
                "amount_due": str(amount_due),
                "days_late": terms.days_late,
                "annual_interest_rate": format(terms.annual_rate.normalize(), "f"),
                "interest_to_date": str(terms.interest),
                "recovery_indemnity": str(terms.indemnity),
                "interest_rate_source": terms.rate_source,
                "interest_rate_certain": terms.rate_certain,
                "structured_communication": invoice.structured_communication,
            },
        )
        emitted += 1
    return emitted


def run_overdue_check(uow, identity, on: date) -> dict:
    """Staff may run today's check for their cooperative at once instead of waiting for the timer."""
    require_role(identity, *OPERATORS)
    cooperative_id = acting_cooperative(identity)
    return {"on": on.isoformat(), "reminders": check_all(uow, on, cooperative_id)}


def check_all(uow, on: date, cooperative_id: str | None = None) -> int:
    """One transaction per invoice, so a replica racing on the same invoice blocks on its row
    lock and then finds the notice already recorded."""
    emitted = 0
    for invoice_id in overdue_candidates(uow.session, on, cooperative_id):
        emitted += notice_invoice(uow, invoice_id, on)
        uow.commit()
    return emitted

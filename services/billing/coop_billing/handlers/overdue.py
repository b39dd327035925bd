"""Reminders: one `invoice_overdue` per invoice and level (the day after the due date, and
fifteen days after), with the late-payment terms the customer owes (law of 2 August 2002,
docs/domain/late-payment.md)."""

from datetime import date

from coop_billing.domain import late_payment
from coop_billing.domain.states import OPEN
from coop_billing.orm import OverdueNotice
from coop_billing.views import invoice_overdue_event, overdue_check_out
from coop_shared.credentials import OPERATORS, acting_cooperative, require_role
from coop_shared.errors import ValidationError


def notice_invoice(uow, invoice_id: str, on: date) -> int:
    """Emit the reminders `invoice_id` has reached and not yet received; return how many."""
    invoice = uow.repo.invoice_locked(invoice_id)
    if invoice.status not in OPEN:
        return 0
    sent = uow.repo.reminder_levels_sent(invoice.id)
    amount_due = uow.repo.receivable(invoice).amount_due
    business_customer = invoice.buyer.get("kind") != "person"
    emitted = 0
    for level in late_payment.due_levels(invoice.due_date, on):
        if level in sent:
            continue
        terms = late_payment.late_terms(amount_due, invoice.due_date, on, business_customer)
        uow.repo.add(OverdueNotice(invoice_id=invoice.id, level=level, noticed_on=on))
        uow.emit(
            "invoice_overdue",
            invoice.cooperative_id,
            invoice.cooperative_slug,
            invoice_overdue_event(invoice, level, amount_due, terms),
        )
        emitted += 1
    return emitted


def run_overdue_check(uow, identity, data: dict, today: date) -> dict:
    """Staff may run the check for their cooperative at once instead of waiting for the timer,
    for today or a past day (`data["on"]`), never ahead of time."""
    require_role(identity, *OPERATORS)
    cooperative_id = acting_cooperative(identity)
    on = data["on"] or today
    if on > today:
        raise ValidationError(fields={"on": ["Reminders are not sent ahead of time."]})
    return overdue_check_out(on, check_all(uow, on, cooperative_id))


def check_all(uow, on: date, cooperative_id: str | None = None) -> int:
    """One transaction per invoice, so a replica racing on the same invoice blocks on its row
    lock and then finds the notice already recorded."""
    emitted = 0
    for invoice_id in uow.repo.overdue_candidates(on, cooperative_id):
        emitted += notice_invoice(uow, invoice_id, on)
        uow.commit()
    return emitted

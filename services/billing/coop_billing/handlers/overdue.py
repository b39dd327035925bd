"""Reminders: one `invoice_overdue` per invoice and level, with what the customer owes by the
law that applies (docs/domain/late-payment.md). Businesses (law of 2 August 2002): the day after
the due date and fifteen days after, interest at the half-year rate and the flat €40.
Consumers (Book XIX CDE): a free first reminder the day after the due date giving 14 days to
pay; the second only once that term has run out, with interest and a lump sum only as the
cooperative's terms provide."""

from datetime import date

from coop_billing.domain import late_payment
from coop_billing.domain.states import OPEN
from coop_billing.orm import BillingSettings, OverdueNotice
from coop_billing.views import billing_settings_out, invoice_overdue_event, overdue_check_out
from coop_shared import audit
from coop_shared.credentials import ADMIN, OPERATORS, READERS, acting_cooperative, require_role
from coop_shared.errors import ValidationError
from coop_shared.storage.types import utcnow

CONSUMER = "person"


def consumer_terms_of(uow, invoice) -> late_payment.ConsumerTerms:
    """The terms frozen on the invoice when it was issued (what the customer was told), else
    the cooperative's current settings, else interest without a lump sum."""
    frozen = (invoice.seller or {}).get("consumer_terms")
    if frozen is None:
        settings = uow.repo.billing_settings(invoice.cooperative_id)
        frozen = billing_settings_out(settings) if settings else {}
    return late_payment.ConsumerTerms(
        interest=frozen.get("consumer_interest", True), lump_sum=frozen.get("consumer_lump_sum", False)
    )


def _levels_and_terms(uow, invoice, amount_due, sent: dict, on: date):
    """(level, terms) of each reminder `invoice` has reached on `on`."""
    if invoice.buyer.get("kind") != CONSUMER:
        terms = late_payment.late_terms(amount_due, invoice.due_date, on)
        return [(level, terms) for level in late_payment.due_levels(invoice.due_date, on)]
    first = sent.get(1)
    levels = late_payment.consumer_levels(invoice.due_date, first, on)
    conditions = consumer_terms_of(uow, invoice)
    return [
        (level, late_payment.consumer_terms(amount_due, invoice.due_date, first or on, on, conditions))
        for level in levels
    ]


def notice_invoice(uow, invoice_id: str, on: date) -> int:
    """Emit the reminders `invoice_id` has reached and not yet received; return how many."""
    invoice = uow.repo.invoice_locked(invoice_id)
    if invoice.status not in OPEN:
        return 0
    sent = uow.repo.reminders_sent(invoice.id)
    amount_due = uow.repo.receivable(invoice).amount_due
    emitted = 0
    for level, terms in _levels_and_terms(uow, invoice, amount_due, sent, on):
        if level in sent:
            continue
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


def set_billing_settings(uow, identity, data: dict) -> dict:
    """An admin records what the cooperative's general terms provide towards consumers; it
    applies to invoices issued from then on (each invoice keeps the terms it was issued under)."""
    require_role(identity, ADMIN)
    cooperative_id = acting_cooperative(identity)
    settings = uow.repo.billing_settings(cooperative_id, for_update=True)
    if settings is None:
        settings = BillingSettings(cooperative_id=cooperative_id)
        uow.repo.add(settings)
    settings.consumer_interest = data["consumer_interest"]
    settings.consumer_lump_sum = data["consumer_lump_sum"]
    settings.updated_at = utcnow()
    uow.repo.flush()
    audit.record(
        uow,
        identity,
        "billing.settings_changed",
        cooperative_id,
        {"consumer_interest": settings.consumer_interest, "consumer_lump_sum": settings.consumer_lump_sum},
    )
    return billing_settings_out(settings)


def get_billing_settings(uow, identity) -> dict:
    require_role(identity, *READERS)
    settings = uow.repo.billing_settings(acting_cooperative(identity))
    return billing_settings_out(settings or BillingSettings(consumer_interest=True, consumer_lump_sum=False))


def consumer_terms_snapshot(settings) -> dict:
    """The consumer terms to freeze on an invoice being issued, from the cooperative's billing
    settings (None: never set, the defaults)."""
    return (
        billing_settings_out(settings)
        if settings
        else {"consumer_interest": True, "consumer_lump_sum": False}
    )

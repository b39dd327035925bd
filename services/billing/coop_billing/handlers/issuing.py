"""Issuing: numbers, dates, the legal identities frozen on the document, credit notes."""

from datetime import date, timedelta
from decimal import Decimal

from coop_billing.domain import numbering, structured_communication, vat
from coop_billing.domain.states import DocumentKind, InvoiceStatus
from coop_billing.handlers import deliveries
from coop_billing.handlers.invoices import LINE_CONTENT, SUPPLY, fill, present, present_new
from coop_billing.handlers.overdue import consumer_terms_snapshot
from coop_billing.orm import Invoice, InvoiceLine
from coop_billing.views import credit_note_issued_event, customer_out, invoice_issued_event
from coop_shared import audit
from coop_shared.credentials import OPERATORS, acting_cooperative, require_role
from coop_shared.errors import BusinessRuleViolation, ValidationError
from coop_shared.storage.types import utcnow

# Law of 2 August 2002 as amended on 14 August 2021 (docs/domain/late-payment.md).
MAX_PAYMENT_TERM_DAYS = 60
SELLER_FIELDS = (
    "slug",
    "name",
    "legal_form",
    "register",
    "enterprise_number",
    "vat_number",
    "iban",
    "bic",
    "address",
    "email",
)


def issue_dates(invoice: Invoice, terms_days: int, on: date) -> tuple[date, date]:
    issue_date = invoice.requested_issue_date or on
    if issue_date > on:
        raise ValidationError(fields={"issue_date": ["An invoice cannot be issued with a future date."]})
    due_date = invoice.requested_due_date or issue_date + timedelta(days=terms_days)
    if (due_date - issue_date).days > MAX_PAYMENT_TERM_DAYS:
        raise ValidationError(
            fields={
                "due_date": [
                    f"Payment terms are capped at {MAX_PAYMENT_TERM_DAYS} days after the issue date."
                ]
            }
        )
    return issue_date, due_date


def _number(uow, document: Invoice, kind: str, issue_date: date, slug: str) -> None:
    """Take the next number of the series under its row lock: gapless, unique, chronological."""
    sequence = uow.repo.take_number(document.cooperative_id, kind, issue_date.year, issue_date)
    if sequence is None:  # the series' last number carries a later date
        last = uow.repo.last_issue_date(document.cooperative_id, kind, issue_date.year)
        numbering.check_chronology(issue_date, last)
        raise BusinessRuleViolation(f"No number could be taken in the {issue_date.year} series.")
    document.sequence = sequence
    document.number = numbering.format_number(slug, kind, issue_date.year, sequence)


def _snapshots(document: Invoice, customer, cooperative: dict, activity: dict, billing_settings) -> None:
    document.seller = {field: cooperative.get(field) for field in SELLER_FIELDS}
    # The late-payment terms towards consumers, as printed on the invoice (Book XIX CDE).
    document.seller["consumer_terms"] = consumer_terms_snapshot(billing_settings)
    document.buyer = customer_out(customer)
    document.activity = {k: activity.get(k) for k in ("id", "code", "name", "trade_name", "member_id")}
    document.contribution_rate = Decimal(cooperative["contribution_rate"])


def issue_invoice(uow, identity, members, data: dict, today: date, peppol=None) -> dict:
    """Number, date and freeze a draft; issuing an issued invoice again changes nothing.

    Everything is read first (the invoice locked with its lines, its customer and the
    cooperative's settings in one query; the cooperative and the activity from members, kept by
    this process),
    then the number is taken, then the writes go in one flush: the series row stays locked for
    the shortest time, and issuing costs a handful of round trips (issue 18)."""
    require_role(identity, *OPERATORS)
    invoice, customer, billing_settings, peppol_settings = uow.repo.invoice_to_issue(
        acting_cooperative(identity, data.get("cooperative")), data["id"]
    )
    if invoice.kind != DocumentKind.INVOICE:
        raise BusinessRuleViolation("Credit notes are issued when created.")
    if invoice.status != InvoiceStatus.DRAFT:
        return present(uow, invoice)
    cooperative = members.cooperative()
    issue_date, due_date = issue_dates(invoice, int(cooperative["payment_terms_days"]), today)
    _snapshots(invoice, customer, cooperative, members.activity(invoice.activity_id), billing_settings)
    # Peppol or e-mail, known before the number is taken (docs/adr/011-peppol-delivery.md).
    delivery = deliveries.decide(uow, peppol, invoice.cooperative_id, invoice.buyer, peppol_settings)
    _number(uow, invoice, numbering.INVOICE, issue_date, identity.cooperative)
    invoice.structured_communication = structured_communication.for_invoice(issue_date.year, invoice.sequence)
    invoice.issue_date, invoice.due_date = issue_date, due_date
    invoice.status, invoice.issued_at = InvoiceStatus.ISSUED, utcnow()
    invoice.issued_by = audit.actor(identity)
    row = deliveries.record(uow, peppol, invoice, delivery, peppol_settings)
    uow.repo.flush()
    out = present_new(invoice, row)
    audit.record(
        uow,
        identity,
        "billing.invoice_issued",
        invoice.id,
        {"number": invoice.number, "total_incl_vat": out.get("total_incl_vat")},
        kind=audit.MONEY,
    )
    uow.emit(
        "invoice_issued",
        invoice.cooperative_id,
        identity.cooperative,
        dict(invoice_issued_event(invoice, out), delivery_channel=delivery.announced),
    )
    return out


def _requested_credit(invoice: Invoice, requested, remaining: dict) -> list[tuple[InvoiceLine, Decimal]]:
    """The lines and quantities asked for, each within what is left to credit on its line."""
    by_id = {line.id: line for line in invoice.lines}
    chosen, errors = [], {}
    for index, item in enumerate(requested):
        line = by_id.get(str(item["line_id"]))
        if line is None:
            errors[f"lines.{index}.line_id"] = ["Not a line of this invoice."]
            continue
        quantity = item.get("quantity") or remaining[line.id]
        if quantity <= 0 or quantity > remaining[line.id]:
            errors[f"lines.{index}.quantity"] = [f"At most {remaining[line.id].normalize()} left to credit."]
            continue
        chosen.append((line, quantity))
    if errors:
        raise ValidationError(fields=errors)
    return chosen


def _credit_lines(uow, invoice: Invoice, requested) -> list[tuple[InvoiceLine, Decimal]]:
    """(original line, quantity to credit); never more than what is left uncredited. Without
    `requested`, everything still uncredited."""
    credited = uow.repo.credited_quantities(invoice.id)
    remaining = {line.id: line.quantity - credited.get(line.id, Decimal(0)) for line in invoice.lines}
    if requested is not None:
        return _requested_credit(invoice, requested, remaining)
    chosen = [(line, remaining[line.id]) for line in invoice.lines if remaining[line.id] > 0]
    if not chosen:
        raise BusinessRuleViolation("This invoice is already fully credited.")
    return chosen


def _credit_note_of(invoice: Invoice, identity, data: dict, chosen) -> Invoice:
    """A credit note of `invoice` for the `chosen` lines, with the invoice's frozen identities."""
    note = Invoice(
        cooperative_id=invoice.cooperative_id,
        cooperative_slug=identity.cooperative,
        kind=DocumentKind.CREDIT_NOTE,
        activity_id=invoice.activity_id,
        member_id=invoice.member_id,
        customer_id=invoice.customer_id,
        credited_invoice_id=invoice.id,
        reason=data["reason"],
        buyer_reference=invoice.buyer_reference,
        created_by=audit.actor(identity),
        issued_by=audit.actor(identity),
    )
    fill(
        note,
        invoice.vat_regime,
        [vat.Line(line.description, quantity, line.unit_price, line.vat_rate) for line, quantity in chosen],
        [{field: getattr(line, field) for field in LINE_CONTENT} for line, _ in chosen],
    )
    # The credit note corrects the same supply: it repeats its date or period.
    for field in SUPPLY:
        setattr(note, field, getattr(invoice, field))
    note.renovation_declaration = invoice.renovation_declaration
    for note_line, (line, _) in zip(note.lines, chosen, strict=False):
        note_line.credited_line_id = line.id
    note.seller, note.buyer, note.activity = invoice.seller, invoice.buyer, invoice.activity
    return note


def create_credit_note(uow, identity, data: dict, today: date, peppol=None) -> dict:
    """A credit note, issued at once, of an issued invoice (all of it, or some lines); the same
    request again is answered with the first credit note by the `rpc` decorator
    (coop_shared.runtime.idempotency)."""
    require_role(identity, *OPERATORS)
    cooperative_id = acting_cooperative(identity)
    invoice = uow.repo.invoice(cooperative_id, data["invoice_id"], for_update=True)
    if invoice.kind != DocumentKind.INVOICE or invoice.status == InvoiceStatus.DRAFT:
        raise BusinessRuleViolation(
            "Only an issued invoice can be credited; a draft can be edited or deleted."
        )
    note = _credit_note_of(invoice, identity, data, _credit_lines(uow, invoice, data.get("lines")))
    delivery = deliveries.decide(uow, peppol, cooperative_id, note.buyer)
    _number(uow, note, numbering.CREDIT_NOTE, today, identity.cooperative)
    note.issue_date, note.status, note.issued_at = today, InvoiceStatus.ISSUED, utcnow()
    uow.repo.add(note)
    uow.repo.flush()
    deliveries.record(uow, peppol, note, delivery)
    uow.repo.flush()
    refresh_status(uow, invoice)
    out = present(uow, note)
    audit.record(
        uow,
        identity,
        "billing.credit_note_issued",
        note.id,
        {"number": note.number, "invoice_id": invoice.id, "total_incl_vat": out.get("total_incl_vat")},
        kind=audit.MONEY,
    )
    uow.emit(
        "credit_note_issued",
        cooperative_id,
        identity.cooperative,
        dict(credit_note_issued_event(note, invoice, out), delivery_channel=delivery.announced),
    )
    return out


def refresh_status(uow, invoice: Invoice) -> None:
    """The invoice's status after a payment or a credit note (domain/receivables.py)."""
    invoice.status = uow.repo.receivable(invoice).status

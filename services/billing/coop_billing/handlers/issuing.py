"""Issuing: numbers, dates, the legal identities frozen on the document, credit notes."""

from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa

from coop_billing import repository as repo
from coop_billing.domain import numbering, payments, structured_communication, vat
from coop_billing.handlers.invoices import _fill, present
from coop_billing.orm import Invoice, InvoiceLine
from coop_billing.views import customer_out
from coop_shared.credentials import OPERATORS, acting_cooperative, require_role
from coop_shared.dates import brussels_today
from coop_shared.errors import BusinessRuleViolation, ValidationError
from coop_shared.money import Money
from coop_shared.storage.types import utcnow

MAX_PAYMENT_TERM_DAYS = 60  # law of 2 August 2002 as amended on 14 August 2021 (section 3.6)
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
    series = repo.lock_series(uow.session, document.cooperative_id, kind, issue_date.year)
    numbering.check_chronology(issue_date, series.last_issue_date)
    document.sequence = series.next_sequence
    document.number = numbering.format_number(slug, kind, issue_date.year, series.next_sequence)
    series.next_sequence += 1
    series.last_issue_date = issue_date


def _snapshots(uow, document: Invoice, cooperative: dict, activity: dict) -> None:
    customer = repo.customer(uow.session, document.cooperative_id, document.customer_id)
    document.seller = {field: cooperative.get(field) for field in SELLER_FIELDS}
    document.buyer = customer_out(customer)
    document.activity = {k: activity.get(k) for k in ("id", "code", "name", "trade_name", "member_id")}
    document.contribution_rate = Decimal(cooperative["contribution_rate"])


def issue_invoice(uow, identity, directory, data: dict) -> dict:
    require_role(identity, *OPERATORS)
    invoice = repo.invoice(
        uow.session, acting_cooperative(identity, data.get("cooperative")), data["id"], for_update=True
    )
    if invoice.kind != "invoice":
        raise BusinessRuleViolation("Credit notes are issued when created.")
    if invoice.status != "draft":
        return present(uow, invoice)  # issuing twice returns the issued invoice, changes nothing
    cooperative = directory.cooperative()
    issue_date, due_date = issue_dates(invoice, int(cooperative["payment_terms_days"]), brussels_today())
    _snapshots(uow, invoice, cooperative, directory.activity(invoice.activity_id))
    _number(uow, invoice, numbering.INVOICE, issue_date, identity.cooperative)
    invoice.structured_communication = structured_communication.for_invoice(issue_date.year, invoice.sequence)
    invoice.issue_date, invoice.due_date = issue_date, due_date
    invoice.status, invoice.issued_at = payments.ISSUED, utcnow()
    uow.session.flush()
    out = present(uow, invoice)
    uow.emit(
        "invoice_issued",
        invoice.cooperative_id,
        identity.cooperative,
        {
            "invoice_id": invoice.id,
            "number": invoice.number,
            "activity_id": invoice.activity_id,
            "member_id": invoice.member_id,
            "customer_id": invoice.customer_id,
            "customer_email": invoice.buyer.get("email"),
            "customer_language": invoice.buyer.get("language"),
            "issue_date": out["issue_date"],
            "due_date": out["due_date"],
            "total_excl_vat": out["total_excl_vat"],
            "total_vat": out["total_vat"],
            "total_incl_vat": out["total_incl_vat"],
            "structured_communication": out["structured_communication"],
        },
    )
    return out


def _credited_quantities(uow, invoice_id: str) -> dict[str, Decimal]:
    rows = uow.session.execute(
        sa.select(InvoiceLine.credited_line_id, sa.func.sum(InvoiceLine.quantity))
        .join(Invoice, Invoice.id == InvoiceLine.invoice_id)
        .where(Invoice.credited_invoice_id == invoice_id, Invoice.kind == "credit_note")
        .group_by(InvoiceLine.credited_line_id)
    ).all()
    return {line_id: Decimal(quantity) for line_id, quantity in rows}


def _credit_lines(uow, invoice: Invoice, requested) -> list[tuple[InvoiceLine, Decimal]]:
    """(original line, quantity to credit); never more than what is left uncredited."""
    credited = _credited_quantities(uow, invoice.id)
    remaining = {
        line.id: Decimal(line.quantity) - credited.get(line.id, Decimal(0)) for line in invoice.lines
    }
    by_id = {line.id: line for line in invoice.lines}
    if requested is None:
        chosen = [(line, remaining[line.id]) for line in invoice.lines if remaining[line.id] > 0]
        if not chosen:
            raise BusinessRuleViolation("This invoice is already fully credited.")
        return chosen
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


def create_credit_note(uow, identity, directory, data: dict) -> dict:
    require_role(identity, *OPERATORS)
    cooperative_id = acting_cooperative(identity)
    key = data.get("idempotency_key")
    if key:
        existing = repo.invoice_by_idempotency_key(uow.session, cooperative_id, key)
        if existing is not None:
            return present(uow, existing)
    invoice = repo.invoice(uow.session, cooperative_id, data["invoice_id"], for_update=True)
    if invoice.kind != "invoice" or invoice.status == "draft":
        raise BusinessRuleViolation(
            "Only an issued invoice can be credited; a draft can be edited or deleted."
        )
    chosen = _credit_lines(uow, invoice, data.get("lines"))
    note = Invoice(
        cooperative_id=cooperative_id,
        cooperative_slug=identity.cooperative,
        kind="credit_note",
        activity_id=invoice.activity_id,
        member_id=invoice.member_id,
        customer_id=invoice.customer_id,
        credited_invoice_id=invoice.id,
        reason=data["reason"],
        idempotency_key=key,
        buyer_reference=invoice.buyer_reference,
    )
    _fill(
        note,
        invoice.vat_regime,
        [
            vat.Line(line.description, quantity, Money(Decimal(line.unit_price)), Decimal(line.vat_rate))
            for line, quantity in chosen
        ],
    )
    for note_line, (line, _) in zip(note.lines, chosen, strict=False):
        note_line.credited_line_id = line.id
    issue_date = brussels_today()
    note.seller, note.buyer, note.activity = invoice.seller, invoice.buyer, invoice.activity
    _number(uow, note, numbering.CREDIT_NOTE, issue_date, identity.cooperative)
    note.issue_date, note.status, note.issued_at = issue_date, payments.ISSUED, utcnow()
    uow.session.add(note)
    uow.session.flush()
    refresh_status(uow, invoice)
    out = present(uow, note)
    uow.emit(
        "credit_note_issued",
        cooperative_id,
        identity.cooperative,
        {
            "credit_note_id": note.id,
            "number": note.number,
            "invoice_id": invoice.id,
            "invoice_number": invoice.number,
            "activity_id": note.activity_id,
            "member_id": note.member_id,
            "customer_id": note.customer_id,
            "total_incl_vat": out["total_incl_vat"],
            "reason": note.reason,
        },
    )
    return out


def refresh_status(uow, invoice: Invoice) -> None:
    paid, _, _ = repo.paid_on(uow.session, invoice.id)
    invoice.status = payments.invoice_status(
        Money(Decimal(invoice.total_incl_vat)), paid, repo.credited_on(uow.session, invoice.id)
    )

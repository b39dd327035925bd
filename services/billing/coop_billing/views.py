"""The dicts billing returns and puts in events: amounts as strings with two decimals."""

from decimal import Decimal

from coop_billing.domain.structured_communication import display
from coop_shared.money import Money


def money(value) -> str:
    return str(Money(Decimal(value)))


def rate(value) -> str:
    return format(Decimal(value).normalize(), "f")


def day(value):
    return value.isoformat() if value else None


def customer_out(c) -> dict:
    return {
        "id": c.id,
        "name": c.name,
        "kind": c.kind,
        "vat_number": c.vat_number,
        "enterprise_number": c.enterprise_number,
        "email": c.email,
        "address": c.address,
        "language": c.language,
        "peppol_id": c.peppol_id,
    }


def line_out(line) -> dict:
    return {
        "id": line.id,
        "description": line.description,
        "quantity": format(Decimal(line.quantity).normalize(), "f"),
        "unit_price": money(line.unit_price),
        "vat_rate": rate(line.vat_rate),
        "vat_category": line.vat_category,
        "net_amount": money(line.net_amount),
        "vat_amount": money(line.vat_amount),
    }


def breakdown_out(totals) -> list[dict]:
    return [
        {"category": cat, "rate": rate(r), "taxable_amount": str(taxable), "vat_amount": str(vat)}
        for cat, r, taxable, vat in totals.breakdown
    ]


def invoice_out(invoice, totals, paid: Money, credited: Money, credit_notes=()) -> dict:
    """An invoice or credit note with its derived figures (amount due, breakdown)."""
    out = {
        "id": invoice.id,
        "kind": invoice.kind,
        "status": invoice.status,
        "number": invoice.number,
        "activity_id": invoice.activity_id,
        "member_id": invoice.member_id,
        "customer_id": invoice.customer_id,
        "vat_regime": invoice.vat_regime,
        "issue_date": day(invoice.issue_date or invoice.requested_issue_date),
        "due_date": day(invoice.due_date or invoice.requested_due_date),
        "buyer_reference": invoice.buyer_reference,
        "structured_communication": display_communication(invoice.structured_communication),
        "lines": [line_out(line) for line in invoice.lines],
        "total_excl_vat": money(invoice.total_excl_vat),
        "total_vat": money(invoice.total_vat),
        "total_incl_vat": money(invoice.total_incl_vat),
        "vat_breakdown": breakdown_out(totals),
    }
    if invoice.kind == "invoice":
        due = Money(Decimal(invoice.total_incl_vat)) - paid - credited
        out.update(
            amount_paid=str(paid),
            amount_credited=str(credited),
            amount_due=str(max(due, Money.zero())) if invoice.status != "draft" else None,
            credit_notes=[{"id": c.id, "number": c.number} for c in credit_notes],
        )
    else:
        out.update(credited_invoice_id=invoice.credited_invoice_id, reason=invoice.reason)
    return out


def display_communication(digits):
    return display(digits) if digits else None


def payment_out(payment, applied: Money, status: str) -> dict:
    allocations = payment.allocations
    unallocated = Money(Decimal(payment.amount)) - applied
    return {
        "payment_id": payment.id,
        "status": status,
        "amount": money(payment.amount),
        "value_date": day(payment.value_date),
        "bank_reference": payment.bank_reference,
        "invoice_id": allocations[0].invoice_id if allocations else None,
        "applied": str(applied),
        "unallocated": str(unallocated),
        "structured_communication": display_communication(payment.structured_communication),
        "counterparty_name": payment.counterparty_name,
        "counterparty_iban": payment.counterparty_iban,
    }


def expense_out(e) -> dict:
    return {
        "id": e.id,
        "activity_id": e.activity_id,
        "date": day(e.date),
        "supplier": e.supplier,
        "description": e.description,
        "amount_excl_vat": money(e.amount_excl_vat),
        "vat_amount": money(e.vat_amount),
    }

"""The dicts billing returns and puts in events: amounts as strings with two decimals, dates as
ISO strings, every state as its wire string."""

from decimal import Decimal

from coop_billing.domain.receivables import Receivable
from coop_billing.domain.states import DocumentKind, InvoiceStatus
from coop_billing.domain.structured_communication import display
from coop_shared.money import Money


def money(value: Money) -> str:
    return str(value)


def rate(value) -> str:
    return format(Decimal(value).normalize(), "f")


def day(value):
    return value.isoformat() if value else None


def display_communication(digits):
    return display(digits) if digits else None


def page_out(items: list, total: int) -> dict:
    """One page of a `list_*` method."""
    return {"items": items, "total": total}


# Customers


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


def customer_change_out(c, old, new) -> dict:
    """One rectification of a customer: who, when, which field, the old and the new value."""
    return {
        "id": c.id,
        "customer_id": c.customer_id,
        "field": c.field,
        "old_value": old,
        "new_value": new,
        "changed_by_key_id": c.changed_by_key_id,
        "changed_by_role": c.changed_by_role,
        "reason": c.reason,
        "changed_at": c.changed_at.isoformat(),
    }


# Invoices and credit notes


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
        "unit": line.unit,
        "supply_date": day(line.supply_date),
        "period_start": day(line.period_start),
        "period_end": day(line.period_end),
    }


def breakdown_out(totals) -> list[dict]:
    return [
        {"category": cat, "rate": rate(r), "taxable_amount": str(taxable), "vat_amount": str(vat)}
        for cat, r, taxable, vat in totals.breakdown
    ]


def invoice_out(invoice, totals, receivable: Receivable | None = None, credit_notes=()) -> dict:
    """An invoice or credit note with its derived figures: the breakdown, and for an invoice
    what was paid, credited and is still due (`receivable`; no amount due on a draft)."""
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
        "supply_date": day(invoice.supply_date),
        "period_start": day(invoice.period_start),
        "period_end": day(invoice.period_end),
        "renovation_declaration": bool(invoice.renovation_declaration),
        "structured_communication": display_communication(invoice.structured_communication),
        "lines": [line_out(line) for line in invoice.lines],
        "total_excl_vat": money(invoice.total_excl_vat),
        "total_vat": money(invoice.total_vat),
        "total_incl_vat": money(invoice.total_incl_vat),
        "vat_breakdown": breakdown_out(totals),
    }
    if invoice.kind == DocumentKind.INVOICE:
        draft = invoice.status == InvoiceStatus.DRAFT
        out.update(
            amount_paid=str(receivable.paid),
            amount_credited=str(receivable.credited),
            amount_due=None if draft else str(receivable.amount_due),
            credit_notes=[{"id": c.id, "number": c.number} for c in credit_notes],
        )
    else:
        out.update(credited_invoice_id=invoice.credited_invoice_id, reason=invoice.reason)
    return out


def deleted_out(invoice) -> dict:
    return {"id": invoice.id, "deleted": True}


def rendered_out(filename: str, content_type: str, content: str, **extra) -> dict:
    """A rendered document: its file name, media type and base64 content."""
    return {"filename": filename, "content_type": content_type, "content": content, **extra}


def invoice_issued_event(invoice, out: dict) -> dict:
    """`invoice_issued`: the issued invoice as its reader sees it (`out`) and who it is for."""
    return {
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
        # what the books need: VAT is due on the invoice date (accounting service)
        "vat_regime": invoice.vat_regime,
        "vat_breakdown": out["vat_breakdown"],
        "customer_vat_number": invoice.buyer.get("vat_number"),
    }


def credit_note_issued_event(note, invoice, out: dict) -> dict:
    return {
        "credit_note_id": note.id,
        "number": note.number,
        "invoice_id": invoice.id,
        "invoice_number": invoice.number,
        "activity_id": note.activity_id,
        "member_id": note.member_id,
        "customer_id": note.customer_id,
        "total_incl_vat": out["total_incl_vat"],
        "reason": note.reason,
        "issue_date": out["issue_date"],
        "total_excl_vat": out["total_excl_vat"],
        "total_vat": out["total_vat"],
        "vat_regime": note.vat_regime,
        "vat_breakdown": out["vat_breakdown"],
        "customer_vat_number": (note.buyer or {}).get("vat_number"),
    }


def invoice_overdue_event(invoice, level: int, amount_due: Money, terms) -> dict:
    """`invoice_overdue` of one reminder level, with the late-payment terms owed by then."""
    return {
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
        # What the reminder must name, by the law that applies (docs/domain/late-payment.md).
        "law": terms.law,
        "customer_kind": invoice.buyer.get("kind"),
        "customer_name": invoice.buyer.get("name"),
        "pay_by": day(terms.pay_by),
        "interest_from": day(terms.interest_from),
        "total_claimed": str(amount_due + terms.interest + terms.indemnity),
        "annual_interest_rate_percent": f"{terms.annual_rate * 100:.2f}",
        "lump_sum_if_unpaid": str(terms.lump_sum_if_unpaid),
        "structured_communication_display": display_communication(invoice.structured_communication),
        "iban": (invoice.seller or {}).get("iban"),
        "cooperative_name": (invoice.seller or {}).get("name"),
        "enterprise_number": (invoice.seller or {}).get("enterprise_number"),
        "service": ", ".join(line.description for line in invoice.lines)[:300],
        "trade_name": (invoice.activity or {}).get("trade_name") or (invoice.activity or {}).get("name"),
    }


def billing_settings_out(settings) -> dict:
    return {
        "consumer_interest": settings.consumer_interest,
        "consumer_lump_sum": settings.consumer_lump_sum,
    }


def overdue_check_out(on, reminders: int) -> dict:
    return {"on": on.isoformat(), "reminders": reminders}


# Payments and bank statements


def payment_out(payment, applied: Money, status: str) -> dict:
    allocations = payment.allocations
    return {
        "payment_id": payment.id,
        "status": status,
        "amount": money(payment.amount),
        "value_date": day(payment.value_date),
        "bank_reference": payment.bank_reference,
        "invoice_id": allocations[0].invoice_id if allocations else None,
        "applied": str(applied),
        "unallocated": str(payment.amount - applied),
        "structured_communication": display_communication(payment.structured_communication),
        "counterparty_name": payment.counterparty_name,
        "counterparty_iban": payment.counterparty_iban,
    }


def payment_received_event(payment, invoice, applied: Money, revenue: Money, contribution: Money) -> dict:
    return {
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
    }


def payment_unmatched_event(payment, remainder: Money) -> dict:
    return {
        "payment_id": payment.id,
        "amount": money(payment.amount),
        "unallocated": str(remainder),
        "bank_reference": payment.bank_reference,
        "counterparty_name": payment.counterparty_name,
        "communication": payment.communication,
    }


def statement_line_out(movement, amount: Money, outcome: dict) -> dict:
    """One credit of an imported statement and what became of it (`outcome`: payment_out)."""
    return {
        "line": movement.line,
        "reference": movement.reference,
        "amount": str(amount),
        "status": outcome["status"],
        "payment_id": outcome["payment_id"],
        "invoice_id": outcome["invoice_id"],
        "counterparty_name": movement.counterparty_name,
        "communication": outcome["structured_communication"] or movement.communication,
    }


def statement_out(row, statement, counts: dict, warnings: list[str], lines: list[dict]) -> dict:
    """An imported statement: its balances, how many movements, what became of each credit."""
    return {
        "statement_id": row.id,
        "format": statement.format,
        "account_iban": statement.account_iban,
        "number": statement.number,
        "opening_balance": str(Money(statement.opening_balance)),
        "closing_balance": str(Money(statement.closing_balance)),
        "movements": len(statement.movements),
        "credits": len(statement.credits),
        "debits": len(statement.movements) - len(statement.credits),
        **counts,
        "warnings": warnings,
        "lines": lines,
    }


def statement_file_out(row) -> dict:
    """A statement file as received: its name, size and SHA-256 (the bytes only on request)."""
    return {
        "statement_id": row.statement_id,
        "filename": row.filename,
        "content_type": "application/xml" if row.filename.endswith(".xml") else "text/plain",
        "size": row.size,
        "sha256": row.content_sha256,
        "received_at": row.received_at.isoformat() if row.received_at else None,
    }


# Ledger and expenses


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


def expense_recorded_event(e) -> dict:
    """`expense_recorded`: the expense as booked (a supplier credit note has negative amounts)."""
    return dict(expense_out(e), expense_id=e.id, member_id=e.member_id)


def entry_out(entry) -> dict:
    """One posting on an activity's account."""
    return {
        "date": entry.entry_date.isoformat(),
        "kind": entry.kind,
        "amount": money(entry.amount),
        "reference": entry.reference,
        "transaction_id": entry.id,
    }


def activity_account_out(activity: dict, opening: Money, balance: Money, entries, provisions=None) -> dict:
    """`balance` is what the activity can pay out; `provisions` (by kind) is set aside for the
    pay it will owe and is not part of it."""
    provisions = provisions or {}
    shown, running = [], opening
    for entry in entries:  # in date order, from the balance before the first one
        running += entry.amount
        shown.append(dict(entry_out(entry), balance_after=str(running)))
    return {
        "activity_id": activity["id"],
        "activity_code": activity.get("code"),
        "opening_balance": str(opening),
        "balance": str(balance),
        "entries": shown,
        "provisions": {kind: str(amount) for kind, amount in sorted(provisions.items())},
        "provision_balance": str(sum(provisions.values(), Money.zero())),
    }


def activity_account_changed_event(activity_id: str, change: Money, balance: Money, row) -> dict:
    """`activity_account_changed` after booking the ledger transaction `row`."""
    return {
        "activity_id": activity_id,
        "change": str(change),
        "balance": str(balance),
        "source": row.source,
        "source_id": row.source_id,
        "reference": row.reference,
        "date": row.entry_date.isoformat(),
    }


# Peppol delivery and purchase documents


def _moment(value):
    return value.isoformat() if value else None


def delivery_out(row) -> dict | None:
    """How an issued document reaches its customer (docs/adr/011-peppol-delivery.md)."""
    if row is None:
        return None
    return {
        "channel": row.channel,
        "status": row.status,
        "reason": row.reason,
        "receiver": row.receiver,
        "access_point": row.access_point,
        "attempts": row.attempts,
        "queued_at": _moment(row.queued_at),
        "sent_at": _moment(row.sent_at),
        "delivered_at": _moment(row.delivered_at),
        "updated_at": _moment(row.updated_at),
    }


def invoice_delivery_event(invoice, row) -> dict:
    """`invoice_delivered` / `invoice_delivery_failed`: which document, to whom, what happened."""
    return {
        "invoice_id": invoice.id,
        "number": invoice.number,
        "kind": invoice.kind,
        "customer_id": invoice.customer_id,
        "customer_name": (invoice.buyer or {}).get("name"),
        "member_id": invoice.member_id,
        "activity_id": invoice.activity_id,
        "channel": row.channel,
        "status": row.status,
        "receiver": row.receiver,
        "access_point": row.access_point,
        "reason": row.reason or "",
        "attempts": row.attempts,
    }


def peppol_settings_out(row, secret_fields=()) -> dict:
    """The access point and its settings; of the secrets, only which are set."""
    if row is None:
        return {"access_point": None, "settings": {}, "secrets_set": [], "secret_fields": list(secret_fields)}
    return {
        "access_point": row.access_point,
        "settings": row.settings or {},
        "secrets_set": sorted(k for k, v in (row.secrets or {}).items() if v),
        "secret_fields": list(secret_fields),
        "updated_at": _moment(row.updated_at),
    }


def purchase_out(doc) -> dict:
    def amount(value):
        return None if value is None else str(value)

    return {
        "id": doc.id,
        "kind": doc.kind,
        "status": doc.status,
        "number": doc.number,
        "issue_date": day(doc.issue_date),
        "currency": doc.currency,
        "supplier_name": doc.supplier_name,
        "supplier_vat": doc.supplier_vat,
        "supplier_endpoint": doc.supplier_endpoint,
        "total_excl_vat": amount(doc.total_excl_vat),
        "total_vat": amount(doc.total_vat),
        "total_incl_vat": amount(doc.total_incl_vat),
        "has_pdf": doc.pdf is not None,
        "findings": doc.findings or [],
        "accepted_by": doc.accepted_by,
        "accepted_at": _moment(doc.accepted_at),
        "activity_id": doc.activity_id,
        "expense_id": doc.expense_id,
        "assigned_at": _moment(doc.assigned_at),
        "received_at": _moment(doc.received_at),
        "access_point": doc.access_point,
    }


def fetch_out(received: int, stored: int, invalid: int, duplicates: int) -> dict:
    return {"received": received, "stored": stored, "invalid": invalid, "duplicates": duplicates}

"""Draft invoices: create, edit, delete, read. Issuing lives in `issuing.py`."""

from decimal import Decimal

import sqlalchemy as sa

from coop_billing import repository as repo
from coop_billing.domain import vat
from coop_billing.orm import Invoice, InvoiceLine
from coop_billing.views import invoice_out
from coop_shared.credentials import (
    MEMBER,
    OPERATORS,
    READERS,
    acting_cooperative,
    may_see_member,
    require_role,
)
from coop_shared.errors import BusinessRuleViolation, NotFound
from coop_shared.money import Money
from coop_shared.storage.paging import page

DRAFTERS = (*OPERATORS, MEMBER)


def domain_lines(lines) -> list[vat.Line]:
    return [
        vat.Line(
            line["description"],
            Decimal(line["quantity"]),
            Money(Decimal(line["unit_price"])),
            Decimal(line["vat_rate"]),
        )
        for line in lines
    ]


def stored_lines(invoice) -> list[vat.Line]:
    return [
        vat.Line(
            line.description, Decimal(line.quantity), Money(Decimal(line.unit_price)), Decimal(line.vat_rate)
        )
        for line in invoice.lines
    ]


def totals_of(invoice) -> vat.Totals:
    return vat.totals(invoice.vat_regime, stored_lines(invoice))


def _fill(invoice: Invoice, regime: str, lines: list[vat.Line]) -> None:
    """Lines and totals, computed once per line (vat.Line) and summed."""
    totals = vat.totals(regime, lines)
    invoice.vat_regime = regime
    invoice.lines = [
        InvoiceLine(
            position=i + 1,
            description=line.description,
            quantity=line.quantity,
            unit_price=line.unit_price.amount,
            vat_rate=line.vat_rate,
            vat_category=vat.category(regime, line.vat_rate),
            net_amount=line.net.amount,
            vat_amount=line.vat.amount,
        )
        for i, line in enumerate(lines)
    ]
    invoice.total_excl_vat = totals.excl_vat.amount
    invoice.total_vat = totals.vat.amount
    invoice.total_incl_vat = totals.incl_vat.amount


def _check(uow, cooperative_id, data) -> tuple:
    customer = repo.customer(uow.session, cooperative_id, data["customer_id"])
    lines = domain_lines(data["lines"])
    vat.check_lines(data["vat_regime"], lines)
    vat.check_customer(data["vat_regime"], customer.vat_number)
    return customer, lines


def present(uow, invoice) -> dict:
    if invoice.kind == "credit_note":
        return invoice_out(invoice, totals_of(invoice), Money.zero(), Money.zero())
    paid, _, _ = repo.paid_on(uow.session, invoice.id)
    return invoice_out(
        invoice,
        totals_of(invoice),
        paid,
        repo.credited_on(uow.session, invoice.id),
        repo.credit_notes_of(uow.session, invoice.id),
    )


def create_invoice(uow, identity, directory, data: dict) -> dict:
    require_role(identity, *DRAFTERS)
    cooperative_id = acting_cooperative(identity, data.pop("cooperative", None))
    key = data.pop("idempotency_key", None)
    if key:
        existing = repo.invoice_by_idempotency_key(uow.session, cooperative_id, key)
        if existing is not None:
            return present(uow, existing)
    activity = directory.activity(str(data["activity_id"]))  # NotFound outside the caller's reach
    customer, lines = _check(uow, cooperative_id, data)
    invoice = Invoice(
        cooperative_id=cooperative_id,
        cooperative_slug=identity.cooperative,
        kind="invoice",
        status="draft",
        activity_id=activity["id"],
        member_id=activity["member_id"],
        customer_id=customer.id,
        requested_issue_date=data.get("issue_date"),
        requested_due_date=data.get("due_date"),
        buyer_reference=data.get("buyer_reference"),
        idempotency_key=key,
    )
    _fill(invoice, data["vat_regime"], lines)
    uow.session.add(invoice)
    uow.session.flush()
    return present(uow, invoice)


def _own_draft(uow, identity, invoice_id) -> Invoice:
    require_role(identity, *DRAFTERS)
    invoice = repo.invoice(uow.session, acting_cooperative(identity), invoice_id, for_update=True)
    if not may_see_member(identity, invoice.member_id):
        raise NotFound(f"No invoice '{invoice_id}'.")
    if invoice.status != "draft":
        raise BusinessRuleViolation(
            "An issued invoice never changes: correct it with a credit note.",
            {"status": invoice.status, "number": invoice.number},
        )
    return invoice


def update_invoice(uow, identity, directory, data: dict) -> dict:
    invoice = _own_draft(uow, identity, data["id"])
    activity = directory.activity(str(data["activity_id"]))
    customer, lines = _check(uow, invoice.cooperative_id, data)
    invoice.activity_id, invoice.member_id = activity["id"], activity["member_id"]
    invoice.customer_id = customer.id
    invoice.requested_issue_date, invoice.requested_due_date = data.get("issue_date"), data.get("due_date")
    invoice.buyer_reference = data.get("buyer_reference")
    _fill(invoice, data["vat_regime"], lines)
    uow.session.flush()
    return present(uow, invoice)


def delete_invoice(uow, identity, data: dict) -> dict:
    invoice = _own_draft(uow, identity, data["id"])
    uow.session.delete(invoice)
    return {"id": invoice.id, "deleted": True}


def get_invoice(uow, identity, data: dict) -> dict:
    require_role(identity, *READERS)
    invoice = repo.invoice(uow.session, acting_cooperative(identity, data.get("cooperative")), data["id"])
    if not may_see_member(identity, invoice.member_id):
        raise NotFound(f"No invoice '{data['id']}'.")
    return present(uow, invoice)


def list_invoices(uow, identity, data: dict) -> dict:
    require_role(identity, *READERS)
    cooperative_id = acting_cooperative(identity, data.get("cooperative"))
    query = sa.select(Invoice).where(
        Invoice.cooperative_id == cooperative_id, Invoice.kind == data.get("kind", "invoice")
    )
    if identity.role == MEMBER:
        query = query.where(Invoice.member_id == identity.member_id)
    for field in ("activity_id", "customer_id"):
        if data.get(field):
            query = query.where(getattr(Invoice, field) == str(data[field]))
    if data.get("status"):
        query = query.where(Invoice.status == data["status"])
    if data.get("issued_from"):
        query = query.where(Invoice.issue_date >= data["issued_from"])
    if data.get("issued_to"):
        query = query.where(Invoice.issue_date <= data["issued_to"])
    newest_first = (
        Invoice.issue_date.desc().nullsfirst(),
        Invoice.sequence.desc(),
        Invoice.created_at.desc(),
    )
    rows, total = page(uow.session, query, newest_first, data["limit"], data["offset"])
    return {"items": [present(uow, i) for i in rows], "total": total}

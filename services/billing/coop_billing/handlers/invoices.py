"""Draft invoices: create, edit, delete, read. Issuing lives in `issuing.py`."""

from coop_billing.domain import vat
from coop_billing.domain.content import DEFAULT_UNIT
from coop_billing.domain.receivables import Receivable
from coop_billing.domain.states import DocumentKind, InvoiceStatus
from coop_billing.orm import Invoice, InvoiceLine
from coop_billing.views import deleted_out, delivery_out, invoice_out, page_out
from coop_shared import audit
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

DRAFTERS = (*OPERATORS, MEMBER)


def domain_lines(lines) -> list[vat.Line]:
    """The lines of a validated payload as VAT lines."""
    return [
        vat.Line(line["description"], line["quantity"], Money(line["unit_price"]), line["vat_rate"])
        for line in lines
    ]


def totals_of(invoice) -> vat.Totals:
    """The breakdown from the recorded lines (never recomputed: an issued invoice reads back as issued)."""
    return vat.recorded_totals(
        [(line.vat_category, line.vat_rate, line.net_amount, line.vat_amount) for line in invoice.lines]
    )


LINE_CONTENT = ("unit", "supply_date", "period_start", "period_end")
SUPPLY = ("supply_date", "period_start", "period_end")


def fill(invoice: Invoice, regime: str, lines: list[vat.Line], content: list[dict] | None = None) -> None:
    """Lines and totals: nets rounded per line, VAT per rate on the rate's total (vat.totals);
    `content` gives each line's unit and supply date or period (domain/content.py)."""
    totals = vat.totals(regime, lines)
    content = content or [{} for _ in lines]
    invoice.vat_regime = regime
    invoice.lines = [
        InvoiceLine(
            position=i + 1,
            description=line.description,
            quantity=line.quantity,
            unit_price=line.unit_price,
            vat_rate=line.vat_rate,
            vat_category=vat.category(regime, line.vat_rate),
            net_amount=line.net,
            vat_amount=totals.line_vats[i],
            unit=extra.get("unit") or DEFAULT_UNIT,
            supply_date=extra.get("supply_date"),
            period_start=extra.get("period_start"),
            period_end=extra.get("period_end"),
        )
        for i, (line, extra) in enumerate(zip(lines, content, strict=True))
    ]
    invoice.total_excl_vat = totals.excl_vat
    invoice.total_vat = totals.vat
    invoice.total_incl_vat = totals.incl_vat


def _content(invoice: Invoice, data: dict) -> None:
    """The supply date or period of the whole invoice, and the renovation declaration."""
    for field in SUPPLY:
        setattr(invoice, field, data.get(field))
    invoice.renovation_declaration = bool(data.get("renovation_declaration"))


def _line_content(data: dict) -> list[dict]:
    return [{field: line.get(field) for field in LINE_CONTENT} for line in data["lines"]]


def _check(uow, cooperative_id, data) -> tuple:
    customer = uow.repo.customer(cooperative_id, data["customer_id"])
    lines = domain_lines(data["lines"])
    vat.check_lines(data["vat_regime"], lines, data.get("renovation_declaration", False))
    vat.check_customer(data["vat_regime"], customer.vat_number)
    return customer, lines


def present_all(uow, documents) -> list[dict]:
    """Invoices and credit notes as their readers see them. What was paid and credited, and
    the credit notes, are read for all the invoices at once (never one query per invoice)."""
    invoice_ids = [d.id for d in documents if d.kind == DocumentKind.INVOICE]
    receivables = uow.repo.receivables(invoice_ids)
    credit_notes = uow.repo.credit_notes_of(invoice_ids)
    deliveries = uow.repo.deliveries_of([d.id for d in documents])
    return [
        dict(
            invoice_out(d, totals_of(d))
            if d.kind == DocumentKind.CREDIT_NOTE
            else invoice_out(d, totals_of(d), receivables[d.id], credit_notes.get(d.id, ())),
            delivery=delivery_out(deliveries.get(d.id)),  # how it reaches the customer (Peppol, e-mail)
        )
        for d in documents
    ]


def present_new(document, delivery=None) -> dict:
    """A document created, or issued from its draft, in this very transaction, as `present`
    shows it, without reading anything back (issue 18): nothing can have been paid on it or
    credited yet, since payments and credit notes apply only to issued invoices and this one
    was a draft, locked by this transaction, until now. `delivery`: the row just recorded."""
    if document.kind == DocumentKind.CREDIT_NOTE:
        out = invoice_out(document, totals_of(document))
    else:
        nothing = Money.zero()
        out = invoice_out(
            document, totals_of(document), Receivable(document.total_incl_vat, nothing, nothing)
        )
    return dict(out, delivery=delivery_out(delivery))


def present(uow, document) -> dict:
    """One invoice or credit note as its reader sees it (`present_all`)."""
    return present_all(uow, [document])[0]


def create_invoice(uow, identity, members, data: dict) -> dict:
    """A draft. The same request again (its `idempotency_key`, or a redelivered message) is
    answered by the `rpc` decorator with the first draft (coop_shared.runtime.idempotency)."""
    require_role(identity, *DRAFTERS)
    cooperative_id = acting_cooperative(identity, data.pop("cooperative", None))
    activity = members.activity(str(data["activity_id"]))  # NotFound outside the caller's reach
    customer, lines = _check(uow, cooperative_id, data)
    invoice = Invoice(
        cooperative_id=cooperative_id,
        cooperative_slug=identity.cooperative,
        kind=DocumentKind.INVOICE,
        status=InvoiceStatus.DRAFT,
        activity_id=activity["id"],
        member_id=activity["member_id"],
        customer_id=customer.id,
        requested_issue_date=data.get("issue_date"),
        requested_due_date=data.get("due_date"),
        buyer_reference=data.get("buyer_reference"),
        created_by=audit.actor(identity),
    )
    _content(invoice, data)
    fill(invoice, data["vat_regime"], lines, _line_content(data))
    uow.repo.add(invoice)
    uow.repo.flush()
    return present_new(invoice)


def _own_draft(uow, identity, invoice_id) -> Invoice:
    require_role(identity, *DRAFTERS)
    invoice = uow.repo.invoice(acting_cooperative(identity), invoice_id, for_update=True)
    if not may_see_member(identity, invoice.member_id):
        raise NotFound(f"No invoice '{invoice_id}'.")
    if invoice.status != InvoiceStatus.DRAFT:
        raise BusinessRuleViolation(
            "An issued invoice never changes: correct it with a credit note.",
            {"status": invoice.status, "number": invoice.number},
        )
    return invoice


def update_invoice(uow, identity, members, data: dict) -> dict:
    invoice = _own_draft(uow, identity, data["id"])
    activity = members.activity(str(data["activity_id"]))
    customer, lines = _check(uow, invoice.cooperative_id, data)
    invoice.activity_id, invoice.member_id = activity["id"], activity["member_id"]
    invoice.customer_id = customer.id
    invoice.requested_issue_date, invoice.requested_due_date = data.get("issue_date"), data.get("due_date")
    invoice.buyer_reference = data.get("buyer_reference")
    _content(invoice, data)
    fill(invoice, data["vat_regime"], lines, _line_content(data))
    uow.repo.flush()
    return present(uow, invoice)


def delete_invoice(uow, identity, data: dict) -> dict:
    invoice = _own_draft(uow, identity, data["id"])
    uow.repo.delete(invoice)
    return deleted_out(invoice)


def get_invoice(uow, identity, data: dict) -> dict:
    require_role(identity, *READERS)
    invoice = uow.repo.invoice(acting_cooperative(identity, data.get("cooperative")), data["id"])
    if not may_see_member(identity, invoice.member_id):
        raise NotFound(f"No invoice '{data['id']}'.")
    return present(uow, invoice)


def list_invoices(uow, identity, data: dict) -> dict:
    """A member key lists only its own member's documents."""
    require_role(identity, *READERS)
    cooperative_id = acting_cooperative(identity, data.get("cooperative"))
    member_id = identity.member_id if identity.role == MEMBER else None
    rows, total = uow.repo.invoices_page(cooperative_id, data, data["limit"], data["offset"], member_id)
    return page_out(present_all(uow, rows), total)

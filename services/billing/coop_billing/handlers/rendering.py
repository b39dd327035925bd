"""Rendering an issued invoice or credit note for its reader."""

import base64

from coop_billing.domain.states import DocumentKind, InvoiceStatus
from coop_billing.einvoicing import ubl
from coop_billing.handlers.invoices import present
from coop_billing.render import pdf
from coop_billing.views import rendered_out
from coop_shared.credentials import READERS, acting_cooperative, may_see_member, require_role
from coop_shared.errors import BusinessRuleViolation, NotFound


def render_invoice(uow, identity, data: dict, renderer=None) -> dict:
    """The PDF (with its EPC QR payload), or the Peppol UBL with the PDF inside. `renderer`
    renders the PDF the first time (the service's child process, render/separate_process.py);
    without one, this process renders it."""
    require_role(identity, *READERS)
    cooperative_id = acting_cooperative(identity)
    invoice = uow.repo.invoice(cooperative_id, data["invoice_id"])
    if not may_see_member(identity, invoice.member_id):
        raise NotFound(f"No invoice '{data['invoice_id']}'.")
    if invoice.status == InvoiceStatus.DRAFT:
        raise BusinessRuleViolation("A draft has no legal form yet: issue it first.")
    kept = uow.repo.invoice_pdf(invoice.id)
    if kept is not None and data["format"] != "ubl":  # the PDF as first rendered, nothing to compute
        return _pdf_out(invoice, kept.content, kept.epc_qr_payload)
    document = dict(
        present(uow, invoice), seller=invoice.seller, buyer=invoice.buyer, activity=invoice.activity
    )
    credited = None
    if invoice.kind == DocumentKind.CREDIT_NOTE:
        original = uow.repo.invoice(cooperative_id, invoice.credited_invoice_id)
        credited = {"number": original.number, "issue_date": original.issue_date.isoformat()}
    if kept is not None:
        content, payload = kept.content, kept.epc_qr_payload
    else:  # the first reading renders it, and keeps it (orm.InvoicePdf): nothing printed changes
        content, payload = (renderer or pdf).render(document, credited)
        uow.repo.keep_invoice_pdf(invoice.id, content, payload)
    if data["format"] == "ubl":
        # Peppol BIS 3.0 with the PDF inside, as Belgian customers expect
        # (docs/domain/e-invoicing.md).
        xml = ubl.render(document, content, credited)
        return rendered_out(f"{invoice.number}.xml", "application/xml", base64.b64encode(xml).decode("ascii"))
    return _pdf_out(invoice, content, payload)


def _pdf_out(invoice, content: bytes, payload: str | None) -> dict:
    return rendered_out(
        f"{invoice.number}.pdf",
        "application/pdf",
        base64.b64encode(content).decode("ascii"),
        epc_qr_payload=payload,
    )

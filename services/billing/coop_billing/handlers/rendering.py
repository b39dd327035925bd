"""Rendering an issued invoice or credit note for its reader."""

import base64

from coop_billing import repository as repo
from coop_billing.einvoicing import ubl
from coop_billing.handlers.invoices import present
from coop_billing.render import pdf
from coop_shared.credentials import READERS, acting_cooperative, may_see_member, require_role
from coop_shared.errors import BusinessRuleViolation, NotFound


def render_invoice(uow, identity, data: dict) -> dict:
    require_role(identity, *READERS)
    cooperative_id = acting_cooperative(identity)
    invoice = repo.invoice(uow.session, cooperative_id, data["invoice_id"])
    if not may_see_member(identity, invoice.member_id):
        raise NotFound(f"No invoice '{data['invoice_id']}'.")
    if invoice.status == "draft":
        raise BusinessRuleViolation("A draft has no legal form yet: issue it first.")
    document = dict(
        present(uow, invoice), seller=invoice.seller, buyer=invoice.buyer, activity=invoice.activity
    )
    credited = None
    if invoice.kind == "credit_note":
        original = repo.invoice(uow.session, cooperative_id, invoice.credited_invoice_id)
        credited = {"number": original.number, "issue_date": original.issue_date.isoformat()}
    content, payload = pdf.render(document, credited)
    if data["format"] == "ubl":
        # Peppol BIS 3.0 with the PDF inside, as Belgian customers expect (belgium-2026.md 4.1).
        xml = ubl.render(document, content, credited)
        return {
            "filename": f"{invoice.number}.xml",
            "content_type": "application/xml",
            "content": base64.b64encode(xml).decode("ascii"),
        }
    return {
        "filename": f"{invoice.number}.pdf",
        "content_type": "application/pdf",
        "content": base64.b64encode(content).decode("ascii"),
        "epc_qr_payload": payload,
    }

"""Supplier invoices and credit notes received over Peppol: fetched from the cooperative's
access point, validated, kept with their PDF, assigned by staff to an activity as an expense
(docs/domain/e-invoicing.md, "Receiving"; domain/purchases.py)."""

from __future__ import annotations

import base64
import hashlib
import logging

from coop_billing.domain.purchases import NotAssignable, PurchaseStatus, check_assignable
from coop_billing.handlers.ledger import book_expense
from coop_billing.orm import Expense, PurchaseDocument
from coop_billing.peppol import inbound
from coop_billing.peppol.validation import findings_out, validate
from coop_billing.views import fetch_out, page_out, purchase_out, rendered_out
from coop_shared.credentials import AUDITOR, OPERATORS, acting_cooperative, require_role
from coop_shared.errors import BusinessRuleViolation, NotFound
from coop_shared.storage.types import utcnow

log = logging.getLogger(__name__)
PURCHASE_READERS = (*OPERATORS, AUDITOR)


def store(uow, cooperative_id: str, access_point: str, inbound_id: str, content: bytes) -> tuple[str, bool]:
    """Keep one received document, valid or not; (status, stored). The same content again is
    recognised by its digest and stores nothing (an inbox read twice, a confirm lost)."""
    digest = hashlib.sha256(content).hexdigest()
    existing = uow.repo.purchase_by_digest(cooperative_id, digest)
    if existing is not None:
        return existing.status, False
    report = validate(content)
    found = inbound.read(content)
    findings = findings_out(report) + [
        {"rule": "READ", "flag": "fatal", "location": "", "text": problem, "rule_set": "billing"}
        for problem in found.problems
    ]
    document = PurchaseDocument(
        cooperative_id=cooperative_id,
        access_point=access_point,
        inbound_id=inbound_id[:200],
        content_sha256=digest,
        kind=found.kind,
        number=(found.number or "")[:100] or None,
        issue_date=found.issue_date,
        currency=(found.currency or "")[:3] or None,
        supplier_name=(found.supplier_name or "")[:200] or None,
        supplier_vat=(found.supplier_vat or "")[:30] or None,
        supplier_endpoint=(found.supplier_endpoint or "")[:60] or None,
        total_excl_vat=found.total_excl_vat,
        total_vat=found.total_vat,
        total_incl_vat=found.total_incl_vat,
        ubl=content,
        pdf=found.pdf,
        pdf_filename=found.pdf_filename,
        status=PurchaseStatus.WAITING if not findings else PurchaseStatus.INVALID,
        findings=findings,
    )
    uow.repo.add(document)
    uow.repo.flush()
    return document.status, True


def fetch_all(uow, peppol) -> dict:
    """The timer: every configured cooperative's inbox."""
    totals = {"received": 0, "stored": 0, "invalid": 0, "duplicates": 0}
    rows = uow.repo.peppol_configured()
    uow.commit()
    for row in rows:
        try:
            counts = _fetch(uow, peppol, row)
        except Exception as exc:  # one cooperative's access point down must not stop the others
            log.warning("Peppol inbox of %s: %s: %s", row.cooperative_id, type(exc).__name__, exc)
            uow.rollback()
            continue
        for key, value in counts.items():
            totals[key] += value
    return totals


def fetch_purchase_documents(uow, identity, peppol) -> dict:
    """Read the caller's Peppol inbox now (staff; a timer does it too)."""
    require_role(identity, *OPERATORS)
    row = uow.repo.peppol_settings(acting_cooperative(identity))
    if row is None:
        raise BusinessRuleViolation("The cooperative has no Peppol access point: set_peppol_settings first.")
    uow.commit()
    return _fetch(uow, peppol, row)


def _fetch(uow, peppol, row) -> dict:
    """Each received document stored (committed) before it is confirmed to the access point:
    a crash in between leaves it in the inbox, and the digest recognises it next time."""
    access_point = peppol.access_point(row)
    counts = {"received": 0, "stored": 0, "invalid": 0, "duplicates": 0}
    for item in access_point.inbox():
        counts["received"] += 1
        status, stored = store(uow, row.cooperative_id, row.access_point, item.id, item.content)
        uow.commit()
        access_point.confirm(item.id)
        if not stored:
            counts["duplicates"] += 1
        elif status == PurchaseStatus.INVALID:
            counts["invalid"] += 1
        else:
            counts["stored"] += 1
    return fetch_out(**counts)


def list_purchase_documents(uow, identity, data: dict) -> dict:
    require_role(identity, *PURCHASE_READERS)
    rows, total = uow.repo.purchases_page(acting_cooperative(identity), data, data["limit"], data["offset"])
    return page_out([purchase_out(r) for r in rows], total)


def get_purchase_document(uow, identity, data: dict) -> dict:
    require_role(identity, *PURCHASE_READERS)
    return purchase_out(uow.repo.purchase(acting_cooperative(identity), data["id"]))


def render_purchase_document(uow, identity, data: dict) -> dict:
    """The document as received (UBL), or the PDF its supplier embedded."""
    require_role(identity, *PURCHASE_READERS)
    document = uow.repo.purchase(acting_cooperative(identity), data["id"])
    name = document.number or document.id
    if data["format"] == "pdf":
        if document.pdf is None:
            raise NotFound(f"The document '{data['id']}' carries no PDF.")
        return rendered_out(
            document.pdf_filename or f"{name}.pdf", "application/pdf", base64.b64encode(document.pdf).decode()
        )
    return rendered_out(f"{name}.xml", "application/xml", base64.b64encode(document.ubl).decode())


def accept_purchase_document(uow, identity, data: dict) -> dict:
    """A staff member looked at an invalid document's findings and accepts it for booking."""
    require_role(identity, *OPERATORS)
    document = uow.repo.purchase(acting_cooperative(identity), data["id"], for_update=True)
    if document.status == PurchaseStatus.INVALID:
        document.status = PurchaseStatus.WAITING
        document.accepted_by, document.accepted_at = identity.key_id or identity.role, utcnow()
    return purchase_out(document)


def assign_purchase_document(uow, identity, members, data: dict) -> dict:
    """Book the document as an expense of an activity: the amount excluding VAT debits the
    activity, the VAT stays on the record (deductible input VAT); a credit note books the
    reverse. Once only: assigning again answers the first booking."""
    require_role(identity, *OPERATORS)
    cooperative_id = acting_cooperative(identity)
    document = uow.repo.purchase(cooperative_id, data["id"], for_update=True)
    if document.status == PurchaseStatus.ASSIGNED:
        return purchase_out(document)
    try:
        check_assignable(
            document.status, document.total_excl_vat is not None and document.total_vat is not None
        )
    except NotAssignable as exc:
        raise BusinessRuleViolation(str(exc), {"status": document.status}) from None
    activity = members.activity(str(data["activity_id"]))
    credit = document.kind == "credit_note"
    excl_vat, vat = document.total_excl_vat, document.total_vat  # Money columns
    expense = Expense(
        cooperative_id=cooperative_id,
        activity_id=activity["id"],
        member_id=activity["member_id"],
        date=document.issue_date or utcnow().date(),
        supplier=(document.supplier_name or document.supplier_endpoint or "?")[:200],
        description=f"{'Note de crédit' if credit else 'Facture'} {document.number or document.id} (Peppol)"[
            :500
        ],
        amount_excl_vat=-excl_vat if credit else excl_vat,
        vat_amount=-vat if credit else vat,
        idempotency_key=f"purchase:{document.id}",
    )
    book_expense(uow, identity, expense)
    document.status, document.activity_id = PurchaseStatus.ASSIGNED, activity["id"]
    document.expense_id, document.assigned_at = expense.id, utcnow()
    return purchase_out(document)

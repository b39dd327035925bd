"""What billing reads from a UBL invoice or credit note it receives: who sent it, its number,
date, totals and the PDF a Belgian supplier usually embeds (BT-125). A document that cannot be
read yields what could be read, never an exception: it is kept and flagged, never dropped."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from coop_shared import xml_input

CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
KINDS = {"Invoice": "invoice", "CreditNote": "credit_note"}


@dataclass
class Received:
    kind: str | None = None  # invoice, credit_note, or None when the root is neither
    number: str | None = None
    issue_date: date | None = None
    currency: str | None = None
    supplier_name: str | None = None
    supplier_vat: str | None = None
    supplier_endpoint: str | None = None
    total_excl_vat: Decimal | None = None
    total_vat: Decimal | None = None
    total_incl_vat: Decimal | None = None
    pdf: bytes | None = None
    pdf_filename: str | None = None
    problems: list[str] = field(default_factory=list)


def _text(root, path: str) -> str | None:
    value = root.findtext(path.replace("cbc:", f"{{{CBC}}}").replace("cac:", f"{{{CAC}}}"))
    return value.strip() if value and value.strip() else None


def _amount(root, path: str, problems: list[str]) -> Decimal | None:
    text = _text(root, path)
    if text is None:
        return None
    try:
        return Decimal(text).quantize(Decimal("0.01"))
    except InvalidOperation:
        problems.append(f"{path}: not an amount ({text!r})")
        return None


def read(content: bytes) -> Received:
    from lxml import etree

    found = Received()
    try:
        root = xml_input.parse(content)  # defusedxml first: no DTD, entity or external reference
    except xml_input.UnsafeXml as exc:
        found.problems.append(f"not XML: {exc}")
        return found
    local = etree.QName(root).localname
    found.kind = KINDS.get(local)
    if found.kind is None:
        found.problems.append(f"the root is {local}, neither an Invoice nor a CreditNote")
        return found
    found.number = _text(root, "cbc:ID")
    issued = _text(root, "cbc:IssueDate")
    try:
        found.issue_date = date.fromisoformat(issued) if issued else None
    except ValueError:
        found.problems.append(f"IssueDate: not a date ({issued!r})")
    found.currency = _text(root, "cbc:DocumentCurrencyCode")
    supplier = "cac:AccountingSupplierParty/cac:Party/"
    found.supplier_name = _text(root, supplier + "cac:PartyLegalEntity/cbc:RegistrationName") or _text(
        root, supplier + "cac:PartyName/cbc:Name"
    )
    found.supplier_vat = _text(root, supplier + "cac:PartyTaxScheme/cbc:CompanyID")
    endpoint = root.find(f"{{{CAC}}}AccountingSupplierParty/{{{CAC}}}Party/{{{CBC}}}EndpointID")
    if endpoint is not None and endpoint.text:
        found.supplier_endpoint = f"{endpoint.get('schemeID', '')}:{endpoint.text.strip()}"
    totals = "cac:LegalMonetaryTotal/"
    found.total_excl_vat = _amount(root, totals + "cbc:TaxExclusiveAmount", found.problems)
    found.total_incl_vat = _amount(root, totals + "cbc:TaxInclusiveAmount", found.problems)
    found.total_vat = _amount(root, "cac:TaxTotal/cbc:TaxAmount", found.problems)
    if found.total_vat is None and found.total_excl_vat is not None and found.total_incl_vat is not None:
        found.total_vat = found.total_incl_vat - found.total_excl_vat
    for reference in root.iter(f"{{{CAC}}}AdditionalDocumentReference"):
        binary = reference.find(f"{{{CAC}}}Attachment/{{{CBC}}}EmbeddedDocumentBinaryObject")
        if binary is not None and (binary.get("mimeCode") or "").lower() == "application/pdf" and binary.text:
            try:
                found.pdf = base64.b64decode("".join(binary.text.split()), validate=True)
                found.pdf_filename = binary.get("filename") or f"{found.number or 'document'}.pdf"
            except (binascii.Error, ValueError):
                found.problems.append("the embedded PDF is not valid base64")
            break
    return found

"""The Peppol BIS Billing 3.0 UBL 2.1 Invoice or CreditNote of an issued document.

Element order follows the UBL 2.1 schema (the XSD rejects any other); what goes where follows
EN 16931 and the Peppol rules (docs/domain/e-invoicing.md): the cooperative is the seller with its
enterprise number as endpoint (scheme 0208), the structured communication is the payment id of
credit transfer 30 to the cooperative's IBAN, each VAT regime maps to its category (S/Z, AE, K,
G, E, O) with its exemption reason code and text, the supply date (BT-72) or invoicing period
(BT-73/74, line BT-134/135) when given, each line's UN/ECE Rec. 20 unit code, and the PDF travels
inside as an additional document.
"""

from __future__ import annotations

import base64
import xml.etree.ElementTree as ET
from decimal import Decimal

from coop_billing.domain import vat
from coop_billing.domain.content import DEFAULT_UNIT
from coop_billing.domain.states import DocumentKind
from coop_shared.errors import BusinessRuleViolation

CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
ROOTS = {
    DocumentKind.INVOICE: ("urn:oasis:names:specification:ubl:schema:xsd:Invoice-2", "Invoice"),
    DocumentKind.CREDIT_NOTE: ("urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2", "CreditNote"),
}
CUSTOMIZATION = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
PROFILE = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
UNIT = DEFAULT_UNIT  # "one", when a line names no unit

# VATEX codes (CEF list) per EN 16931 category (BR-AE-10, BR-IC-10, BR-G-10, BR-O-10); the
# reason text is the legal mention of the regime in the customer's language (domain/vat.py).
EXEMPTION_CODES = vat.EXEMPTION_CODES
# Categories that carry an exemption reason (BR-S-10 and BR-Z-10 forbid one on S and Z).
UNTAXED = ("AE", "K", "G", "E", "O")
NOT_SUBJECT = "O"  # no VAT rate (BR-O-05, BR-48) and no VAT identifiers (BR-O-02)
# Peppol EAS schemes of VAT numbers, for a buyer known only by its VAT number.
VAT_SCHEMES = {
    "BE": "9925",
    "AT": "9914",
    "DE": "9930",
    "ES": "9920",
    "FR": "9957",
    "IT": "0211",
    "LU": "9938",
    "NL": "9944",
    "PT": "9946",
}

ET.register_namespace("cbc", CBC)
ET.register_namespace("cac", CAC)


def _digits(text: str | None) -> str:
    return "".join(ch for ch in (text or "") if ch.isdigit())


def _add(parent, namespace: str, tag: str, text=None, **attributes):
    element = ET.SubElement(parent, f"{{{namespace}}}{tag}", {k: str(v) for k, v in attributes.items()})
    if text is not None:
        element.text = str(text)
    return element


def _amount(parent, name: str, value) -> None:
    _add(parent, CBC, name, f"{Decimal(value):.2f}", currencyID="EUR")


def _percent(rate) -> str:
    return f"{Decimal(rate) * 100:.2f}"


def buyer_endpoint(buyer: dict) -> tuple[str, str]:
    """(scheme, identifier) where the buyer receives Peppol documents."""
    if buyer.get("peppol_id"):
        scheme, _, identifier = buyer["peppol_id"].partition(":")
        return scheme, identifier
    if buyer.get("enterprise_number"):
        return "0208", _digits(buyer["enterprise_number"])
    vat_number = (buyer.get("vat_number") or "").replace(" ", "").replace(".", "").upper()
    if vat_number[:2] == "BE":
        return "0208", vat_number[2:]
    if vat_number[:2] in VAT_SCHEMES:
        return VAT_SCHEMES[vat_number[:2]], vat_number
    raise BusinessRuleViolation(
        "The customer has no Peppol address: record its Peppol id, enterprise number or VAT number.",
        {"customer_id": buyer.get("id")},
    )


def _address(party, address: dict) -> None:
    postal = _add(party, CAC, "PostalAddress")
    _add(postal, CBC, "StreetName", address["street"])
    _add(postal, CBC, "CityName", address["city"])
    _add(postal, CBC, "PostalZone", address["postal_code"])
    _add(_add(postal, CAC, "Country"), CBC, "IdentificationCode", address["country"])


def _seller(root, seller: dict, with_vat_id: bool = True) -> None:
    party = _add(_add(root, CAC, "AccountingSupplierParty"), CAC, "Party")
    enterprise = _digits(seller["enterprise_number"])
    _add(party, CBC, "EndpointID", enterprise, schemeID="0208")
    _add(_add(party, CAC, "PartyName"), CBC, "Name", seller["name"])
    _address(party, seller["address"])
    if with_vat_id:
        tax = _add(party, CAC, "PartyTaxScheme")
        _add(tax, CBC, "CompanyID", seller["vat_number"])
        _add(_add(tax, CAC, "TaxScheme"), CBC, "ID", "VAT")
    legal = _add(party, CAC, "PartyLegalEntity")
    _add(legal, CBC, "RegistrationName", seller["name"])
    _add(legal, CBC, "CompanyID", enterprise, schemeID="0208")
    form = " ".join(filter(None, (seller.get("legal_form"), seller.get("register"))))
    if form:
        _add(legal, CBC, "CompanyLegalForm", form)  # company law mention (BT-33)
    if seller.get("email"):
        _add(_add(party, CAC, "Contact"), CBC, "ElectronicMail", seller["email"])


def _buyer(root, buyer: dict, with_vat_id: bool = True) -> None:
    party = _add(_add(root, CAC, "AccountingCustomerParty"), CAC, "Party")
    scheme, identifier = buyer_endpoint(buyer)
    _add(party, CBC, "EndpointID", identifier, schemeID=scheme)
    _add(_add(party, CAC, "PartyName"), CBC, "Name", buyer["name"])
    _address(party, buyer["address"])
    if buyer.get("vat_number") and with_vat_id:
        tax = _add(party, CAC, "PartyTaxScheme")
        _add(tax, CBC, "CompanyID", buyer["vat_number"])
        _add(_add(tax, CAC, "TaxScheme"), CBC, "ID", "VAT")
    legal = _add(party, CAC, "PartyLegalEntity")
    _add(legal, CBC, "RegistrationName", buyer["name"])
    if buyer.get("enterprise_number"):
        _add(legal, CBC, "CompanyID", _digits(buyer["enterprise_number"]), schemeID="0208")
    if buyer.get("email"):
        _add(_add(party, CAC, "Contact"), CBC, "ElectronicMail", buyer["email"])


def _tax_category(parent, name: str, category: str, rate, reason: str | None = None) -> None:
    element = _add(parent, CAC, name)
    _add(element, CBC, "ID", category)
    if category != NOT_SUBJECT:
        _add(element, CBC, "Percent", _percent(rate))
    if reason and category in UNTAXED:
        if EXEMPTION_CODES.get(category):
            _add(element, CBC, "TaxExemptionReasonCode", EXEMPTION_CODES[category])
        _add(element, CBC, "TaxExemptionReason", reason)
    _add(_add(element, CAC, "TaxScheme"), CBC, "ID", "VAT")


def render(document: dict, pdf: bytes, credited: dict | None = None) -> bytes:
    """UBL bytes (UTF-8) of an issued invoice or credit note; `credited` names the invoice a
    credit note corrects ({"number", "issue_date"}). Parts in the order the UBL 2.1 XSD wants."""
    namespace, root_name = ROOTS[document["kind"]]
    root = ET.Element(f"{{{namespace}}}{root_name}")
    _header(root, document, credited)
    _attachment(root, document, pdf)
    subject = NOT_SUBJECT not in {item["category"] for item in document["vat_breakdown"]}
    _seller(root, document["seller"], with_vat_id=subject)
    _buyer(root, document["buyer"], with_vat_id=subject)
    _delivery(root, document)
    if document["kind"] == DocumentKind.INVOICE:
        _payment_means(root, document)
    _tax_total(root, document)
    _monetary_total(root, document)
    _lines(root, document)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _header(root, document: dict, credited: dict | None) -> None:
    """Profile, number, dates, type, currency, references."""
    _add(root, CBC, "CustomizationID", CUSTOMIZATION)
    _add(root, CBC, "ProfileID", PROFILE)
    _add(root, CBC, "ID", document["number"])
    _add(root, CBC, "IssueDate", document["issue_date"])
    if document["kind"] == DocumentKind.INVOICE:
        _add(root, CBC, "DueDate", document["due_date"])
        _add(root, CBC, "InvoiceTypeCode", "380")
    else:
        _add(root, CBC, "CreditNoteTypeCode", "381")
        if document.get("reason"):
            _add(root, CBC, "Note", document["reason"])
    _add(root, CBC, "DocumentCurrencyCode", "EUR")
    # PEPPOL-EN16931-R003 wants a buyer reference or an order reference; without one from the
    # customer, the document number is the reference both sides know.
    _add(root, CBC, "BuyerReference", document.get("buyer_reference") or document["number"])
    _period(root, document)
    if credited:
        reference = _add(_add(root, CAC, "BillingReference"), CAC, "InvoiceDocumentReference")
        _add(reference, CBC, "ID", credited["number"])
        _add(reference, CBC, "IssueDate", credited["issue_date"])


def _attachment(root, document: dict, pdf: bytes) -> None:
    """The PDF, travelling inside as an additional document."""
    attached = _add(root, CAC, "AdditionalDocumentReference")
    _add(attached, CBC, "ID", document["number"])
    _add(attached, CBC, "DocumentDescription", "PDF")
    _add(
        _add(attached, CAC, "Attachment"),
        CBC,
        "EmbeddedDocumentBinaryObject",
        base64.b64encode(pdf).decode("ascii"),
        mimeCode="application/pdf",
        filename=f"{document['number']}.pdf",
    )


def _period(parent, data: dict, line: bool = False) -> None:
    """The invoicing period (BG-14: BT-73/74; on a line BG-26: BT-134/135), when given. A line
    supplied on one day has a period of that day."""
    start, end = data.get("period_start"), data.get("period_end")
    if not start and data.get("supply_date") and line:
        start = end = data["supply_date"]
    if not start:
        return
    period = _add(parent, CAC, "InvoicePeriod")
    _add(period, CBC, "StartDate", start)
    _add(period, CBC, "EndDate", end)


def _delivery(root, document: dict) -> None:
    """The actual delivery date (BT-72) when it differs from the issue date (AR n°1 art. 5 §1
    7°); BR-IC-11/12: an intra-community supply names when and where it was delivered."""
    intra_community = "K" in {item["category"] for item in document["vat_breakdown"]}
    supply_date = document.get("supply_date")
    if intra_community and not supply_date and not document.get("period_start"):
        supply_date = document["issue_date"]
    if not supply_date and not intra_community:
        return
    delivery = _add(root, CAC, "Delivery")
    if supply_date:
        _add(delivery, CBC, "ActualDeliveryDate", supply_date)
    if intra_community:
        address = _add(_add(delivery, CAC, "DeliveryLocation"), CAC, "Address")
        country = document["buyer"]["address"]["country"]
        _add(_add(address, CAC, "Country"), CBC, "IdentificationCode", country)


def _payment_means(root, document: dict) -> None:
    """Credit transfer (30) to the cooperative's IBAN, the structured communication as payment id."""
    seller = document["seller"]
    means = _add(root, CAC, "PaymentMeans")
    _add(means, CBC, "PaymentMeansCode", "30", name="Credit transfer")
    if document.get("structured_communication"):
        _add(means, CBC, "PaymentID", document["structured_communication"])
    account = _add(means, CAC, "PayeeFinancialAccount")
    _add(account, CBC, "ID", seller["iban"].replace(" ", ""))
    _add(account, CBC, "Name", seller["name"])
    if seller.get("bic"):
        _add(_add(account, CAC, "FinancialInstitutionBranch"), CBC, "ID", seller["bic"])


def _tax_total(root, document: dict) -> None:
    """The VAT, per category and rate, with the regime's legal mention as exemption reason."""
    language = document["buyer"].get("language") or "fr"
    mention = vat.MENTIONS.get(document["vat_regime"], {}).get(language)
    tax_total = _add(root, CAC, "TaxTotal")
    _amount(tax_total, "TaxAmount", document["total_vat"])
    for item in document["vat_breakdown"]:
        subtotal = _add(tax_total, CAC, "TaxSubtotal")
        _amount(subtotal, "TaxableAmount", item["taxable_amount"])
        _amount(subtotal, "TaxAmount", item["vat_amount"])
        _tax_category(subtotal, "TaxCategory", item["category"], item["rate"], reason=mention)


def _monetary_total(root, document: dict) -> None:
    totals = _add(root, CAC, "LegalMonetaryTotal")
    _amount(totals, "LineExtensionAmount", document["total_excl_vat"])
    _amount(totals, "TaxExclusiveAmount", document["total_excl_vat"])
    _amount(totals, "TaxInclusiveAmount", document["total_incl_vat"])
    _amount(totals, "PayableAmount", document["total_incl_vat"])


def _lines(root, document: dict) -> None:
    line_name, quantity_name = (
        ("InvoiceLine", "InvoicedQuantity")
        if document["kind"] == DocumentKind.INVOICE
        else ("CreditNoteLine", "CreditedQuantity")
    )
    for number, line in enumerate(document["lines"], start=1):
        element = _add(root, CAC, line_name)
        _add(element, CBC, "ID", number)
        _add(element, CBC, quantity_name, line["quantity"], unitCode=line.get("unit") or UNIT)
        _amount(element, "LineExtensionAmount", line["net_amount"])
        _period(element, line, line=True)
        item = _add(element, CAC, "Item")
        _add(item, CBC, "Name", line["description"][:200])
        _tax_category(item, "ClassifiedTaxCategory", line["vat_category"], line["vat_rate"])
        _amount(_add(element, CAC, "Price"), "PriceAmount", line["unit_price"])

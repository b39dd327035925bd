"""Documents that print: every PDF is set in the embedded DejaVu Sans (shared/coop_shared/
pdf_fonts.py), so the text read back from a French, a Dutch and an English invoice, credit note
and payslip has every amount exactly as coop_shared.formatting writes it (the French narrow
no-break space U+202F included) and no character the font cannot draw."""

import base64

import pypdfium2
import pytest

from coop_payroll.render import payslip_pdf
from coop_shared.formatting import amount_text
from coop_shared.pdf_fonts import missing_glyphs
from tests.integration import billing_setup

LANGUAGES = {"fr": billing_setup.FR_PERSON, "nl": billing_setup.NL_CUSTOMER, "en": billing_setup.DE_COMPANY}


def issue_documents(start_services, rpc_client) -> dict:
    """One invoice (with a period, units and amounts over €1,000) and its credit note per
    language: {language: {kind: (document, (text, pdf bytes))}}."""
    start_services("members", "billing")
    world = billing_setup.build(rpc_client)
    out = {}
    for language, customer in LANGUAGES.items():
        customer_id = (
            world.nl_customer["id"] if language == "nl" else world.dies.create_customer(customer)["id"]
        )
        payload = billing_setup.two_line_invoice(world, customer_id=customer_id)
        if language == "en":  # a German business: intra-EU services, no Belgian VAT
            payload.update(vat_regime="intra_eu_services")
            for line in payload["lines"]:
                line["vat_rate"] = "0"
        payload.update(period_start="2026-10-01", period_end="2026-10-31")
        payload["lines"][0].update(unit="HUR", quantity="16", unit_price="1250.00")
        invoice = world.dies.issue_invoice(world.dies.create_invoice(payload)["id"])
        note = world.dies.create_credit_note({"invoice_id": invoice["id"], "reason": "Erreur de période"})
        out[language] = {
            kind: (document, read(world.dies.render_invoice({"invoice_id": document["id"], "format": "pdf"})))
            for kind, document in (("invoice", invoice), ("credit note", note))
        }
    return out


def read(rendered) -> tuple[str, bytes]:
    content = base64.b64decode(rendered["content"])
    document = pypdfium2.PdfDocument(content)
    text = " ".join(page.get_textpage().get_text_range() for page in document)
    return text.replace("\r\n", " ").replace("\n", " "), content


def amounts_of(document: dict) -> set[str]:
    values = {document[k] for k in ("total_excl_vat", "total_vat", "total_incl_vat")}
    values |= {line[k] for line in document["lines"] for k in ("unit_price", "net_amount")}
    values |= {item[k] for item in document["vat_breakdown"] for k in ("taxable_amount", "vat_amount")}
    return values


def assert_prints(text: str, content: bytes, amounts: set[str], language: str) -> None:
    assert missing_glyphs(text) == set() and "\ufffd" not in text
    assert b"DejaVuSans" in content and b"/Helvetica" not in content  # the one embedded font
    for value in amounts:
        assert amount_text(value, language) in text, (value, amount_text(value, language))


def test_invoices_and_credit_notes_print_every_amount_and_mention(start_services, rpc_client):
    """Services started once for the six documents (fr, nl, en × invoice, credit note)."""
    documents = issue_documents(start_services, rpc_client)
    for language in LANGUAGES:
        for kind in ("invoice", "credit note"):
            document, (text, content) = documents[language][kind]
            assert_prints(text, content, amounts_of(document), language)
    assert "20\u202f000,00 €" in documents["fr"]["invoice"][1][0]  # 16 h × €1,250: the separator prints
    mandatory_mentions(*(documents[language]["invoice"][1][0] for language in ("fr", "nl", "en")))


def mandatory_mentions(fr: str, nl: str, en: str) -> None:
    for expected in (
        "Dies SC",
        "RPM Bruxelles",
        "Belgique",
        "Période facturée: 2026-10-01 au 2026-10-31",
        "heure",
        "Fournisseur : Dies SC. Amina Cargo est un nom commercial de Dies SC",
        "premier rappel gratuit vous laissant 14 jours",  # a consumer: Book XIX CDE
        "livre XIX du Code de droit économique",
    ):
        assert expected in fr, expected
    assert "pour le compte de" not in fr and "taux légal" not in fr
    for expected in (
        "Dies CV",
        "RPR Brussel",
        "België",
        "Gefactureerde periode",
        "uur",
        "artikel 5 van de wet",
    ):
        assert expected in nl, expected
    for expected in (
        "RLE Brussels",
        "Germany",
        "Invoicing period",
        "hour",
        "Amina Cargo is a trade name of Dies SC",
        "art. 196 Directive 2006/112/EC",
    ):
        assert expected in en, expected
    assert "on behalf of" not in en


PAYSLIP = {
    "status_model": "be_salaried",
    "period": "2026-11",
    "gross": "3200.00",
    "net_to_pay": "2264.52",
    "total_cost": "4000.00",
    "balance_before": "12500.00",
    "balance_after": "8500.00",
    "rules_version": "be-2026.1",
    "lines": [
        {
            "label": "Cotisation ONSS",
            "base": "3200.00",
            "rate": "0.1307",
            "amount": "-418.24",
            "borne_by": "member",
        },
        {"label": "Précompte", "base": "2781.76", "rate": None, "amount": "-517.24", "borne_by": "member"},
    ],
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_payslip_prints_every_amount_in_its_language(language):
    member = {"name": "Amina Diallo-Wérenne", "language": language, "iban": "BE68 5390 0754 7034"}
    content = payslip_pdf.render(PAYSLIP, member, "Dies")
    text, _ = read({"content": base64.b64encode(content).decode()})
    amounts = {PAYSLIP[k] for k in ("gross", "net_to_pay", "total_cost", "balance_before", "balance_after")}
    amounts |= {line["amount"] for line in PAYSLIP["lines"]} | {line["base"] for line in PAYSLIP["lines"]}
    assert_prints(text, content, amounts, language)

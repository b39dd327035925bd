"""The PDF an entrepreneur's customer receives: opened, read and its QR code scanned."""

import base64

import pypdfium2
import pytest
import zxingcpp

from tests.integration import billing_setup


@pytest.fixture
def world(start_services, rpc_client):
    start_services("members", "billing")
    return billing_setup.build(rpc_client)


def open_pdf(rendered):
    assert rendered["content_type"] == "application/pdf"
    document = pypdfium2.PdfDocument(base64.b64decode(rendered["content"]))
    text = "\n".join(page.get_textpage().get_text_range() for page in document)
    image = document[0].render(scale=3).to_pil()
    return text, [code.text for code in zxingcpp.read_barcodes(image)]


def test_invoice_pdf_in_dutch_has_every_mention_and_a_scannable_qr(world):
    invoice = world.dies.issue_invoice(world.dies.create_invoice(billing_setup.two_line_invoice(world))["id"])
    rendered = world.dies.render_invoice({"invoice_id": invoice["id"], "format": "pdf"})
    text, codes = open_pdf(rendered)
    normalised = " ".join(text.split())
    for expected in (
        "FACTUUR " + invoice["number"],  # the customer reads Dutch
        "Dies CV",  # legal form and register court in Dutch (CSA art. 2:20)
        "RPR Brussel",
        "België",  # country names, not codes
        "Rue de la Loi 16",
        "Btw BE0403170701",
        "Ondernemingsnr. 0403170701",
        "BE05068123456775",
        "GKCCBEBB",  # seller's identity
        "Bakkerij Peeters BV",
        "Vlaamsesteenweg 20",
        "Btw BE0202239951",  # customer
        "Livraisons à vélo — octobre",
        "Livres de recettes",  # every line
        "800,00 €",
        "200,01 €",
        "21 %",
        "6 %",
        "168,00 €",
        "12,00 €",  # VAT breakdown
        "1.000,01 €",
        "180,00 €",
        "1.180,01 €",  # totals
        invoice["structured_communication"],
        invoice["issue_date"],
        invoice["due_date"],
        "Amina Cargo (A0001)",
        "Amina Cargo is een handelsnaam van Dies CV",  # the cooperative is the supplier
        "artikel 5 van de wet van 2 augustus 2002",  # the rate of art. 5, not "the legal rate"
        "40 EUR",
    ):
        assert expected in normalised, expected
    digits = "".join(ch for ch in invoice["structured_communication"] if ch.isdigit())
    assert codes == [rendered["epc_qr_payload"]]
    assert codes[0].split("\n") == [
        "BCD",
        "002",
        "1",
        "SCT",
        "GKCCBEBB",
        "Dies SC",  # the beneficiary's full legal name
        "BE05068123456775",
        "EUR1180.01",
        "",
        digits,
    ]


def test_credit_note_pdf_refers_to_the_invoice_and_carries_the_vat_mention(world):
    invoice = world.dies.issue_invoice(world.dies.create_invoice(billing_setup.two_line_invoice(world))["id"])
    note = world.dies.create_credit_note({"invoice_id": invoice["id"], "reason": "Commande annulée"})
    text, codes = open_pdf(world.dies.render_invoice({"invoice_id": note["id"], "format": "pdf"}))
    normalised = " ".join(text.split())
    assert "CREDITNOTA " + note["number"] in normalised
    assert f"Creditnota bij factuur {invoice['number']} ({invoice['issue_date']})" in normalised
    assert "Btw terug te storten aan de Staat" in normalised
    assert "1.180,01 €" in normalised
    assert codes == []  # nothing to pay on a credit note


def test_french_customer_gets_french_words(world):
    person = world.dies.create_customer(billing_setup.FR_PERSON)
    invoice = world.dies.issue_invoice(
        world.dies.create_invoice(billing_setup.two_line_invoice(world, customer_id=person["id"]))["id"]
    )
    text, _ = open_pdf(world.dies.render_invoice({"invoice_id": invoice["id"], "format": "pdf"}))
    normalised = " ".join(text.split())
    assert "FACTURE " + invoice["number"] in normalised and "Communication structurée" in normalised
    assert "1\u202f180,01 €" in text or "1 180,01 €" in normalised

"""What an invoice PDF costs to render (issue 18): the fonts, styles and table styles are built
once per process, not per document; the EPC QR code's modules are exactly segno's, its mask
chosen without segno's per-module loops; the code is drawn as one run of path operators, not a
rectangle call per module. No wall-clock threshold: the counts and the modules are what the
change is about, and bench/ measures the time."""

import base64
import random
import re

import pypdfium2
import pytest
import segno
import zxingcpp
from reportlab.lib import styles as reportlab_styles
from reportlab.pdfbase import ttfonts
from segno import encoder

from coop_billing.domain.epc_qr import epc_payload
from coop_billing.handlers import customers, invoices, issuing, rendering
from coop_billing.orm import Base as BillingBase
from coop_billing.render import pdf, qr
from coop_billing.repository import BillingRepository
from coop_billing.schemas import CreateCustomerSchema, CreateInvoiceSchema
from coop_shared import pdf_fonts
from coop_shared.money import Money
from tests.unit import test_billing_handlers as billing
from tests.unit.fake_uow import FakeUnitOfWork


@pytest.fixture
def issued_invoice(monkeypatch):
    """The document and its QR payload as render_invoice hands them to the renderer."""
    uow = FakeUnitOfWork(BillingBase.metadata, repository=BillingRepository)
    customer = customers.create_customer(
        uow, billing.ADMIN, CreateCustomerSchema().load(dict(billing.CUSTOMER))
    )
    lines = [
        {
            "description": "Livraisons à vélo — octobre",
            "quantity": "40",
            "unit_price": "20.00",
            "vat_rate": "0.21",
        },
        {"description": "Livres de recettes", "quantity": "1", "unit_price": "200.01", "vat_rate": "0.06"},
    ]
    payload = {"activity_id": billing.ACTIVITY_ID, "customer_id": customer["id"], "vat_regime": "standard"}
    draft = invoices.create_invoice(
        uow, billing.ADMIN, billing.FakeMembers(), CreateInvoiceSchema().load(dict(payload, lines=lines))
    )
    issued = issuing.issue_invoice(
        uow, billing.ADMIN, billing.FakeMembers(), {"id": draft["id"]}, billing.TODAY
    )
    calls = []
    real = pdf.render
    monkeypatch.setattr(pdf, "render", lambda *args: calls.append(args) or real(*args))
    rendered = rendering.render_invoice(uow, billing.ADMIN, {"invoice_id": issued["id"], "format": "pdf"})
    return calls[0], rendered


def test_fonts_and_styles_are_built_once_per_process_not_per_invoice(issued_invoice, monkeypatch):
    (document, credited), _ = issued_invoice
    parsed, sheets = [], []
    parse, sample = ttfonts.TTFontParser.__init__, reportlab_styles.getSampleStyleSheet
    monkeypatch.setattr(
        ttfonts.TTFontParser, "__init__", lambda *args, **kw: parsed.append(1) or parse(*args, **kw)
    )
    monkeypatch.setattr(reportlab_styles, "getSampleStyleSheet", lambda: sheets.append(1) or sample())
    for _ in range(3):
        pdf.render(document, credited)
    assert parsed == [] and sheets == []  # no TTF file parsed, no stylesheet built for these three
    assert pdf_fonts.stylesheet() is pdf_fonts.stylesheet()
    assert pdf._styles() is pdf._styles()


def test_the_rendered_pdf_reads_and_scans_as_before(issued_invoice):
    """Binary streams (no ASCII85 layer) deflated at zlib level 1 (header 78 01), and the text
    and the QR code read back from the PDF."""
    (document, _), rendered = issued_invoice
    content = base64.b64decode(rendered["content"])
    assert b"/FlateDecode" in content and b"/ASCII85Decode" not in content
    headers = re.findall(rb"(?<!end)stream\r?\n(..)", content, re.DOTALL)
    assert len(headers) >= 5 and set(headers) == {b"\x78\x01"}  # pages, font subsets, their maps
    page = pypdfium2.PdfDocument(content)[0]
    text = " ".join(page.get_textpage().get_text_range().split())
    assert f"FACTUUR {document['number']}" in text and "1.180,01 €" in text and "Bakkerij Peeters BV" in text
    codes = [code.text for code in zxingcpp.read_barcodes(page.render(scale=3).to_pil())]
    assert codes == [rendered["epc_qr_payload"]]
    assert rendered["epc_qr_payload"].split("\n")[7] == "EUR1180.01"


def test_the_qr_code_is_one_fill_per_horizontal_run_of_dark_modules():
    # Two rows, quiet zone of 4: row 0 (on top) is at y = 2 + 4 - 1 = 5, as canvas.rect drew it.
    assert pdf.qr_path([bytearray([1, 1, 0]), bytearray([0, 1, 1])], 4) == "4 5 2 1 re f\n5 4 2 1 re f"
    assert pdf.qr_path([bytearray([1, 0, 1])], 0) == "0 0 1 1 re f\n2 0 1 1 re f"
    assert pdf.qr_path([bytearray([0, 0])], 4) == ""


def random_payloads(count: int):
    """EPC payloads of every length an invoice gives: names up to the 70 characters of EPC069-12,
    amounts up to €999,999.99, with and without BIC, so QR versions 4 to 8 all occur."""
    rnd = random.Random(18)
    for _ in range(count):
        name = "".join(rnd.choice("abcdefghijklmnopqrstuvwxyz éèàç&<>-") for _ in range(rnd.randint(1, 70)))
        amount = Money.of(f"{rnd.randint(1, 999999)}.{rnd.randint(0, 99):02d}")
        digits = "".join(rnd.choice("0123456789") for _ in range(12))
        yield epc_payload(name, "BE05068123456775", amount, digits, bic=rnd.choice([None, "GKCCBEBB"]))


def test_the_qr_modules_are_exactly_segnos_for_every_kind_of_payload():
    versions, masks = set(), set()
    for payload in random_payloads(150):
        expected = segno.make(payload, error="m", micro=False)
        assert [bytes(row) for row in qr.matrix(payload)] == [bytes(row) for row in expected.matrix], payload
        versions.add(expected.version)
        masks.add(expected.mask)
    assert versions == {4, 5, 6, 7, 8} and len(masks) >= 5  # the comparison covered many versions and masks


def test_the_mask_penalty_is_segnos_score():
    rnd = random.Random(2026)
    for width in (21, 25, 37, 41, 45, 49):
        for _ in range(20):
            dark = rnd.random()  # from almost all light to almost all dark: every N4 band
            rows = [bytes(int(rnd.random() < dark) for _ in range(width)) for _ in range(width)]
            assert qr.penalty(rows, width) == sum(
                encoder.mask_scores([bytearray(r) for r in rows], width, width)
            )
    # A known case: all light, 21 × 21. N1: 42 lines × (21 - 2); N2: 20 × 20 blocks × 3; N3: none;
    # N4: 0 % dark is 50 points off, 10 × 10.
    assert qr.penalty([bytes(21)] * 21, 21) == 42 * 19 + 400 * 3 + 0 + 100

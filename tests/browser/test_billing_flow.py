"""Staff of Dies draft an invoice for the demo's Peppol customer in the console, issue it, see
it delivered over the `loopback` access point and download its PDF
(docs/adr/025-console-and-portal.md); in Chromium against the running suite. Screenshots of
each page are saved in the test's folder."""

import uuid

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import shot, sign_in

pytestmark = pytest.mark.browser


def test_staff_issue_an_invoice_see_it_delivered_over_peppol_and_download_its_pdf(page, demo_world, tmp_path):
    peeters = next(c for c in demo_world.world["customers"]["dies"] if c["name"] == "Bakkerij Peeters BV")
    _member, activity = demo_world.member("dies", "Amina")
    description = f"Livraisons à vélo — tournée {uuid.uuid4().hex[:6]}"
    sign_in(page, demo_world, "dies_staff")

    page.goto("/console/invoices")
    expect(page.get_by_role("heading", level=1)).to_have_text("Invoices")
    shot(page, tmp_path, "billing-1-invoices")

    page.get_by_role("link", name="New invoice").click()
    page.get_by_label("Customer", exact=True).select_option(peeters["id"])
    page.get_by_label("Activity", exact=True).select_option(activity["id"])
    page.get_by_label("Description of line 1").fill(description)
    page.get_by_label("Quantity of line 1").fill("12")
    page.get_by_label("Unit price of line 1").fill("45,00")
    page.get_by_role("button", name="Add a line").click()
    expect(page.get_by_label("Description of line 4")).to_be_visible()
    page.get_by_label("Description of line 4").fill("Emballages consignés")
    page.get_by_label("Quantity of line 4").fill("2")
    page.get_by_label("Unit price of line 4").fill("7.50")
    page.get_by_label("VAT rate of line 4").select_option("0.06")
    shot(page, tmp_path, "billing-2-new-draft")
    page.get_by_role("button", name="Create the draft").click()

    expect(page.locator("#notice")).to_have_text("The draft was saved.")
    expect(page.locator("#invoice-status")).to_contain_text("Draft")
    # 12 × 45.00 at 21 % and 2 × 7.50 at 6 %: 555.00 excl. VAT, 113.40 + 0.90 VAT
    expect(page.locator("#total-excl-vat")).to_have_text("555,00\xa0€")
    expect(page.locator("#total-incl-vat")).to_have_text("669,30\xa0€")
    shot(page, tmp_path, "billing-3-draft")

    page.get_by_role("button", name="Issue the invoice").click()
    expect(page.locator("#notice")).to_have_text("The invoice was issued.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("DIES-")
    expect(page.locator("#delivery-channel")).to_have_text("Peppol")
    # queued → sent → delivered: the delivery's part of the page asks again until it is final
    expect(page.locator("#delivery-status")).to_have_text("Delivered", timeout=30_000)
    expect(page.locator("#structured-communication")).to_contain_text("+++")
    shot(page, tmp_path, "billing-4-delivered")

    with page.expect_download() as download:
        page.locator("#download-pdf").click()
    pdf = download.value
    assert pdf.suggested_filename.startswith("DIES-") and pdf.suggested_filename.endswith(".pdf")
    with open(pdf.path(), "rb") as file:
        assert file.read(4) == b"%PDF"

    number = page.locator("h1").text_content().removeprefix("Invoice ").strip()
    with demo_world.rpc("dies") as rpc:
        issued = rpc.billing.list_invoices({"customer_id": peeters["id"], "status": "issued", "limit": 500})
    assert any(i["number"] == number and i["delivery"]["status"] == "delivered" for i in issued["items"])

    page.goto("/console/invoices?delivery_status=delivered")
    expect(page.get_by_role("link", name=number, exact=True)).to_be_visible()
    shot(page, tmp_path, "billing-5-delivered-invoices")

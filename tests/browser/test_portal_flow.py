"""An entrepreneur of Dies (the demo's Amina Diallo) in the portal: reads her balance (the figure
billing gives), drafts an invoice (with htmx's "Add a line"), simulates her pay (answered
without a reload), downloads a payslip; then the staff of Dies issue her draft in the console
(docs/adr/025-console-and-portal.md). In Chromium against the running suite; screenshots of each page in the test's
folder."""

import re
import uuid
from decimal import Decimal

import pytest
from babel import numbers
from playwright.sync_api import expect

from coop_shared.dates import brussels_today
from tests.browser.conftest import shot, sign_in

pytestmark = pytest.mark.browser


def _euros(amount: str) -> str:
    """An amount as the portal writes it for an English-speaking person (en_BE)."""
    return numbers.format_currency(Decimal(amount), "EUR", locale="en_BE")


def test_an_entrepreneur_reads_drafts_simulates_and_downloads_and_staff_issue_her_draft(
    page, demo_world, tmp_path
):
    member, activity = demo_world.member("dies", "Amina")
    claire = next(c for c in demo_world.world["customers"]["dies"] if c["name"] == "Claire Dubois")
    with demo_world.rpc("dies") as rpc:
        account = rpc.billing.get_activity_account(activity["id"])
        status = rpc.members.get_member(member["id"])
    sign_in(page, demo_world, "dies_member")

    # 1. my account: the balance billing gives, the chart drawn from its table, the entries
    expect(page.get_by_role("heading", level=1)).to_have_text("My account")
    expect(page.locator("#balance")).to_have_text(_euros(account["balance"]))
    expect(page.locator("canvas[data-chart=line]")).to_be_visible()
    assert page.locator("#balance-months tbody tr").count() == 12
    expect(page.locator("#entries tbody tr").first).to_be_visible()
    shot(page, tmp_path, "portal-1-account")

    # 2. draft an invoice: two lines, the third asked for with "Add a line" (htmx)
    description = f"Livraisons à vélo — tournée {uuid.uuid4().hex[:6]}"
    page.get_by_role("link", name="My invoices").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My invoices")
    shot(page, tmp_path, "portal-2-invoices")
    page.locator("#new-invoice").click()
    page.get_by_label("Customer", exact=True).select_option(claire["id"])
    page.locator("#lines-0-description").fill(description)
    page.locator("#lines-0-quantity").fill("3")
    page.locator("#lines-0-unit_price").fill("40,00")
    page.get_by_role("button", name="Add a line").click()
    expect(page.locator("#lines-2-description")).to_be_visible()
    page.locator("#lines-2-description").fill("Emballages")
    page.locator("#lines-2-quantity").fill("2")
    page.locator("#lines-2-unit_price").fill("5")
    page.locator("#lines-2-vat_rate").select_option("0.06")
    shot(page, tmp_path, "portal-3-new-invoice")
    page.get_by_role("button", name="Save the draft").click()

    expect(page.locator("#notice")).to_have_text("Your draft is saved: the staff will check and issue it.")
    draft_id = re.search(r"/portal/invoices/([0-9a-f-]{36})", page.url).group(1)
    expect(page.locator("#invoice-status")).to_have_text("Draft, waiting for the staff to issue it")
    # 3 × 40.00 at 21 % and 2 × 5.00 at 6 %: 130.00 excl. VAT, 25.20 + 0.60 VAT
    expect(page.locator("#total")).to_have_text(_euros("155.80"))
    shot(page, tmp_path, "portal-4-draft")

    # 3. what can I pay myself: the simulation replaces its part of the page only
    page.get_by_role("link", name="What can I pay myself?").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("What can I pay myself?")
    page.evaluate("document.getElementById('pay-form').dataset.before = 'unchanged'")
    page.locator("#mode-budget").check()
    page.get_by_label("Amount (€)").fill("2000")
    page.get_by_role("button", name="Simulate").click()
    expect(page.locator("#pay-net")).to_be_visible()
    assert page.evaluate("document.getElementById('pay-form').dataset.before") == "unchanged"  # no reload
    with demo_world.rpc("dies") as rpc:
        simulated = rpc.payroll.simulate(
            {
                "status_model": status["status_model"],
                "period": brussels_today().strftime("%Y-%m"),
                "mode": "budget",
                "amount": "2000.00",
                "parameters": status["status_parameters"] or {},
            }
        )
    expect(page.locator("#pay-gross")).to_have_text(_euros(simulated["gross"]))
    expect(page.locator("#pay-net")).to_have_text(_euros(simulated["net_to_pay"]))
    expect(page.locator("#pay-cost")).to_have_text(_euros("2000.00"))
    remains = str(Decimal(account["balance"]) - Decimal("2000.00"))
    expect(page.locator("#pay-remains")).to_have_text(_euros(remains))
    shot(page, tmp_path, "portal-5-pay")

    # 4. my payslips: this month's, its PDF
    page.get_by_role("link", name="My payslips").click()
    expect(page.locator("#payslips tbody tr").first).to_be_visible()
    shot(page, tmp_path, "portal-6-payslips")
    with page.expect_download() as download:
        page.locator("#payslips tbody tr").first.get_by_role("link").click()
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(4) == b"%PDF"

    # 5. my documents and my programme
    page.get_by_role("link", name="My documents").click()
    expect(page.locator("#documents")).to_contain_text("Residence card")
    shot(page, tmp_path, "portal-7-documents")
    page.get_by_role("link", name="My programme").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My programme")
    shot(page, tmp_path, "portal-8-programme")

    # 6. the staff of Dies find the draft in the console and issue it
    page.context.clear_cookies()
    sign_in(page, demo_world, "dies_staff")
    page.goto(f"/console/invoices/{draft_id}")
    expect(page.locator("#invoice-status")).to_contain_text("Draft")
    shot(page, tmp_path, "portal-9-console-draft")
    page.get_by_role("button", name="Issue the invoice").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("DIES-")
    shot(page, tmp_path, "portal-10-console-issued")
    with demo_world.rpc("dies") as rpc:
        issued = rpc.billing.get_invoice(draft_id)
    assert issued["status"] == "issued" and issued["member_id"] == member["id"]
    assert issued["total_incl_vat"] == "155.80" and issued["lines"][0]["description"] == description

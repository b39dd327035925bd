"""Staff of Dies run payroll in the console: they prepare a run for the month after the demo's
(its own run already paid this month), read its problems in words, close it, download the SEPA
credit transfer file (pain.001) and a payslip's PDF, then open the month's VAT return, in
Chromium against the running suite. Screenshots of each page are saved in the test's folder.

The demo's payroll spent the activities' balances; this test first pays Jonas's activity an
invoice of its own (by a CODA statement, as the demo's customers pay), so that his payslip has
a budget, and asks a payslip for Sofia, on trial, whom her status model does not pay."""

import base64
import time
import uuid
import xml.etree.ElementTree as ElementTree
from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from coop_cli import demo_data
from coop_cli.statement_files import Line, coda
from coop_shared.dates import brussels_today
from tests.browser.conftest import shot, sign_in

pytestmark = pytest.mark.browser

BUDGET = Decimal("3400.00")


def _month_after(period: str) -> str:
    year, month = (int(part) for part in period.split("-"))
    return f"{year + month // 12}-{month % 12 + 1:02d}"


def _pay_jonas_an_invoice(demo_world, tmp_path) -> str:
    """An invoice of 4,500.00 excluding VAT for Jonas's activity, paid by a statement: his
    activity then holds more than BUDGET. Returns the activity's id."""
    _member, activity = demo_world.member("dies", "Jonas")
    customer = next(c for c in demo_world.world["customers"]["dies"] if c["name"] == "Claire Dubois")
    run = uuid.uuid4().hex[:8]
    with demo_world.rpc("dies") as rpc:
        draft = rpc.billing.create_invoice(
            {
                "activity_id": activity["id"],
                "customer_id": customer["id"],
                "vat_regime": "standard",
                "lines": [
                    {
                        "description": f"Cuisine sur mesure {run}",
                        "quantity": "1",
                        "unit_price": "4500.00",
                        "vat_rate": "0.21",
                    }
                ],
            }
        )
        invoice = rpc.billing.issue_invoice(draft["id"])
        statement = coda(
            demo_data.DIES["iban"].replace(" ", ""),
            "DIES",
            int(run[:4], 16) % 800 + 150,  # a statement number of its own
            Decimal("20000.00"),
            [
                Line(
                    Decimal(invoice["total_incl_vat"]),
                    ogm="".join(ch for ch in invoice["structured_communication"] if ch.isdigit()),
                    name="Claire Dubois",
                    reference=f"P{run}",
                )
            ],
            brussels_today(),
        )
        rpc.billing.import_bank_statement(
            {"format": "coda", "content": base64.b64encode(statement.encode("latin-1")).decode()}
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            balance = Decimal(
                rpc.billing.get_balances({"activity_ids": [activity["id"]]})["items"][0]["balance"]
            )
            if balance > BUDGET:
                break
            time.sleep(0.3)
    assert balance > BUDGET, f"Jonas's activity holds {balance} only"
    (tmp_path / "statement.cod").write_bytes(statement.encode("latin-1"))
    return activity["id"]


def test_staff_prepare_a_run_read_its_problems_close_it_and_download_its_files(page, demo_world, tmp_path):
    jonas_activity = _pay_jonas_an_invoice(demo_world, tmp_path)
    _sofia, sofia_activity = demo_world.member("dies", "Sofia")
    period = _month_after(demo_world.world["period"])
    sign_in(page, demo_world, "dies_staff")

    page.goto("/console/payroll")
    expect(page.get_by_role("heading", level=1)).to_have_text("Payroll runs")
    expect(page.locator("#runs")).to_contain_text("Closed")  # the demo's run of this month
    shot(page, tmp_path, "payroll-1-runs")

    page.get_by_role("link", name="Prepare a run").click()
    expect(page.get_by_label("Month (YYYY-MM)")).to_have_value(period)  # this month is paid already
    page.locator(f"#amount-{jonas_activity}").fill("3.400,00")
    page.locator(f"#amount-{sofia_activity['id']}").fill("500")
    shot(page, tmp_path, "payroll-2-prepare")
    page.get_by_role("button", name="Prepare the run").click()

    expect(page.locator("#notice")).to_have_text(
        "The run is prepared as a draft: read its problems, then close it."
    )
    expect(page.locator("#run-status")).to_contain_text("Draft")
    expect(page.locator("#payslips")).to_contain_text("Jonas Peeters")
    expect(page.locator("#payslips")).to_contain_text("3.400,00\xa0€")  # the employer cost is the budget
    problems = page.locator("#problems")
    expect(problems).to_contain_text("Sofia Moreau")
    expect(problems).to_contain_text("The member's status model pays nothing (a trial, for instance).")
    shot(page, tmp_path, "payroll-3-draft-with-problems")
    run_url = page.url.split("?")[0]

    page.get_by_role("button", name="Close the run").click()
    expect(page.locator("#notice")).to_have_text("The run is closed: its payslips are final and issued.")
    expect(page.locator("#run-status")).to_contain_text("Closed")
    expect(page.locator("#close")).to_have_count(0)
    shot(page, tmp_path, "payroll-4-closed")

    with page.expect_download() as download:
        page.locator("#sepa").click()
    sepa = download.value
    root = ElementTree.parse(sepa.path()).getroot()
    assert root.tag.startswith("{urn:iso:std:iso:20022:tech:xsd:pain.001."), root.tag
    assert sepa.suggested_filename == f"dies-{period}-payroll.xml"

    with page.expect_download() as download:
        page.locator("#payslips").get_by_role("link", name="PDF of Jonas Peeters").click()
    payslip = download.value
    with open(payslip.path(), "rb") as file:
        assert file.read(4) == b"%PDF"
    assert payslip.suggested_filename.endswith(".pdf")

    page.goto("/console/payroll")
    expect(page.locator("#runs").get_by_role("link", name=page_month(period))).to_be_visible()
    shot(page, tmp_path, "payroll-5-runs-after")
    assert run_url.rsplit("/", 1)[1] in page.content()

    page.goto(f"/console/accounting?period={demo_world.world['period']}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Accounting of")
    expect(page.locator("#vat-grids")).to_contain_text("VAT due on grids 01, 02 and 03")
    expect(page.locator("#vat-status")).to_contain_text("be-vat-")
    expect(page.locator("#grid-54 td.amount")).not_to_have_text("0,00\xa0€")  # the month's invoices' VAT
    shot(page, tmp_path, "payroll-6-vat-return")


def page_month(period: str) -> str:
    """A period as the English pages write it: `2026-12` as `December 2026`."""
    year, month = (int(part) for part in period.split("-"))
    return date(year, month, 1).strftime("%B %Y")

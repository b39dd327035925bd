"""Staff of Dies upload a CODA statement in the console (docs/adr/025-console-and-portal.md):
one credit pays an invoice by its structured communication, the other names no invoice and is
matched by hand; in Chromium against the running suite. The statement is written by the
project's own CODA writer (cli/coop_cli/statement_files.py), as the demo's is. Screenshots are
saved in the test's folder."""

import uuid
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from coop_cli import demo_data
from coop_cli.statement_files import Line, coda
from coop_shared.dates import brussels_today
from tests.browser.conftest import shot, sign_in

pytestmark = pytest.mark.browser


def _issued(rpc, customer_id: str, activity_id: str, description: str, price: str) -> dict:
    draft = rpc.billing.create_invoice(
        {
            "activity_id": activity_id,
            "customer_id": customer_id,
            "vat_regime": "standard",
            "lines": [{"description": description, "quantity": "1", "unit_price": price, "vat_rate": "0.21"}],
        }
    )
    return rpc.billing.issue_invoice(draft["id"])


def test_staff_upload_a_coda_file_read_what_was_matched_and_match_the_rest_by_hand(
    page, demo_world, tmp_path
):
    # Two invoices of the demo's consumer Claire Dubois, made for this test (the world is shared).
    claire = next(c for c in demo_world.world["customers"]["dies"] if c["name"] == "Claire Dubois")
    _member, activity = demo_world.member("dies", "Amina")
    run = uuid.uuid4().hex[:8]
    with demo_world.rpc("dies") as rpc:
        by_communication = _issued(rpc, claire["id"], activity["id"], f"Livraison de courses {run}", "24.00")
        by_hand = _issued(rpc, claire["id"], activity["id"], f"Livraison express {run}", "31.00")
    ogm = "".join(ch for ch in by_communication["structured_communication"] if ch.isdigit())
    statement = coda(
        demo_data.DIES["iban"].replace(" ", ""),
        "DIES",
        int(run[:4], 16) % 900 + 100,  # a statement number of its own
        Decimal("10000.00"),
        [
            Line(
                Decimal(by_communication["total_incl_vat"]),
                ogm=ogm,
                name="Claire Dubois",
                reference=f"C{run}A",
            ),
            Line(
                Decimal(by_hand["total_incl_vat"]),
                text="courses express novembre",
                name=f"Marc Lemaire {run}",
                iban="BE68 5390 0754 7034",
                reference=f"C{run}B",
            ),
        ],
        brussels_today(),
    )
    statement_file = tmp_path / f"dies-{run}.cod"
    statement_file.write_bytes(statement.encode("latin-1"))

    sign_in(page, demo_world, "dies_staff")
    page.goto("/console/bank")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bank")
    shot(page, tmp_path, "bank-1-page")

    page.get_by_label("Statement file (CODA or camt.053)").set_input_files(statement_file)
    page.get_by_role("button", name="Import the statement").click()
    expect(page.locator("#notice")).to_have_text("Statement imported: 1 matched, 1 unmatched, 0 duplicates.")
    lines = page.locator("#imported-lines")
    expect(lines.get_by_role("row").filter(has_text="Claire Dubois")).to_contain_text("Matched")
    expect(lines.get_by_role("row").filter(has_text="Claire Dubois")).to_contain_text(
        by_communication["number"]
    )
    expect(lines.get_by_role("row").filter(has_text=f"Marc Lemaire {run}")).to_contain_text("Unmatched")
    shot(page, tmp_path, "bank-2-imported")

    waiting = page.locator("#unmatched").get_by_role("row").filter(has_text=f"Marc Lemaire {run}")
    expect(waiting).to_contain_text("37,51\xa0€")  # 31.00 + 21 %
    waiting.get_by_role("combobox").select_option(by_hand["id"])
    shot(page, tmp_path, "bank-3-match-by-hand")
    waiting.get_by_role("button", name="Match").click()

    expect(page.locator("#notice")).to_have_text(f"The payment was matched to invoice {by_hand['number']}.")
    expect(
        page.locator("#unmatched").get_by_role("row").filter(has_text=f"Marc Lemaire {run}")
    ).to_have_count(0)
    shot(page, tmp_path, "bank-4-matched")
    with demo_world.rpc("dies") as rpc:
        assert rpc.billing.get_invoice(by_communication["id"])["status"] == "paid"
        assert rpc.billing.get_invoice(by_hand["id"])["status"] == "paid"

    page.goto(f"/console/invoices/{by_hand['id']}")
    expect(page.locator("#invoice-status")).to_contain_text("Paid")
    expect(page.locator("#amount-paid")).to_have_text("37,51\xa0€")
    shot(page, tmp_path, "bank-5-paid-invoice")

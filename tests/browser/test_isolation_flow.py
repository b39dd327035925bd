"""A BRUCOOP person who changes an id in the address bar to one of Dies's records gets the 404
page, exactly as for an id that does not exist, and nothing of the record: the console's member
and invoice pages for BRUCOOP's staff, the portal's invoice page for BRUCOOP's entrepreneur
(the services answer NotFound for another cooperative's id, docs/rpc-contract.md)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import allow_failures, shot, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def dies_records(demo_world):
    amina, _activity = demo_world.member("dies", "Amina")
    with demo_world.rpc("dies") as rpc:
        invoice = rpc.billing.list_invoices({"activity_id": _activity["id"], "limit": 1})["items"][0]
    return amina, invoice


def test_dies_records_are_there_for_dies_staff(page, demo_world, dies_records):
    amina, invoice = dies_records
    sign_in(page, demo_world, "dies_staff")
    answer = page.goto(f"/console/members/{amina['id']}")
    assert answer.status == 200 and "Diallo" in page.locator("main").inner_text()
    assert page.goto(f"/console/invoices/{invoice['id']}").status == 200
    assert invoice["number"] in page.locator("main").inner_text()


def test_brucoop_staff_changing_the_id_to_a_dies_record_get_the_404_page(
    page, demo_world, dies_records, tmp_path
):
    amina, invoice = dies_records
    sign_in(page, demo_world, "brucoop_staff")
    allow_failures(page, "/console/members/", 404)
    allow_failures(page, "/console/invoices/", 404)
    for path, secret in (
        (f"/console/members/{amina['id']}", "Diallo"),
        (f"/console/invoices/{invoice['id']}", invoice["number"]),
    ):
        answer = page.goto(path)
        assert answer.status == 404, path
        text = page.locator("body").inner_text()
        assert secret not in text and amina["email"] not in text
        assert page.locator("main h1").is_visible()  # a page of the console, not a JSON body
        shot(page, tmp_path, "404-" + path.split("/")[2])
    # an id that does not exist reads the same
    answer = page.goto("/console/members/00000000-0000-4000-8000-000000000000")
    assert answer.status == 404


def test_a_brucoop_entrepreneur_opening_a_dies_invoice_gets_the_404_page(
    page, demo_world, dies_records, tmp_path
):
    _amina, invoice = dies_records
    sign_in(page, demo_world, "brucoop_member")
    allow_failures(page, "/portal/invoices/", 404)
    answer = page.goto(f"/portal/invoices/{invoice['id']}")
    assert answer.status == 404
    assert invoice["number"] not in page.locator("body").inner_text()
    shot(page, tmp_path, "404-portal-invoice")

"""The console's home and members pages in a real browser, on the demo's world
(tests/browser/conftest.py): Dies's admin signs in with the second factor, reads what needs
doing, registers a new member through the form, finds them in the list, opens them, records a
document that expires tomorrow and asks whether they may work on a date; the answer the
page shows is the one members gives an integrator, and the home page then lists the document
among those expiring within 30 days. Screenshots of each page in the test's folder."""

from __future__ import annotations

import re
import secrets
from datetime import timedelta
from urllib.parse import urlparse

import pytest

from coop_shared.dates import brussels_today
from tests.browser.conftest import shot, sign_in

pytestmark = pytest.mark.browser


def test_dies_staff_register_a_member_record_a_document_and_check_the_right_to_work(
    page, demo_world, tmp_path
):
    sign_in(page, demo_world, "dies_staff")
    page.goto("/console")
    assert page.locator("main h1").inner_text() == "What needs doing"
    for heading in (
        "Invoices overdue",
        "Payments not matched",
        "Payroll problems",
        "Invoiced and received per month",
    ):
        assert page.get_by_role("heading", name=heading).is_visible()
    # the chart is drawn from its table, which stays for screen readers
    assert page.locator("canvas[data-chart][data-table='monthly-totals']").count() == 1
    assert page.locator("#monthly-totals tbody tr").count() == 12
    shot(page, tmp_path, "console-home")

    # register a member through the form
    main = page.locator("main")
    last_name = "Flow-" + secrets.token_hex(3)
    page.goto("/console/members")
    page.get_by_role("link", name="Register a member").click()
    page.wait_for_url("**/console/members/new")
    main.get_by_label("First name").fill("Noor")
    main.get_by_label("Last name").fill(last_name)
    main.get_by_label("E-mail").fill(f"noor.{last_name.lower()}@example.org")
    main.get_by_label("Language", exact=True).select_option("nl")
    main.get_by_label("Nationality (two letters, e.g. BE)").fill("BE")
    main.get_by_label("Street and number").fill("Kerkstraat 5")
    main.get_by_label("Postal code").fill("9000")
    main.get_by_label("City").fill("Gent")
    shot(page, tmp_path, "member-register")
    main.get_by_role("button", name="Register the member").click()
    page.wait_for_url(re.compile(r"/console/members/[0-9a-f-]+\?done=registered$"))
    assert page.locator("#notice").inner_text() == "The member was registered."
    member_id = urlparse(page.url).path.rsplit("/", 1)[1]

    # listed, and opened from the list
    page.goto(f"/console/members?q={last_name}")
    row = page.locator("#members tbody tr")
    assert row.count() == 1 and "Candidate" in row.inner_text()
    shot(page, tmp_path, "members-list")
    row.get_by_role("link", name=f"{last_name}, Noor").click()
    page.wait_for_url(f"**/console/members/{member_id}")
    assert page.locator("main h1").inner_text() == f"Noor {last_name}"

    # a document with its expiry date
    today = brussels_today()
    expires = today + timedelta(days=1)  # the soonest to expire: first in the home page's list
    main.get_by_text("Record a document", exact=True).click()
    main.get_by_label("Kind of document").select_option("id_card")
    main.get_by_label("Reference", exact=True).fill("ID-" + last_name)
    main.get_by_label("Valid until", exact=True).fill(expires.isoformat())
    main.get_by_role("button", name="Record the document").click()
    page.wait_for_url(re.compile(r"\?done=document#documents$"))
    assert page.locator("#notice").inner_text() == "The document was recorded."
    documents = page.locator("#documents-table tbody").inner_text()
    assert "Identity card" in documents and "ID-" + last_name in documents and "1 day left" in documents

    # the right to work on a date, answered in the page (htmx) as members answers it
    on = today + timedelta(days=7)
    main.get_by_label("Date", exact=True).fill(on.isoformat())
    main.get_by_role("button", name="Check the right to work").click()
    result = page.locator("#right-to-work-result")
    result.wait_for()
    with demo_world.rpc("dies") as rpc:
        answer = rpc.members.check_right_to_work({"member_id": member_id, "on": on.isoformat()})
    expected = "Allowed to work on" if answer["allowed"] else "Not allowed to work on"
    assert result.inner_text().startswith(expected)
    assert urlparse(page.url).path == f"/console/members/{member_id}"  # no reload
    shot(page, tmp_path, "member-documents-right-to-work")

    # the home page now lists the document among those expiring within 30 days
    page.goto("/console")
    expiring = page.locator("#expiring-list")
    assert f"Noor {last_name}" in expiring.inner_text()
    expiring.get_by_role("link", name=f"Noor {last_name}").first.click()
    page.wait_for_url(re.compile(f"/console/members/{member_id}#documents$"))

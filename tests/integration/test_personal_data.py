"""Personal data over the real bus and PostgreSQL (docs/adr/017-personal-data-at-rest-and-rectification.md):
the databases hold no national number in clear (read with SQL), every role reads the mask, the
payslip and the 281.10 carry the full number, and rectifications of a member and of a customer
keep their history while issued invoices keep the customer they were issued to."""

import base64
import xml.etree.ElementTree as etree

import pypdfium2
import pytest

from coop_shared import personal_data
from coop_shared.errors import Forbidden
from tests import support
from tests.integration import billing_setup
from tests.integration.payroll_setup import PERIOD, fund_activity, salaried

AMINA_NUMBER = "90031400036"  # tests/fixtures_data.py
AMINA_MASK = "90.03.14-***.**"


@pytest.fixture
def world(start_services, rpc_client):
    start_services("members", "billing", "payroll")
    return billing_setup.build(rpc_client)


def staff_of(world, rpc_client):
    key = world.dies_members.issue_api_key({"cooperative": "dies", "role": "staff", "label": "accueil"})
    return rpc_client(key["secret"])


def every_text(url: str, table: str) -> str:
    """Every value of every row of `table`, as one string (to search for a clear value)."""
    return " ".join(str(v) for row in support.sql(url, f'SELECT * FROM "{table}"') for v in row)


UBL = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}


def ubl_buyer(rendered: dict) -> tuple[str, str]:
    """(name, street) of the buyer in an invoice's UBL."""
    root = etree.fromstring(base64.b64decode(rendered["content"]))  # noqa: S314 (our own file)
    party = root.find("cac:AccountingCustomerParty/cac:Party", UBL)
    return (
        party.findtext("cac:PartyName/cbc:Name", namespaces=UBL),
        party.findtext("cac:PostalAddress/cbc:StreetName", namespaces=UBL),
    )


def pdf_text(rendered: dict) -> str:
    document = pypdfium2.PdfDocument(base64.b64decode(rendered["content"]))
    return " ".join(page.get_textpage().get_text_range() for page in document)


def test_the_number_is_sealed_masked_for_every_role_and_rectified_with_history(
    world, rpc_client, suite_settings
):
    members_db = suite_settings["MEMBERS_DATABASE_URL"]
    [(stored, hashed)] = support.sql(members_db, "SELECT national_number, national_number_hash FROM members")
    assert stored.startswith("v1:") and AMINA_NUMBER not in stored
    assert AMINA_NUMBER not in every_text(members_db, "members")
    assert AMINA_NUMBER not in every_text(members_db, "outbox")  # nor in the events it announced
    assert hashed == personal_data.keyring().index(AMINA_NUMBER)  # the tests' ring: the development key

    staff = staff_of(world, rpc_client)
    assert world.member["national_number"] == AMINA_MASK  # register_member's answer
    for reader in (world.dies_members, staff.members):
        assert reader.get_member(world.member["id"])["national_number"] == AMINA_MASK
        assert reader.list_members()["items"][0]["national_number"] == AMINA_MASK
    found = staff.members.list_members({"national_number": "90.03.14-000.36"})
    assert [m["id"] for m in found["items"]] == [world.member["id"]]
    assert staff.members.list_members({"national_number": "85073003328"})["total"] == 0
    # The full number is for the suite's service credential alone.
    for caller in (world.dies_members, staff.members):
        with pytest.raises(Forbidden):
            caller.get_national_numbers({"member_ids": [world.member["id"]], "purpose": "payslip"})

    # Rectified by staff, the history is the admins' (one suite started for both parts: fast).
    rectification_keeps_a_sealed_history_for_admins(world, staff, suite_settings)


def test_the_payslip_and_the_tax_form_carry_the_full_number_payroll_keeps_sealed(
    world, rpc_client, suite_settings
):
    fund_activity(world, "4444.44")
    salaried(world)
    staff = staff_of(world, rpc_client)
    item = {
        "member_id": world.member["id"],
        "activity_id": world.activity["id"],
        "mode": "budget",
        "amount": "4000.00",
    }
    run = staff.payroll.prepare_run({"period": PERIOD, "items": [item]})
    assert run["problems"] == []
    staff.payroll.close_run(run["id"])
    payroll_db = suite_settings["PAYROLL_DATABASE_URL"]
    assert AMINA_NUMBER not in every_text(payroll_db, "payslips")
    assert AMINA_NUMBER not in every_text(payroll_db, "outbox")

    slip = staff.payroll.render_payslip(run["payslips"][0]["id"])
    assert AMINA_NUMBER in pdf_text(slip)  # a mandatory mention (law of 12 April 1965, art. 15)
    assert staff.members.get_member(world.member["id"])["national_number"] == AMINA_MASK

    forms = rpc_client(world.keys["dies"]).payroll.export_tax_forms({"year": int(PERIOD[:4])})
    root = etree.fromstring(base64.b64decode(forms["content"]))  # noqa: S314 (our own file)
    assert [f.text for f in root.iter("f2011_nationaalnr")] == [AMINA_NUMBER]


def rectification_keeps_a_sealed_history_for_admins(world, staff, suite_settings):
    member_id = world.member["id"]
    identity = staff.members.update_member_identity(
        {
            "member_id": member_id,
            "national_number": "85.07.30-033.28",
            "last_name": "Diallo-Barry",
            "reason": "erreur",
        }
    )
    assert (identity["changed"], identity["national_number"]) == (
        ["last_name", "national_number"],
        "85.07.30-***.**",
    )
    address = {"street": "Rue Haute 12", "postal_code": "1000", "city": "Bruxelles", "country": "BE"}
    staff.members.update_member_address({"member_id": member_id, "address": address})
    staff.members.update_member_iban({"member_id": member_id, "iban": "BE35 3101 2345 6737"})
    assert (
        staff.members.update_member_iban({"member_id": member_id, "iban": "BE35310123456737"})["changed"]
        == []
    )

    with pytest.raises(Forbidden):
        staff.members.list_member_changes(member_id)
    history = world.dies_members.list_member_changes(member_id)["items"]
    assert [(c["field"], c["old_value"], c["new_value"], c["changed_by_role"]) for c in history] == [
        ("last_name", "Diallo", "Diallo-Barry", "staff"),
        ("national_number", AMINA_MASK, "85.07.30-***.**", "staff"),
        ("address", None, address, "staff"),
        ("iban", "BE46735123456736", "BE35310123456737", "staff"),
    ]
    members_db = suite_settings["MEMBERS_DATABASE_URL"]
    at_rest = every_text(members_db, "member_changes")
    assert all(clear not in at_rest for clear in (AMINA_NUMBER, "85073003328", "Rue Haute", "BE3531"))
    # Every change was announced, naming the fields, never the values.
    announced = support.outbox_bodies(members_db, "member_details_changed")
    assert sorted(e["payload"]["fields"] for e in announced) == [
        ["address"],
        ["iban"],
        ["last_name", "national_number"],
    ]
    assert "85073003328" not in str(announced) and "BE35310123456737" not in str(announced)


def test_a_rectified_customer_leaves_issued_invoices_as_they_were(world, rpc_client):
    dies = world.dies
    issued = dies.issue_invoice(dies.create_invoice(billing_setup.two_line_invoice(world))["id"])
    customer_id = world.nl_customer["id"]
    changed = dies.update_customer(
        {
            "customer_id": customer_id,
            "name": "Bakkerij Peeters & Zonen BV",
            "address": {"street": "Grote Markt 1", "postal_code": "1000", "city": "Brussel", "country": "BE"},
            "email": "facturen@peeters.example",
            "peppol_id": "0208:0202239951",
        }
    )
    assert changed["changed"] == ["name", "email", "address", "peppol_id"]
    assert dies.get_customer(customer_id)["name"] == "Bakkerij Peeters & Zonen BV"

    # The issued invoice names the customer as it was when issued; the next one, as it is now.
    before = ubl_buyer(dies.render_invoice({"invoice_id": issued["id"], "format": "ubl"}))
    assert before == ("Bakkerij Peeters BV", "Vlaamsesteenweg 20")
    later = dies.issue_invoice(dies.create_invoice(billing_setup.two_line_invoice(world))["id"])
    after = ubl_buyer(dies.render_invoice({"invoice_id": later["id"], "format": "ubl"}))
    assert after == ("Bakkerij Peeters & Zonen BV", "Grote Markt 1")

    history = dies.list_customer_changes(customer_id)["items"]
    assert [(c["field"], c["old_value"], c["new_value"]) for c in history] == [
        ("name", "Bakkerij Peeters BV", "Bakkerij Peeters & Zonen BV"),
        ("email", "boekhouding@peeters.example", "facturen@peeters.example"),
        (
            "address",
            {"street": "Vlaamsesteenweg 20", "postal_code": "1000", "city": "Brussel", "country": "BE"},
            {"street": "Grote Markt 1", "postal_code": "1000", "city": "Brussel", "country": "BE"},
        ),
        ("peppol_id", None, "0208:0202239951"),
    ]
    staff = staff_of(world, rpc_client)
    with pytest.raises(Forbidden):
        staff.billing.list_customer_changes(customer_id)

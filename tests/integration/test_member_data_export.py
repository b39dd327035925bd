"""The right of access over the real bus and PostgreSQL (GDPR art. 15,
docs/adr/018-access-retention-erasure.md): one document with what every service holds on a
member — their invoices, payslips, deliveries and analytic lines — and a zip with the
documents; the member reads their own, never another's; the coaching notes follow their rule."""

import base64
import io
import json
import zipfile
from xml.etree import ElementTree as etree

import pytest

from coop_shared.errors import Forbidden
from tests import support
from tests.integration import billing_setup, privacy_setup
from tests.support import wait_for


@pytest.fixture
def person(start_services, rpc_client, tmp_path):
    settings, smtp = privacy_setup.smtp_settings(tmp_path)
    start_services(*privacy_setup.SERVICES, settings=settings)
    try:
        yield privacy_setup.build(rpc_client)
    finally:
        support.stop_process(smtp)


def test_the_export_holds_invoices_payslips_deliveries_and_the_books(person, rpc_client):
    members = person.admin.members

    def exported():
        data = members.export_member_data({"member_id": person.member["id"]})
        parts = data["services"]
        sent = [d for d in parts["notifications"]["deliveries"] if d["status"] == "sent"]
        return data if sent and parts["accounting"]["analytic_lines"] else None

    data = wait_for(exported, timeout=30, interval=0.5, message="the e-mails sent and the books written")
    parts = data["services"]
    assert parts["members"]["member"]["last_name"] == "Diallo"
    assert [a["trade_name"] for a in parts["members"]["activities"]] == ["Amina Cargo"]
    [invoice] = parts["billing"]["invoices"]
    assert (invoice["number"], invoice["total_incl_vat"]) == (person.invoice["number"], "5377.77")
    assert [c["name"] for c in parts["billing"]["customers"]] == ["Claire Dubois"]
    assert [p["bank_reference"] for p in parts["billing"]["payments"]] == ["PAY-CLAIRE-1"]
    assert [p["id"] for p in parts["payroll"]["payslips"]] == [person.payslip["id"]]
    assert parts["payroll"]["payslips"][0]["run_status"] == "closed"
    assert {d["recipient"] for d in parts["notifications"]["deliveries"]} >= {f"member:{person.member['id']}"}
    assert {line["activity_id"] for line in parts["accounting"]["analytic_lines"]} == {person.activity["id"]}
    # The admin reads the coaching notes, and that read is in the log like any other.
    [enrolment] = parts["members"]["enrolments"]
    assert [n["text"] for n in enrolment["coaching_notes"]] == [privacy_setup.NOTE]
    reads = members.list_note_reads(person.enrolment["id"])["items"]
    assert [(r["role"], r["granted"]) for r in reads][-1] == ("admin", True)
    assert {p["category"] for p in data["retention"]} >= {"invoices", "payroll_social", "coaching_notes"}


def test_the_member_reads_their_own_without_the_notes_and_never_another(person, rpc_client):
    own = rpc_client(person.member_secret, timeout=60).members
    data = own.export_member_data({"member_id": person.member["id"]})
    [enrolment] = data["services"]["members"]["enrolments"]
    assert enrolment["coaching_notes"]["count"] == 1
    assert privacy_setup.NOTE not in json.dumps(data)
    other = person.admin.members.register_member(
        {"first_name": "Luc", "last_name": "Peeters", "email": "luc@example.org", "language": "nl"}
    )
    with pytest.raises(Forbidden):
        own.export_member_data({"member_id": other["id"]})
    staff = person.admin.members.issue_api_key(
        {"cooperative": "dies", "role": "staff", "label": "Accountant"}
    )
    with pytest.raises(Forbidden):
        rpc_client(staff["secret"]).members.export_member_data({"member_id": person.member["id"]})


def test_the_zip_carries_the_documents(person):
    company = person.admin.billing.create_customer(billing_setup.NL_CUSTOMER)
    b2b = person.admin.billing.issue_invoice(
        person.admin.billing.create_invoice(
            {
                "activity_id": person.activity["id"],
                "customer_id": company["id"],
                "vat_regime": "standard",
                "lines": [
                    {"description": "Bakfiets", "quantity": "1", "unit_price": "100.00", "vat_rate": "0.21"}
                ],
            }
        )["id"]
    )
    answer = person.admin.members.export_member_data({"member_id": person.member["id"], "format": "zip"})
    archive = zipfile.ZipFile(io.BytesIO(base64.b64decode(answer["content"])))
    names = set(archive.namelist())
    number = person.invoice["number"]
    # a consumer's invoice has a PDF; a UBL only goes to a customer with a Peppol address
    assert {"data.json", f"billing/{number}.pdf"} <= names and f"billing/{number}.xml" not in names
    payslips = [n for n in names if n.startswith("payroll/payslip-")]
    accounts = [n for n in names if n.startswith("payroll/individual-account-")]
    assert len(payslips) == 1 and len(accounts) == 1
    assert archive.read(f"billing/{number}.pdf").startswith(b"%PDF")
    assert archive.read(payslips[0]).startswith(b"%PDF")
    # the company's invoice has its Peppol UBL too
    ubl = etree.fromstring(archive.read(f"billing/{b2b['number']}.xml"))
    assert ubl.tag == "{urn:oasis:names:specification:ubl:schema:xsd:Invoice-2}Invoice"
    assert json.loads(archive.read("data.json"))["member_id"] == person.member["id"]
